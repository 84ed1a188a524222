"""The blocked page gives its reasons in the patient's language; a reason that has no
Spanish text yet falls back to English and is marked ``lang="en"`` (clinic/languages.py)."""

import pytest
from django.urls import reverse
from django.utils import translation

from booking.choices import Outcome
from tests.booking.pages import answers
from tests.factories import (
    PractitionerFactory,
    ScreeningQuestionFactory,
    TreatmentFactory,
    questionnaire,
)

pytestmark = pytest.mark.django_db

PREGNANCY_EN = "Microneedling is not offered during pregnancy or breastfeeding."
PREGNANCY_ES = "El microneedling no se realiza durante el embarazo ni la lactancia."


@pytest.fixture
def clinic_setup():
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    return treatment, questionnaire(treatment)


def blocked_page(client, code: str, treatment, questions, **chosen) -> str:
    with translation.override(code):
        step = lambda name: reverse("booking:step", kwargs={"step": name})  # noqa: E731
        client.post(step("treatment"), {"treatment": treatment.pk, "practitioner": ""})
        response = client.post(step("screening"), answers(questions, **chosen))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<ul class="blocked-reasons">' in page
    return page


def test_a_reason_without_spanish_text_is_marked_english(client, clinic_setup):
    treatment, questions = clinic_setup
    assert not questions["pregnant"].patient_message_es

    page = blocked_page(client, "es", treatment, questions, pregnant="yes")

    assert '<html lang="es"' in page
    assert f'<li><span lang="en">{PREGNANCY_EN}</span></li>' in page


def test_a_reason_in_spanish_is_not_marked(client, clinic_setup):
    treatment, questions = clinic_setup
    question = questions["pregnant"]
    question.patient_message_es = PREGNANCY_ES
    question.save()

    page = blocked_page(client, "es", treatment, questions, pregnant="yes")

    assert f"<li>{PREGNANCY_ES}</li>" in page
    assert PREGNANCY_EN not in page
    assert 'lang="en"' not in page.split('<ul class="blocked-reasons">')[1].split("</ul>")[0]


def test_in_english_the_reason_is_plain(client, clinic_setup):
    treatment, questions = clinic_setup

    page = blocked_page(client, "en", treatment, questions, pregnant="yes")

    assert f"<li>{PREGNANCY_EN}</li>" in page


def test_a_question_without_a_message_gives_its_wording_marked_and_escaped(client, clinic_setup):
    treatment, questions = clinic_setup
    questions["infection"] = ScreeningQuestionFactory(
        treatment=treatment,
        text="Do you have an <active> skin infection?",
        outcome=Outcome.BLOCKS_BOOKING,
        patient_message="",
        position=10,
    )

    page = blocked_page(client, "es", treatment, questions, infection="yes")

    assert '<li><span lang="en">Do you have an &lt;active&gt; skin infection?</span></li>' in page
