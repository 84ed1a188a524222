import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from booking import screening
from booking.content import screening as screening_content
from booking.models import (
    BookingPolicy,
    Outcome,
    Practitioner,
    QuestionKind,
    ScreeningQuestion,
    WorkingHours,
)
from booking.services import rules_for
from clinic.models import ClinicProfile
from tests.factories import PractitionerFactory
from treatments.content import microneedling
from treatments.models import FAQ, Section, SectionKind, Treatment

FORBIDDEN = (
    "non-invasive",
    "noninvasive",
    "injection",
    "tattoo",  # seed 004's aftercare is a tattoo's; only the screening question may say it
    "no pain",
    "painless",
    "pain-free",
)
TATTOO_QUESTION = "Do you have a tattoo or permanent make-up on the area to be treated?"


def load() -> str:
    out = io.StringIO()
    call_command("load_clinic_content", stdout=out)
    return out.getvalue()


def question(text_start: str) -> ScreeningQuestion:
    return ScreeningQuestion.objects.get(text__startswith=text_start)


@pytest.mark.django_db
def test_it_creates_everything_once():
    first = load()
    second = load()

    assert "created: treatment" in first
    assert "created:" not in second
    assert ClinicProfile.objects.count() == 1
    assert Treatment.objects.count() == 1
    assert Section.objects.count() == 7
    assert FAQ.objects.count() == len(microneedling.FAQS)
    assert ScreeningQuestion.objects.count() == len(screening_content.QUESTIONS)
    assert Practitioner.objects.count() == 2
    assert WorkingHours.objects.count() == 11 + 10
    assert BookingPolicy.objects.count() == 1


@pytest.mark.django_db
def test_the_treatment_page_is_complete():
    load()

    treatment = Treatment.objects.published().get(slug="microneedling")
    assert {s.kind for s in treatment.sections.all()} == set(SectionKind.values)
    assert all(s.title and s.body_html.startswith("<") for s in treatment.sections.all())
    assert treatment.faqs.count() >= 10
    assert (treatment.session_minutes, treatment.visit_minutes, treatment.buffer_minutes) == (
        30,
        120,
        15,
    )
    assert (treatment.sessions_min, treatment.sessions_max) == (3, 6)
    assert (treatment.spacing_weeks_min, treatment.spacing_weeks_max) == (4, 6)
    assert 0 < len(treatment.seo_description) <= 160
    assert "numbing cream" in treatment.visit_instructions
    treatment.full_clean()
    treatment.hero_image.close()  # the image validator opens the stored file


@pytest.mark.django_db
def test_section_headings_start_at_h3():
    load()

    for section in Section.objects.all():
        assert "<h1" not in section.body_html
        assert "<h2" not in section.body_html


@pytest.mark.django_db
def test_the_hero_image_has_renditions_with_sizes():
    load()

    treatment = Treatment.objects.get(slug="microneedling")
    assert treatment.hero_image.name.endswith(".png")
    assert treatment.hero_image_alt
    renditions = treatment.hero_renditions
    assert (renditions["width"], renditions["height"]) == (1600, 900)
    assert [item["width"] for item in renditions["items"]] == [480, 800, 1200, 1600]
    for item in renditions["items"]:
        assert item["name"].endswith(".webp")
        assert item["height"] == round(900 * item["width"] / 1600)
        assert default_storage.exists(item["name"])
    assert (treatment.hero.width, treatment.hero.height) == (1600, 900)


@pytest.mark.django_db
def test_staff_edits_survive_a_rerun():
    load()
    profile = ClinicProfile.objects.get()
    profile.name = "Clínica Editada"
    profile.phone = ""
    profile.save()
    treatment = Treatment.objects.get(slug="microneedling")
    treatment.price_from = Decimal("210.00")
    treatment.hero_image_alt = "Edited description"
    treatment.save()
    hero_name = treatment.hero_image.name
    section = treatment.sections.get(kind=SectionKind.AFTERCARE)
    section.title = "Looking after your skin"
    section.body = "Edited by staff."
    section.save()
    faq = treatment.faqs.first()
    faq.answer = "Edited answer."
    faq.save()
    treatment.faqs.exclude(pk=faq.pk).delete()
    treatment.sections.filter(kind=SectionKind.RESULTS).delete()
    pregnancy = question("Are you pregnant")
    pregnancy.public_label = "Edited label"
    pregnancy.save()
    Practitioner.objects.filter(name__startswith="Sofía").delete()

    output = load()

    profile = ClinicProfile.objects.get()
    assert (profile.name, profile.phone) == ("Clínica Editada", "")
    treatment.refresh_from_db()
    assert treatment.price_from == Decimal("210.00")
    assert treatment.hero_image_alt == "Edited description"
    assert treatment.hero_image.name == hero_name
    section.refresh_from_db()
    assert (section.title, section.body) == ("Looking after your skin", "Edited by staff.")
    assert list(treatment.faqs.values_list("answer", flat=True)) == ["Edited answer."]
    # A missing section is put back; nothing else is added.
    assert treatment.sections.count() == 7
    assert "created: 1 sections" in output
    assert question("Are you pregnant").public_label == "Edited label"
    assert ScreeningQuestion.objects.count() == len(screening_content.QUESTIONS)
    assert Practitioner.objects.count() == 1


@pytest.mark.django_db
def test_it_fills_a_profile_nobody_has_edited_yet():
    ClinicProfile.load()  # what the site does on its first page view

    load()

    profile = ClinicProfile.objects.get()
    assert profile.name == "Río Skin Clinic"
    assert profile.postal_code == "22010"
    assert profile.country_code == "MX"
    assert profile.time_zone == "America/Tijuana"
    assert profile.currency == "USD"
    assert profile.map_url.startswith("https://www.openstreetmap.org/")
    assert profile.email.endswith(".example")
    assert len(profile.opening_hours_lines) >= 3


@pytest.mark.django_db
def test_it_keeps_existing_practitioners():
    PractitionerFactory(name="Dr. Already Here", hours=[])

    load()

    assert list(Practitioner.objects.values_list("name", flat=True)) == ["Dr. Already Here"]


@pytest.mark.django_db
def test_the_practitioners_work_their_hours_and_perform_microneedling():
    load()

    treatment = Treatment.objects.get(slug="microneedling")
    first, second = Practitioner.objects.performing(treatment).order_by("position")
    monday = [(h.starts_at, h.ends_at) for h in first.working_hours.filter(weekday=0)]
    assert monday == [(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))]
    assert [(h.starts_at, h.ends_at) for h in first.working_hours.filter(weekday=5)] == [
        (dt.time(9), dt.time(13))
    ]
    assert not first.working_hours.filter(weekday=6).exists()
    assert sorted(set(second.working_hours.values_list("weekday", flat=True))) == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_the_questions_have_the_right_outcomes():
    load()

    questions = ScreeningQuestion.objects.all()
    for item in questions:
        item.full_clean()
    blocks = questions.filter(outcome=Outcome.BLOCKS_BOOKING)
    reviews = questions.filter(outcome=Outcome.NEEDS_REVIEW)
    assert blocks.count() == 8
    assert reviews.count() == 17
    assert all(q.public_label and q.patient_message for q in [*blocks, *reviews])
    assert question("Are you taking isotretinoin").outcome == Outcome.BLOCKS_BOOKING
    assert "area to be treated" in question("Do you have a skin infection").text
    assert question("Are you allergic").outcome == Outcome.NEEDS_REVIEW

    past = question("Have you taken isotretinoin in the past 12 months")
    assert past.outcome == Outcome.NONE
    last_dose = past.follow_ups.get()
    assert (last_dose.kind, last_dose.parent_answer) == (QuestionKind.DATE, "yes")
    assert (last_dose.outcome, last_dose.waiting_days) == (Outcome.NEEDS_REVIEW, 180)

    face = question("Is the area to be treated on your face")
    assert face.outcome == Outcome.NONE
    cold_sores = face.follow_ups.get()
    assert cold_sores.text == "Have you ever had cold sores?"
    assert (cold_sores.parent_answer, cold_sores.outcome) == ("yes", Outcome.NEEDS_REVIEW)

    # The dates of recent treatments on the area, behind one yes/no question whose window
    # covers the longest waiting period (180 days).
    recent = question("In the past 6 months, have you had any of these on the area")
    assert (recent.kind, recent.outcome, recent.parent) == (QuestionKind.YES_NO, Outcome.NONE, None)
    assert not questions.filter(kind=QuestionKind.DATE, parent=None).exists()
    assert set(recent.follow_ups.values_list("parent_answer", flat=True)) == {"yes"}
    assert all("Leave empty if you did not" in q.text for q in recent.follow_ups.all())
    waits = {
        q.text.split("?")[0]: (q.outcome, q.waiting_days)
        for q in recent.follow_ups.filter(kind=QuestionKind.DATE)
    }
    assert (
        max(days for _outcome, days in waits.values()) <= 181
    )  # any six months hold at least 181 days
    review = Outcome.NEEDS_REVIEW
    assert waits == {
        "When did you last have filler or anti-wrinkle treatment (for example Botox) in the area": (
            review,
            14,
        ),
        "When did you last have a light chemical peel on the area": (review, 14),
        "When did you last have a medium or deep chemical peel on the area": (review, 90),
        "When did you last have laser resurfacing (such as CO2 or erbium laser) on the area": (
            review,
            180,
        ),
        "When did you last have another laser or light treatment on the area (such as IPL or "
        "laser hair removal)": (review, 30),
        "When did you last have sunburn on the area to be treated": (Outcome.INSTRUCTION, 14),
        "When did you last wax, use an epilator or use a hair-removal cream on the area to be "
        "treated": (Outcome.INSTRUCTION, 5),
    }
    assert "3–5 days" in question("Do you take anti-inflammatory").instruction
    assert "3 days" in question("Do you use retinoid").instruction
    assert questions.filter(outcome=Outcome.INSTRUCTION).count() == 4


@pytest.mark.django_db
def test_the_screening_rules_read_the_loaded_questions():
    load()
    treatment = Treatment.objects.get(slug="microneedling")
    questions = list(ScreeningQuestion.objects.for_treatment(treatment))
    rules = rules_for(questions)
    today = dt.date(2030, 6, 1)
    nothing = {q.pk: "no" for q in questions if q.kind == QuestionKind.YES_NO}

    def assess(**changes) -> screening.Assessment:
        answers = dict(nothing)
        for start, answer in changes.values():
            answers[question(start).pk] = answer
        return screening.assess(
            rules, answers, date_of_birth=dt.date(1990, 1, 1), today=today, minimum_age=18
        )

    assert assess().outcome == Outcome.NONE
    assert assess(a=("Are you pregnant", "yes")).blocks_booking
    recent = assess(
        a=("Have you taken isotretinoin in the past", "yes"),
        b=("When did you take your last dose", today - dt.timedelta(days=30)),
    )
    assert recent.needs_review
    assert recent.earliest_date == today + dt.timedelta(days=150)
    had_some = ("In the past 6 months, have you had any of these", "yes")
    laser = assess(
        a=had_some, b=("When did you last have laser resurfacing", today - dt.timedelta(days=100))
    )
    assert laser.needs_review
    assert laser.earliest_date == today + dt.timedelta(days=80)
    # "Yes" without a single date: the clinic cannot tell which waiting period runs.
    assert assess(a=had_some).blocks_booking
    nsaids = assess(a=("Do you take anti-inflammatory", "yes"))
    assert nsaids.outcome == Outcome.INSTRUCTION
    assert nsaids.instructions


@pytest.mark.django_db
def test_no_text_makes_a_forbidden_claim(client):
    load()
    treatment = Treatment.objects.get(slug="microneedling")
    texts = [
        treatment.summary,
        treatment.seo_description,
        treatment.visit_instructions,
        treatment.hero_image_alt,
        *[f"{s.title}\n{s.body}" for s in treatment.sections.all()],
        *[f"{f.question}\n{f.answer}" for f in treatment.faqs.all()],
        *[
            "\n".join([q.text, q.help_text, q.public_label, q.patient_message, q.instruction])
            for q in ScreeningQuestion.objects.exclude(text=TATTOO_QUESTION)
        ],
        ClinicProfile.objects.get().about,
        *[p.bio for p in Practitioner.objects.all()],
    ]

    response = client.get(reverse("treatments:detail", kwargs={"slug": "microneedling"}))

    assert response.status_code == 200
    assert "minimally invasive" in treatment.sections.get(kind="how_it_works").body
    # The page's schema.org data names the type "NoninvasiveProcedure" (Treatment.
    # structured_data, not this content); everything patients read is checked.
    tattoo_label = question(TATTOO_QUESTION).public_label.lower()
    page = response.content.decode().lower().replace("noninvasiveprocedure", "")
    assert tattoo_label in page
    page = page.replace(tattoo_label, "")
    for word in FORBIDDEN:
        assert word not in page, word
        for text in texts:
            assert word not in text.lower(), (word, text[:80])
