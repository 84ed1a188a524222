"""Each booking step answers in a small, fixed number of queries, however full the book is."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking import free_times
from booking.models import Appointment
from clinic.models import ClinicProfile
from tests.booking.pages import answers, first_offered_start
from tests.factories import AppointmentFactory, PractitionerFactory, TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db

# Measured on both databases; a regression past these fails the suite.
# Measured on both databases (the time step: the treatment and the answers in one query,
# then hours, closures, appointments in the window; from the time step on, the treatment,
# the answers and the held time are one query, booking/flow_state.py). A regression past
# these fails the suite.
BUDGET = {
    "treatment GET": 3,
    "screening GET": 2,
    "time GET": 4,
    "details GET": 2,  # + the privacy notice in force, linked from the consent
    "review GET": 3,
}


@pytest.fixture(autouse=True)
def _clinic_profile():
    ClinicProfile.load()  # exists on every real site; its first creation is not a step's cost


def fill_the_book(treatment, practitioner, count: int, *, from_day: int = 2) -> None:
    start = timezone.now() + dt.timedelta(days=from_day)
    Appointment.objects.bulk_create(
        AppointmentFactory.build(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=start + dt.timedelta(hours=3 * index),
            reference=f"T{index:03d}-{count:04d}",
        )
        for index in range(count)
    )
    free_times.schedule_changed()  # bulk_create sends no signal: the calendar must know


def measure(client, treatment, questions) -> dict[str, int]:
    counts = {}

    def get(step):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("booking:step", args=[step]))
        assert response.status_code == 200
        counts[f"{step} GET"] = len(queries)
        return response

    get("treatment")
    client.post(reverse("booking:step", args=["treatment"]), {"treatment": treatment.pk})
    get("screening")
    client.post(reverse("booking:step", args=["screening"]), answers(questions))
    get("time")
    start = first_offered_start(client)
    client.post(reverse("booking:step", args=["time"]), {"start": start.isoformat()})
    get("details")
    client.post(
        reverse("booking:step", args=["details"]),
        {
            "name": "Jane Doe",
            "email": "jane@example.com",
            "phone": "+1 619 555 0100",
            "consent_treatment": "on",
            "consent_privacy": "on",
        },
    )
    get("review")
    return counts


@pytest.mark.parametrize("appointments", [5, 300])
def test_each_step_stays_within_its_query_budget(client, appointments):
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    PractitionerFactory(treatments=[treatment], name="Second practitioner", position=1)
    questions = questionnaire(treatment)
    fill_the_book(treatment, practitioner, appointments)

    counts = measure(client, treatment, questions)

    over = {step: (count, BUDGET[step]) for step, count in counts.items() if count > BUDGET[step]}
    assert over == {}, f"over budget (measured, budget): {over}"


def test_the_count_does_not_grow_with_the_book(client, django_user_model):
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    fill_the_book(treatment, practitioner, 3)
    measure(client, treatment, questions)  # the first booking also fills the caches
    client.cookies.clear()
    small = measure(client, treatment, questions)

    client.cookies.clear()
    fill_the_book(treatment, practitioner, 250, from_day=5)
    large = measure(client, treatment, questions)

    assert small == large
