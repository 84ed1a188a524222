"""Database text in two languages: each page reads its own, falls back to the other and
marks the fallback with its `lang`, and reads no more rows than before."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clinic import page_cache
from tests.factories import FAQFactory, SectionFactory, TreatmentFactory
from treatments.models import SectionKind

pytestmark = pytest.mark.django_db


def render(template: str, **context) -> str:
    return Template("{% load clinic_i18n %}" + template).render(Context(context))


def test_each_language_keeps_its_own_text():
    treatment = TreatmentFactory(name="Microneedling", summary="Fine needles.")
    with translation.override("es"):
        treatment.summary = "Agujas finas."
        treatment.save()

    treatment.refresh_from_db()
    assert treatment.summary_en == "Fine needles."
    assert treatment.summary_es == "Agujas finas."
    with translation.override("es"):
        assert treatment.summary == "Agujas finas."
    assert treatment.summary == "Fine needles."


def test_spanish_falls_back_to_english_marked_as_english():
    treatment = TreatmentFactory(name="Microneedling", summary="Fine <needles>.")

    with translation.override("es"):
        html = render('{% translated t "summary" %}', t=treatment)

    assert html == '<span lang="en">Fine &lt;needles&gt;.</span>'


def test_a_text_in_the_pages_language_is_not_marked():
    treatment = TreatmentFactory(summary="Fine needles.")
    treatment.summary_es = "Agujas finas."
    treatment.save()

    with translation.override("es"):
        assert render('{% translated t "summary" %}', t=treatment) == "Agujas finas."
    assert render('{% translated t "summary" %}', t=treatment) == "Fine needles."


def test_rendered_markdown_falls_back_as_a_marked_block():
    treatment = TreatmentFactory()
    section = SectionFactory(treatment=treatment, kind=SectionKind.RISKS, body="**Redness**")

    with translation.override("es"):
        html = render('{% translated s "body_html" %}', s=section)

    assert html == '<div lang="en"><p><strong>Redness</strong></p></div>'


def test_each_languages_markdown_is_rendered_from_its_own_text():
    section = SectionFactory(body="**Redness**")
    section.body_es = "**Enrojecimiento**"
    section.save()

    section.refresh_from_db()
    assert section.body_html_en == "<p><strong>Redness</strong></p>"
    assert section.body_html_es == "<p><strong>Enrojecimiento</strong></p>"


def test_the_spanish_treatment_page_marks_what_is_still_english():
    treatment = TreatmentFactory(slug="microneedling", name="Microneedling", summary="Fine.")
    treatment.name_es = "Microagujas"
    treatment.save()
    FAQFactory(treatment=treatment, question="Does it hurt?", answer="A little.")

    html = Client().get("/es/treatments/microneedling/").text

    assert "<h1>Microagujas</h1>" in html
    assert '<p class="lead"><span lang="en">Fine.</span></p>' in html
    assert '<summary><span lang="en">Does it hurt?</span></summary>' in html
    assert '<div class="faq-answer"><div lang="en"><p>A little.</p></div></div>' in html


def test_the_treatment_page_reads_as_many_queries_in_both_languages():
    treatment = TreatmentFactory(slug="microneedling")
    SectionFactory(treatment=treatment, kind=SectionKind.RISKS)
    FAQFactory(treatment=treatment)
    client = Client()
    client.get("/en/")  # the clinic profile and versions are cached from here on

    counts = {}
    for code in ("en", "es"):
        page_cache.bump()  # rendered, not served from the page cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/{code}/treatments/microneedling/").status_code == 200
        counts[code] = len(queries)

    assert counts["es"] == counts["en"]


def test_a_hero_image_without_alt_text_is_a_form_error_in_a_spanish_admin(
    admin_client,
):
    from django.urls import reverse

    from tests.admin_forms import admin_form_data
    from tests.factories import image_upload

    treatment = TreatmentFactory(name="Microneedling")
    url = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    data = admin_form_data(admin_client.get(url))
    data["hero_image"] = image_upload("hero.png", 600, 300)
    data["hero_image_alt_es"] = data["hero_image_alt_en"] = ""

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form again, not a 500
    assert "hero_image_alt_en" in response.context["adminform"].form.errors


def test_the_starting_content_goes_in_its_own_columns_whatever_the_language():
    from booking.management.commands.load_clinic_content import load_clinic_content
    from treatments.models import Treatment

    with translation.override("es"):
        load_clinic_content()

    treatment = Treatment.objects.get(slug="microneedling")
    assert treatment.name_en == "Microneedling"
    assert treatment.summary_en.startswith("Microneedling, also called")
    assert treatment.summary_es.startswith("El tratamiento con microagujas")


def test_the_spanish_home_page_marks_the_clinic_texts_and_cards_still_in_english():
    from tests.factories import ClinicProfileFactory

    ClinicProfileFactory(tagline="Careful skin care.", opening_hours="Monday: 9:00–18:00")
    TreatmentFactory(name="Microneedling", summary="Fine needles.", is_featured=True)

    html = Client().get("/es/").text

    assert '<p class="lead"><span lang="en">Careful skin care.</span></p>' in html
    assert '<ul class="list-unstyled mb-0" lang="en"><li>Monday: 9:00–18:00</li>' in html
    assert '<span lang="en">Microneedling</span></a>' in html
    assert '<p class="card-text" lang="en">Fine needles.</p>' in html
