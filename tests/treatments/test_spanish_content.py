"""The standard content in Spanish: every text the loader writes in English has its
Spanish, the loader writes it (on fresh and existing databases) without ever overwriting a
staff edit, and the Spanish pages show it with no English fallback."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from booking.choices import QuestionKind
from booking.content import loading as booking_loading
from booking.content import practitioners, screening, screening_es
from booking.forms import CONSENTS
from booking.models import (
    Appointment,
    Consent,
    ConsentKind,
    Practitioner,
    ScreeningAnswer,
    ScreeningQuestion,
)
from clinic.models import ClinicProfile, PrivacyNotice
from tests.booking.pages import answers, first_offered_start
from treatments.content import clinic, microneedling, microneedling_es
from treatments.content.fingerprints import fingerprint
from treatments.models import FAQ, Section, Treatment

pytestmark = pytest.mark.django_db

TREATMENT_TEXTS = ("name", "summary", "seo_description", "visit_instructions", "hero_image_alt")


def load() -> str:
    out = io.StringIO()
    call_command("load_clinic_content", stdout=out)
    return out.getvalue()


def english_fallbacks(html: str) -> list[str]:
    """The elements marked ``lang="en"`` apart from the language switch's own button."""
    return [
        tag
        for tag in re.findall(r"<[a-z]+[^>]*\slang=\"en\"[^>]*>", html)
        if "language-switch" not in tag
    ]


def loaded_before_spanish() -> None:
    """The database as the loader left it before Spanish existed: no Spanish texts, and
    the fingerprints of the English alone."""
    load()
    for question in ScreeningQuestion.objects.all():
        entry = next(e for e in screening.QUESTIONS if e["key"] == question.content_key)
        ScreeningQuestion.objects.filter(pk=question.pk).update(
            loaded_fingerprint=fingerprint(booking_loading.english_question_values(entry)),
            **{f"{name}_es": "" for name in booking_loading.TRANSLATED_FIELDS},
        )
    for kind, title, body in microneedling.SECTIONS:
        Section.objects.filter(kind=kind).update(
            loaded_fingerprint=fingerprint({"title": title, "body": body}),
            title_es="",
            body_es="",
            body_html_es="",
        )
    for key, question, answer in microneedling.FAQS:
        FAQ.objects.filter(content_key=key).update(
            loaded_fingerprint=fingerprint({"question": question, "answer": answer}),
            question_es="",
            answer_es="",
            answer_html_es="",
        )
    treatment = Treatment.objects.get()
    treatment.loaded_content["fields"] = {
        name: fingerprint({name: value})
        for name, value in microneedling.TREATMENT.items()
        if name != "slug"
    }
    Treatment.objects.update(
        loaded_content=treatment.loaded_content,
        **{f"{name}_es": "" for name in TREATMENT_TEXTS},
    )
    ClinicProfile.objects.update(tagline_es="", about_es="", opening_hours_es="")
    Practitioner.objects.update(title_es="", bio_es="")


def test_every_standard_text_has_its_spanish():
    assert set(microneedling_es.TREATMENT) == set(TREATMENT_TEXTS)
    assert all(microneedling_es.TREATMENT.values())
    assert list(microneedling_es.SECTIONS) == [kind for kind, _t, _b in microneedling.SECTIONS]
    assert all(title and body for title, body in microneedling_es.SECTIONS.values())
    assert list(microneedling_es.FAQS) == [key for key, _q, _a in microneedling.FAQS]
    assert all(question and answer for question, answer in microneedling_es.FAQS.values())
    assert set(screening_es.QUESTIONS) == {entry["key"] for entry in screening.QUESTIONS}
    for entry in screening.QUESTIONS:
        spanish = screening_es.QUESTIONS[entry["key"]]
        written = {name for name in booking_loading.TRANSLATED_FIELDS if entry.get(name)}
        assert set(spanish) == written, entry["key"]
        assert all(spanish.values()), entry["key"]
    assert set(clinic.PROFILE_ES) == {"tagline", "about", "country", "opening_hours"}
    assert all(data["title_es"] and data["bio_es"] for data in practitioners.PRACTITIONERS)
    # One sun-protection rule in Spanish too, word for word where the page gives it.
    assert microneedling_es.SUN_PROTECTION in microneedling_es.TREATMENT["visit_instructions"]
    assert microneedling_es.SUN_PROTECTION in microneedling_es.SECTIONS["aftercare"][1]


