"""A patient's export and erasure cover every encrypted field of their appointment, its
screening and the answers, found by introspection (booking/services/patient_data.py):
a new encrypted field on one of these models is exported and erased without a list to
edit, and fails here if it is not."""

import datetime as dt

import pytest
from django.utils import timezone

from booking import services
from booking.models import Appointment, Practitioner, Screening, ScreeningAnswer, Status
from clinic.encryption import encrypted_field_names
from tests.factories import TreatmentFactory

pytestmark = pytest.mark.django_db

EMAIL = "jane@example.com"


@pytest.fixture
def appointment():
    treatment = TreatmentFactory()
    practitioner = Practitioner.objects.create(name="Dr. Ana Ruiz")
    screening = Screening.objects.create(
        treatment=treatment, date_of_birth=dt.date(1990, 1, 1), outcome="none"
    )
    ScreeningAnswer.objects.create(
        screening=screening,
        question_text="Do you take blood thinners?",
        question_outcome="needs_review",
        answer="yes",
        applies=True,
    )
    start = timezone.now() - dt.timedelta(days=30)
    return Appointment.objects.create(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        occupied_until=start + dt.timedelta(hours=1),
        status=Status.COMPLETED,
        screening=screening,
        patient_name="Jane Doe",
        patient_email=EMAIL,
        instructions="Stop retinoids three days before.",
    )


def test_the_export_holds_every_encrypted_field(appointment):
    [item] = services.export_patient_data(EMAIL)["appointments"]

    assert encrypted_field_names(Appointment) <= item.keys()
    assert encrypted_field_names(Screening) <= item.keys()
    [answer] = item["screening"]
    assert encrypted_field_names(ScreeningAnswer) <= answer.keys()
    assert item["instructions"] == "Stop retinoids three days before."
    assert item["date_of_birth"] == "1990-01-01"
    assert answer == {
        "question": "Do you take blood thinners?",
        "answer": "yes",
        "applies": True,
        "answer_as_read": "Sí",  # the patient booked in the clinic's first language
    }


def test_erasure_leaves_no_encrypted_field_filled(appointment):
    services.erase_patient(EMAIL)

    appointment.refresh_from_db()
    for name in encrypted_field_names(Appointment):
        assert getattr(appointment, name) in ("", None), name
    # The screening and its answers, every encrypted field of theirs included, are gone.
    assert not Screening.objects.exists()
    assert not ScreeningAnswer.objects.exists()
