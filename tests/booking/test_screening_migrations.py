"""The migration that adds each screening's note of the answers that apply
(``positions_that_apply``) fills it for the screenings already kept, each with a
ciphertext of its own."""

import datetime as dt

import pytest
from django.db import connection

from booking.models import Screening
from tests.factories import TreatmentFactory
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("booking", "0021_field_labels_translate")]
AFTER = [("booking", "0022_screening_positions_that_apply")]


def test_screenings_already_kept_note_which_answers_apply():
    treatment = TreatmentFactory()
    old = migrate(BEFORE)
    OldScreening = old.get_model("booking", "Screening")
    OldAnswer = old.get_model("booking", "ScreeningAnswer")
    kept = {}
    for name, applying in [("none", []), ("one", [2]), ("two", [0, 3]), ("also none", [])]:
        screening = OldScreening.objects.create(
            treatment_id=treatment.pk, date_of_birth=dt.date(1990, 1, 1), outcome="none"
        )
        for position in (3, 2, 1, 0):  # stored out of the questionnaire's order
            OldAnswer.objects.create(
                screening=screening,
                question_text=f"Question {position}?",
                question_outcome="none",
                answer="yes" if position in applying else "no",
                applies=position in applying,
                position=position,
            )
        kept[name] = (screening.pk, applying)

    try:
        migrate(AFTER)
        for pk, applying in kept.values():
            assert Screening.objects.get(pk=pk).positions_that_apply == applying
        with connection.cursor() as cursor:
            cursor.execute("SELECT positions_that_apply FROM booking_screening")
            stored = [row[0] for row in cursor.fetchall()]
        assert len(set(stored)) == len(kept)  # "none" twice, yet two ciphertexts
    finally:
        migrate_to_latest()