def test_loading_writes_the_spanish_next_to_the_english():
    load()

    treatment = Treatment.objects.get(slug="microneedling")
    for name in TREATMENT_TEXTS:
        assert getattr(treatment, f"{name}_es") == microneedling_es.TREATMENT[name]
        assert getattr(treatment, f"{name}_en") == microneedling.TREATMENT[name]
    for section in Section.objects.all():
        assert (section.title_es, section.body_es) == microneedling_es.SECTIONS[section.kind]
        assert section.body_html_es.startswith("<p>")
    for faq in FAQ.objects.all():
        assert (faq.question_es, faq.answer_es) == microneedling_es.FAQS[faq.content_key]
    for question in ScreeningQuestion.objects.all():
        spanish = screening_es.QUESTIONS[question.content_key]
        for name in booking_loading.TRANSLATED_FIELDS:
            assert getattr(question, f"{name}_es") == spanish.get(name, "")
    profile = ClinicProfile.objects.get()
    assert profile.about_es == clinic.PROFILE_ES["about"]
    assert profile.opening_hours_es.startswith("Lunes: 9:00–18:00")
    assert Practitioner.objects.get(name="Sofía Ramírez").title_es == (
        "Enfermera en medicina estética"
    )
    # Loaded once: the next run has nothing to do.
    assert "updated:" not in load()


def test_a_database_loaded_before_spanish_gets_it_and_staff_edits_stay():
    loaded_before_spanish()
    # ... where staff had edited the English of one question and one section.
    ScreeningQuestion.objects.filter(content_key="diabetes").update(
        text_en="Do you have diabetes (type 1 or 2)?"
    )
    Section.objects.filter(kind="results").update(body_en="Our own words.")
    ClinicProfile.objects.update(tagline_en="Our own tagline.")

    output = load()

    assert ScreeningQuestion.objects.get(content_key="pregnant").text_es == (
        "¿Está embarazada o en periodo de lactancia?"
    )
    assert FAQ.objects.get(content_key="pain").question_es == "¿Duelen las microagujas?"
    assert Section.objects.get(kind="risks").body_html_es.startswith("<p>Las microagujas")
    assert Treatment.objects.get().summary_es == microneedling_es.TREATMENT["summary"]
    profile = ClinicProfile.objects.get()
    assert profile.about_es == clinic.PROFILE_ES["about"]
    assert (profile.tagline_en, profile.tagline_es) == ("Our own tagline.", "")
    assert Practitioner.objects.get(name="Dra. Lucía Herrera").bio_es.startswith("Lucía revisa")
    # Staff's English stays, and no standard Spanish is put next to words it does not say.
    diabetes = ScreeningQuestion.objects.get(content_key="diabetes")
    assert (diabetes.text_en, diabetes.text_es) == ("Do you have diabetes (type 1 or 2)?", "")
    results = Section.objects.get(kind="results")
    assert (results.body_en, results.body_es) == ("Our own words.", "")
    assert "kept staff edit: screening question “Do you have diabetes (type 1 or 2)?”" in output
    assert "updated: frequent question “Does microneedling hurt?”" in output
    assert "updated:" not in load()


def test_the_fallback_check_sees_a_missing_spanish_text(client):
    load()
    FAQ.objects.filter(content_key="pain").update(question_es="", answer_es="", answer_html_es="")
    with translation.override("es"):
        url = Treatment.objects.get().get_absolute_url()

    html = client.get(url).content.decode()

    assert english_fallbacks(html) == ['<span lang="en">', '<div lang="en">']


def test_a_staff_edit_of_the_spanish_is_kept():
    load()
    question = ScreeningQuestion.objects.get(content_key="diabetes")
    question.text_es = "¿Padece usted diabetes?"
    question.save()
    faq = FAQ.objects.get(content_key="pain")
    faq.answer_es = "Muy poco, gracias a la crema."
    faq.save()
    section = Section.objects.get(kind="aftercare")
    section.title_es = "Después del tratamiento"
    section.save()
    Treatment.objects.update(summary_es="Nuestro resumen.")

    output = load()

    question.refresh_from_db()
    faq.refresh_from_db()
    section.refresh_from_db()
    assert question.text_es == "¿Padece usted diabetes?"
    assert question.text_en == "Do you have diabetes?"
    assert faq.answer_es == "Muy poco, gracias a la crema."
    assert section.title_es == "Después del tratamiento"
    assert Treatment.objects.get().summary_es == "Nuestro resumen."
    assert "kept staff edit: screening question “Do you have diabetes?”" in output
    assert "kept staff edit: frequent question “Does microneedling hurt?”" in output
    assert "kept staff edit: section “Aftercare”" in output
    assert "kept staff edit: treatment “Microneedling”: summary" in output


def test_a_clearing_of_the_spanish_by_staff_is_kept():
    load()
    FAQ.objects.filter(content_key="makeup").update(question_es="", answer_es="")

    assert "kept staff edit: frequent question “Can I wear makeup" in load()
    assert FAQ.objects.get(content_key="makeup").question_es == ""


def test_the_spanish_microneedling_page_is_all_spanish(client):
    load()
    with translation.override("es"):
        url = Treatment.objects.get().get_absolute_url()

    html = client.get(url).content.decode()

    assert url.startswith("/es/")
    assert '<html lang="es"' in html
    assert english_fallbacks(html) == []  # nothing falls back to English
    for title, _body in microneedling_es.SECTIONS.values():
        assert title in html
    for question, _answer in microneedling_es.FAQS.values():
        assert question.replace("¿", "") in html.replace("¿", "")
    assert "protector solar de amplio espectro FPS 30–50" in html
    assert "Risks and side effects" not in html
    assert "How many sessions will I need?" not in html


