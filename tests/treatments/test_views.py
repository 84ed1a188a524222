import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.models import Outcome
from clinic import page_cache
from tests.admin_forms import admin_form_data
from tests.factories import (
    ClinicProfileFactory,
    FAQFactory,
    ScreeningQuestionFactory,
    SectionFactory,
    TreatmentFactory,
    TreatmentImageFactory,
)
from treatments.models import SectionKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clinic():
    return ClinicProfileFactory(currency="USD")


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_user("editor", password="x" * 12, is_staff=True)
    client.force_login(staff)
    return client


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, f"no <meta {attribute}={name!r}>"
    return match.group(1)


def full_treatment(count: int, **kwargs):
    """A treatment with `count` FAQs, images and screening questions (sections max out at 7)."""
    treatment = TreatmentFactory(**kwargs)
    for kind in SectionKind.values[:count]:
        SectionFactory(treatment=treatment, kind=kind)
    for n in range(count):
        FAQFactory(treatment=treatment, question=f"Question {n}?")
        TreatmentImageFactory(treatment=treatment)
        ScreeningQuestionFactory(
            treatment=treatment,
            text=f"Screening {n}?",
            public_label=f"Condition {n}",
            outcome=Outcome.BLOCKS_BOOKING if n % 2 else Outcome.NEEDS_REVIEW,
            position=n,
        )
    return treatment


# --- List -----------------------------------------------------------------------


def test_the_list_shows_only_published_treatments(client):
    TreatmentFactory(name="Microneedling")
    TreatmentFactory(name="Secret peel", draft=True)

    response = client.get(reverse("treatments:list"))

    assert response.status_code == 200
    assert "Microneedling" in response.text
    assert "Secret peel" not in response.text


def test_the_list_shows_treatments_in_display_order(client):
    TreatmentFactory(name="Second", position=2)
    TreatmentFactory(name="First", position=1)

    html = client.get(reverse("treatments:list")).text

    assert html.index("First") < html.index("Second")


# --- Drafts ---------------------------------------------------------------------


def test_it_hides_drafts_from_the_public(client, django_user_model):
    draft = TreatmentFactory(draft=True)

    assert client.get(draft.get_absolute_url()).status_code == 404
    patient = django_user_model.objects.create_user("patient", password="x" * 12)
    client.force_login(patient)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_it_shows_drafts_to_staff_with_a_banner_and_noindex(staff_client):
    draft = TreatmentFactory(name="Chemical peel", draft=True)

    response = staff_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert re.search(r'class="draft-banner"[^>]*>.*<strong>Draft</strong>', response.text, re.S)
    assert '<meta name="robots" content="noindex">' in response.text


def test_a_published_page_has_no_draft_banner_and_can_be_indexed(staff_client):
    treatment = TreatmentFactory()

    html = staff_client.get(treatment.get_absolute_url()).text

    assert "draft-banner" not in html
    assert 'name="robots"' not in html


def test_an_unknown_treatment_is_404(client):
    assert client.get(reverse("treatments:detail", args=["no-such-thing"])).status_code == 404


# --- Content of the page --------------------------------------------------------


def test_the_page_shows_every_section_in_the_fixed_order_with_matching_toc(client):
    treatment = TreatmentFactory()
    for kind in reversed(SectionKind.values):
        SectionFactory(treatment=treatment, kind=kind, title=f"Title of {kind}")

    html = client.get(treatment.get_absolute_url()).text

    body = html[html.index('class="col-lg-9 treatment-body"') :]
    positions = [body.index(f'<h2 id="{kind.replace("_", "-")}-heading">') for kind in SectionKind]
    assert positions == sorted(positions)
    for kind in SectionKind.values:
        assert f"Title of {kind}</h2>" in body
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    toc_targets = re.findall(r'href="#([^"]+)"', toc)
    section_ids = re.findall(r'<section id="([^"]+)"', body)
    assert toc_targets[:7] == [kind.replace("_", "-") for kind in SectionKind.values]
    assert toc_targets == section_ids  # every TOC link lands on a section, in order


def test_the_page_shows_faqs_in_order(client):
    treatment = TreatmentFactory()
    FAQFactory(treatment=treatment, question="Does it hurt?", answer="A little.", position=2)
    FAQFactory(treatment=treatment, question="How long?", answer="**An hour**.", position=1)

    html = client.get(treatment.get_absolute_url()).text

    assert html.index("How long?") < html.index("Does it hurt?")
    assert "<strong>An hour</strong>" in html
    assert 'href="#faqs"' in html and '<section id="faqs"' in html


def test_the_page_shows_price_duration_sessions_and_a_book_link(client):
    treatment = TreatmentFactory(
        name="Microneedling",
        slug="microneedling",
        price_from="1500.00",
        session_minutes=45,
        visit_minutes=75,
        sessions_min=3,
        sessions_max=6,
        spacing_weeks_min=4,
        spacing_weeks_max=6,
    )

    html = client.get(treatment.get_absolute_url()).text

    assert "From USD 1,500 per session" in html
    assert "About 45 minutes" in html
    assert "Up to 1 hour 15 minutes" in html
    assert "3–6 recommended" in html
    assert "4–6 weeks apart" in html
    book_url = reverse("booking:start") + "?treatment=microneedling"
    assert f'href="{book_url}">Book Microneedling</a>' in html
    assert html.count("<h1") == 1


