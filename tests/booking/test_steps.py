"""The order of the booking steps lives in one tuple (booking/flow.py ``STEPS``): it alone
decides where each step's POST goes next, and the step bar is drawn from it everywhere."""

import re

import pytest
from django.urls import reverse

from booking import flow
from booking.flow_state import SESSION_KEY, Context
from booking.models import Outcome, ScreeningQuestion

pytestmark = pytest.mark.django_db

ADULT_BIRTH_DATE = "1990-04-23"


def step_url(identifier: str) -> str:
    return reverse("booking:step", kwargs={"step": identifier})


def step_bar(page: str) -> list[str]:
    """The class of each step in the bar, e.g. ["done", "current", "", "", ""]."""
    bar = re.search(r'<nav aria-label="Booking steps".*?</nav>', page, re.S)
    assert bar is not None
    return re.findall(r'<li class="([^"]*)"', bar.group(0))


class ExtraStep(flow.Step):
    identifier = "extra"
    template_name = "booking/placeholder.html"

    def is_completed(self, ctx: Context) -> bool:
        return False


def test_a_step_added_to_the_tuple_is_where_the_step_before_it_continues(
    client, monkeypatch, clinic_profile, treatment, practitioner
):
    treatment_step, *rest = flow.STEPS
    monkeypatch.setattr(flow, "STEPS", (treatment_step, ExtraStep(), *rest))

    response = client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})

    assert response.status_code == 302
    assert response.url == step_url("extra")


def test_each_step_continues_to_the_next_and_the_last_to_the_done_page():
    assert [step.next_url() for step in flow.STEPS] == [
        *(step.url() for step in flow.STEPS[1:]),
        reverse("booking:done"),
    ]


def test_the_blocked_page_shows_the_questions_step_as_the_current_one(
    client, clinic_profile, treatment, practitioner
):
    question = ScreeningQuestion.objects.create(
        treatment=treatment, text="Are you pregnant?", outcome=Outcome.BLOCKS_BOOKING
    )
    client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})

    response = client.post(
        step_url("screening"),
        {"date_of_birth": ADULT_BIRTH_DATE, f"question_{question.pk}": "yes"},
    )

    assert response.templates[0].name == "booking/blocked.html"
    assert step_bar(response.content.decode()) == ["done", "current", "", "", ""]


def test_the_done_page_shows_every_step_done(client, confirmed_appointment):
    session = client.session
    session[SESSION_KEY] = {"done": confirmed_appointment.pk}
    session.save()

    response = client.get(reverse("booking:done"))

    assert response.status_code == 200
    assert step_bar(response.content.decode()) == ["done"] * len(flow.STEPS)