def test_the_spanish_questionnaire_asks_in_spanish(client):
    load()
    treatment = Treatment.objects.get()
    with translation.override("es"):
        client.post(
            reverse("booking:step", kwargs={"step": "treatment"}),
            {"treatment": treatment.pk, "practitioner": ""},
        )
        url = reverse("booking:step", kwargs={"step": "screening"})

    html = client.get(url).content.decode()

    assert url.startswith("/es/")
    assert english_fallbacks(html) == []
    assert "¿Está embarazada o en periodo de lactancia?" in html
    assert "Isotretinoína" in html or "isotretinoína" in html
    assert "Are you pregnant" not in html


def test_a_spanish_booking_keeps_the_spanish_wording_the_patient_read(
    django_capture_on_commit_callbacks,
):
    load()
    treatment = Treatment.objects.get()
    questions = {q.content_key: q for q in ScreeningQuestion.objects.all()}
    client = Client()
    with translation.override("es"):
        step = lambda name: reverse("booking:step", kwargs={"step": name})  # noqa: E731
        client.post(step("treatment"), {"treatment": treatment.pk, "practitioner": ""})
        no_dates = {key: "" for key, q in questions.items() if q.kind == QuestionKind.DATE}
        response = client.post(step("screening"), answers(questions, nsaids="yes", **no_dates))
        assert response.status_code == 302
        start = first_offered_start(client)
        client.post(step("time"), {"start": start.isoformat()})
        response = client.post(
            step("details"),
            {
                "name": "Juana Pérez",
                "email": "juana@example.com",
                "phone": "+52 664 555 0100",
                "consent_treatment": "on",
                "consent_privacy": "on",
                "privacy_notice": str(PrivacyNotice.objects.current().version),
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        with django_capture_on_commit_callbacks(execute=True):
            client.post(step("review"))

    appointment = Appointment.objects.get()
    assert appointment.language == "es"
    snapshot = {a.question.content_key: a.question_text for a in ScreeningAnswer.objects.all()}
    assert snapshot["pregnant"] == "¿Está embarazada o en periodo de lactancia?"
    assert snapshot == {key: questions[key].text_es for key in snapshot}
    wordings = dict(Consent.objects.values_list("kind", "wording"))
    with translation.override("es"):
        read = str(CONSENTS[ConsentKind.TREATMENT][1])
    assert read.startswith("He leído la información")
    assert wordings[ConsentKind.TREATMENT] == read
    assert wordings[ConsentKind.PRIVACY].startswith("Otorgo mi consentimiento expreso")
    # The instruction the answers add, and the email, are in Spanish too.
    nsaids = screening_es.QUESTIONS["nsaids"]["instruction"]
    assert appointment.instructions == nsaids
    (message,) = mail.outbox
    assert nsaids in message.body
    assert "Llegue unos 10 minutos antes" in message.body
    assert "Arrive about" not in message.body


def test_the_privacy_notice_is_published_in_spanish_with_the_lfpdppp_terms():
    load()

    notice = PrivacyNotice.objects.current()
    assert notice.version == 1
    body = notice.body_es
    for words in (
        "Ley Federal de Protección de Datos Personales en Posesión de los\nParticulares (LFPDPPP)",
        "Río Skin Clinic, con domicilio en Urban Center Building",
        "**datos personales\nsensibles**",
        "consentimiento expreso",
        "derechos ARCO",
        "**acceso**",
        "**rectificación**",
        "**cancelación**",
        "**oposición**",
        "**revocar su consentimiento**",
        "**limitemos su uso o divulgación**",
        "20 días hábiles",
        "15\ndías hábiles",
        "hello@rioskinclinic.example",
    ):
        assert words in body, words
    assert notice.body_html_es.startswith("<p>Este aviso de privacidad")
    assert notice.changes_es == "Primera versión."
    assert "kept:    privacy notice\n" in load()


def test_a_standard_notice_published_in_english_only_gets_a_version_with_spanish():
    load()
    PrivacyNotice.objects.update(body_es="", body_html_es="", changes_es="")

    report = load()

    assert "created: privacy notice, version 2" in report
    notice = PrivacyNotice.objects.current()
    assert notice.body_es.startswith("Este aviso de privacidad")
    assert notice.body_en == PrivacyNotice.objects.get(version=1).body_en
    assert PrivacyNotice.objects.get(version=1).body_es == ""  # published: never changed
    assert "kept:    privacy notice\n" in load()


def test_a_notice_staff_wrote_gets_no_spanish_version():
    load()
    PrivacyNotice.objects.update(body_en="Our own notice.", body_es="")

    assert "kept:    privacy notice\n" in load()
    assert PrivacyNotice.objects.count() == 1