def test_the_page_has_search_engine_and_social_metadata(client):
    treatment = TreatmentFactory(
        name="Microneedling",
        slug="microneedling",
        seo_description="Microneedling in Tijuana: how it works and what it costs.",
        with_hero=True,
    )

    html = client.get(treatment.get_absolute_url()).text

    url = "https://clinic.example/en/treatments/microneedling/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "name", "description") == treatment.seo_description
    assert meta(html, "property", "og:title") == "Microneedling"
    assert meta(html, "property", "og:description") == treatment.seo_description
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:image").startswith("https://clinic.example/media/")
    assert "<title>Microneedling — Clínica Rosa</title>" in html


def test_the_page_describes_the_treatment_as_json_ld(client):
    treatment = TreatmentFactory(
        name="Micro </script> needling", slug="microneedling", price_from="150.00"
    )

    html = client.get(treatment.get_absolute_url()).text

    [data] = json_ld(html)
    assert data["@type"] == "MedicalProcedure"
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Micro </script> needling"  # escaped in HTML, intact as JSON
    assert data["url"] == "https://clinic.example/en/treatments/microneedling/"
    assert data["offers"] == {"@type": "Offer", "price": "150.00", "priceCurrency": "USD"}


def test_the_page_lists_who_should_not_have_the_treatment(client):
    treatment = TreatmentFactory()
    SectionFactory(treatment=treatment, kind=SectionKind.RISKS)

    def question(label, outcome, **kwargs):
        return ScreeningQuestionFactory(
            treatment=treatment, text=f"{label}?", public_label=label, outcome=outcome, **kwargs
        )

    question("You are pregnant", Outcome.BLOCKS_BOOKING, position=2)
    question("You have an active skin infection", Outcome.BLOCKS_BOOKING, position=1)
    question("You take blood thinners", Outcome.NEEDS_REVIEW)
    question("", Outcome.BLOCKS_BOOKING)  # no label: not for the public page
    ScreeningQuestionFactory(
        treatment=treatment, text="Hidden?", public_label="Unlabelled", outcome=Outcome.NONE
    )
    question("You used isotretinoin", Outcome.BLOCKS_BOOKING, is_active=False)
    other = TreatmentFactory()
    ScreeningQuestionFactory(
        treatment=other,
        text="x",
        public_label="Another treatment's rule",
        outcome=Outcome.BLOCKS_BOOKING,
    )

    html = client.get(treatment.get_absolute_url()).text

    section = re.search(r'<section id="who-should-not".*?</section>', html, re.S).group(0)
    blocks, review = re.findall(r"<ul>(.*?)</ul>", section, re.S)
    assert re.findall(r"<li>(.*?)</li>", blocks) == [
        "You have an active skin infection",
        "You are pregnant",
    ]
    assert re.findall(r"<li>(.*?)</li>", review) == ["You take blood thinners"]
    for absent in ("Unlabelled", "isotretinoin", "Another treatment"):
        assert absent not in html
    # It follows the risks section and is linked from the table of contents.
    assert html.index('<section id="risks"') < html.index('<section id="who-should-not"')
    assert 'href="#who-should-not"' in html


def test_the_page_has_no_who_should_not_section_without_labelled_questions(client):
    treatment = TreatmentFactory()
    ScreeningQuestionFactory(treatment=treatment, text="x", outcome=Outcome.BLOCKS_BOOKING)

    html = client.get(treatment.get_absolute_url()).text

    assert "who-should-not" not in html


# --- Edits in admin -------------------------------------------------------------


def test_an_admin_edit_to_a_section_or_faq_shows_at_the_next_load(client, admin_client):
    treatment = TreatmentFactory()
    SectionFactory(treatment=treatment, kind=SectionKind.AFTERCARE, body="Old aftercare.")
    FAQFactory(treatment=treatment, question="Old question?", answer="Old answer.")
    assert "Old aftercare." in client.get(treatment.get_absolute_url()).text

    change_url = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    data = admin_form_data(admin_client.get(change_url))
    data["sections-0-body_en"] = "Use **sunscreen** for a week."
    data["faqs-0-question_en"] = "New question?"
    data["faqs-0-answer_en"] = "New answer."
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    html = client.get(treatment.get_absolute_url()).text
    assert "Use <strong>sunscreen</strong> for a week." in html
    assert "New question?" in html and "New answer." in html
    assert "Old aftercare." not in html and "Old question?" not in html


# --- Query count ----------------------------------------------------------------


def test_the_page_makes_a_bounded_number_of_queries_whatever_its_size(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    small = full_treatment(2)
    large = full_treatment(20)
    client.get(small.get_absolute_url())  # the clinic profile is cached from here on

    # What rendering costs, not the page cache (clinic/page_cache.py): each request renders.
    page_cache.bump()
    with CaptureQueriesContext(connection) as small_queries:
        small_html = client.get(small.get_absolute_url()).text
    page_cache.bump()
    with django_assert_num_queries(len(small_queries)):
        large_html = client.get(large.get_absolute_url()).text
    page_cache.bump()
    with django_assert_max_num_queries(5):
        client.get(large.get_absolute_url())

    # The pages really were small and large.
    assert small_html.count('<details class="faq">') == 2
    assert large_html.count('<details class="faq">') == 20
    assert large_html.count("<figure") == 20
    assert large_html.count('class="treatment-section"') >= 7
    assert "Condition 19" in large_html
