"""Health data is encrypted at rest; keys rotate; a wrong key fails loudly."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from booking.models import Appointment, Outcome, Screening, ScreeningAnswer
from clinic.encryption import HealthDataUnreadable, is_encrypted
from tests.factories import (
    AppointmentFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def answer():
    screening = ScreeningFactory(
        treatment=TreatmentFactory(microneedling=True),
        date_of_birth=dt.date(1979, 5, 17),
        outcome=Outcome.NEEDS_REVIEW,
    )
    return ScreeningAnswerFactory(
        screening=screening, question_text="Do you have a keloid history?"
    )


def test_answers_and_date_of_birth_are_unreadable_in_the_database(answer):
    stored_answer = raw("booking_screeninganswer", "answer", answer.pk)
    stored_applies = raw("booking_screeninganswer", "applies", answer.pk)
    stored_birth = raw("booking_screening", "date_of_birth", answer.screening_id)
    stored_positions = raw("booking_screening", "positions_that_apply", answer.screening_id)

    for value in (stored_answer, stored_applies, stored_birth, stored_positions):
        assert is_encrypted(value)
    assert "1979" not in stored_birth
    answer.refresh_from_db()
    assert answer.answer == "yes"
    assert answer.applies is True
    screening = Screening.objects.get()
    assert screening.date_of_birth == dt.date(1979, 5, 17)
    assert screening.positions_that_apply == [answer.position]


def test_instructions_derived_from_answers_are_encrypted_too(answer):
    treatment = answer.screening.treatment
    appointment = AppointmentFactory(
        treatment=treatment,
        practitioner=PractitionerFactory(treatments=[treatment]),
        starts_at=dt.datetime(2030, 1, 7, 17, tzinfo=dt.UTC),
        instructions="Stop ibuprofen 3 days before.",
    )

    assert "ibuprofen" not in raw("booking_appointment", "instructions", appointment.pk)
    assert Appointment.objects.get().instructions == "Stop ibuprofen 3 days before."


def test_a_wrong_key_fails_loudly_instead_of_showing_ciphertext(answer, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(HealthDataUnreadable):
        ScreeningAnswer.objects.get(pk=answer.pk)


def test_keys_rotate_and_the_command_reencrypts_under_the_newest(answer, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = raw("booking_screeninganswer", "answer", answer.pk)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("reencrypt_health_data")

    after = raw("booking_screeninganswer", "answer", answer.pk)
    assert after != before
    assert Fernet(new_key.encode()).decrypt(after.encode()) == b"yes"
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can go now
    assert ScreeningAnswer.objects.get(pk=answer.pk).answer == "yes"
    assert Screening.objects.get().date_of_birth == dt.date(1979, 5, 17)


def test_without_keys_production_settings_refuse_to_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"FIELD_ENCRYPTION_KEYS", "DEBUG"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="clinic.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr
