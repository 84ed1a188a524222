"""Retention and patients' rights: what is deleted, what is anonymised, and when."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from booking import services
from booking.models import Appointment, Consent, Outcome, Screening, ScreeningAnswer, Status
from tests.clock import frozen_at
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db
NOW = frozen_at()  # the clock's instant (tests/conftest.py's `clock`)


@pytest.fixture
def treatment():
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=0)
    PractitionerFactory(treatments=[treatment])
    return treatment


def appointment(treatment, *, days_ago: float, status=Status.COMPLETED, email="jane@example.com"):
    start = NOW - dt.timedelta(days=days_ago)
    screening = ScreeningFactory(treatment=treatment, created_at=start - dt.timedelta(days=2))
    ScreeningAnswerFactory(
        screening=screening,
        question_text="Do you have a distinctive condition?",
        question_outcome=Outcome.NEEDS_REVIEW,
        answer="yes",
        applies=False,
    )
    created = AppointmentFactory(
        treatment=treatment,
        practitioner=treatment.practitioners.get(),
        starts_at=start,
        status=status,
        screening=screening,
        patient_email=email,
        patient_phone="+1 619 555 0100",
        created_at=start - dt.timedelta(days=2),
    )
    ConsentFactory(appointment=created, wording="I agree")
    return created


def purge():
    return services.purge_patient_data(NOW, health_days=365, details_days=1095, abandoned_hours=24)


def test_it_deletes_answers_a_year_after_the_visit_and_keeps_the_appointment(treatment):
    old = appointment(treatment, days_ago=400)
    recent = appointment(treatment, days_ago=30, email="recent@example.com")

    purge()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.screening is None
    assert old.patient_email == "jane@example.com"
    assert recent.screening is not None
    assert ScreeningAnswer.objects.count() == 1


def test_it_anonymises_patient_details_after_three_years(treatment):
    old = appointment(treatment, days_ago=1200)

    purge()

    old.refresh_from_db()
    assert old.patient_name == services.ERASED
    assert old.patient_email == old.patient_phone == ""
    assert old.status == Status.COMPLETED
    assert old.starts_at < NOW


def test_it_deletes_abandoned_bookings_after_a_day(treatment):
    abandoned = appointment(treatment, days_ago=-5, status=Status.EXPIRED)
    Appointment.objects.filter(pk=abandoned.pk).update(created_at=NOW - dt.timedelta(days=2))
    in_progress = appointment(treatment, days_ago=-6, status=Status.HELD, email="now@example.com")
    Appointment.objects.filter(pk=in_progress.pk).update(
        created_at=NOW, hold_expires_at=NOW + dt.timedelta(minutes=5)
    )
    orphan = ScreeningFactory(treatment=treatment, created_at=NOW - dt.timedelta(days=3))

    purge()

    assert not Appointment.objects.filter(pk=abandoned.pk).exists()
    assert not Screening.objects.filter(pk=orphan.pk).exists()
    assert Appointment.objects.filter(pk=in_progress.pk).exists()


def test_the_command_is_safe_to_run_twice(treatment, settings):
    appointment(treatment, days_ago=1200)
    call_command("purge_patient_data")
    call_command("purge_patient_data")

    assert Appointment.objects.get().patient_name == services.ERASED


def test_the_export_holds_everything_about_the_patient(treatment):
    appointment(treatment, days_ago=30)
    appointment(treatment, days_ago=10, email="someone-else@example.com")

    data = services.export_patient_data("JANE@example.com ")

    assert len(data["appointments"]) == 1
    item = data["appointments"][0]
    assert item["email"] == "jane@example.com"
    assert item["date_of_birth"] == "1990-01-01"
    assert item["screening"] == [
        {
            "question": "Do you have a distinctive condition?",
            "answer": "yes",
            "applies": False,
            "answer_as_read": "Yes",
        }
    ]
    assert (item["status"], item["status_as_read"]) == ("completed", "Completed")
    assert item["consents"][0]["wording"] == "I agree"
    json.dumps(data)


def test_the_export_reads_in_the_language_the_patient_booked_in(treatment):
    """Staff export in their own language; the patient reads the copy in theirs: each
    code (kept for a machine) has its reading beside it."""
    appointment(treatment, days_ago=30)
    Appointment.objects.update(language="es")

    with translation.override("en"):
        [item] = services.export_patient_data("jane@example.com")["appointments"]

    assert (item["status"], item["status_as_read"]) == ("completed", "Realizada")
    assert [(a["answer"], a["answer_as_read"]) for a in item["screening"]] == [("yes", "Sí")]


def test_erasing_a_patient_keeps_an_anonymised_row_and_cancels_upcoming_visits(
    treatment, django_user_model
):
    past = appointment(treatment, days_ago=30)
    upcoming = appointment(treatment, days_ago=-10, status=Status.CONFIRMED)
    manager = django_user_model.objects.create_user("manager")

    assert services.erase_patient("jane@example.com", by=manager) == 2

    for row in (past, upcoming):
        row.refresh_from_db()
        assert row.patient_name == services.ERASED
        assert row.patient_email == ""
        assert row.screening is None
        assert row.changes.filter(action="erased", by=manager).exists()
    assert upcoming.status == Status.CANCELLED
    assert Screening.objects.count() == 0
    assert Consent.objects.count() == 0
    assert services.export_patient_data("jane@example.com")["appointments"] == []
