"""Encrypted fields are found by their class, never listed (clinic/encryption.py).

``LabResult`` (tests/encryption_app/) is a model the product has never heard of; key
rotation, the check of a restored backup and dumps cover its encrypted fields all the
same, as they would a new field on any model of the site.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from booking.models import Appointment, Screening, ScreeningAnswer
from clinic.encryption import models_holding_health_data
from tests.encryption_app.models import LabResult

pytestmark = pytest.mark.django_db

TABLE = LabResult._meta.db_table


def stored(column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {TABLE} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def result():
    return LabResult.objects.create(
        note="Allergic to lidocaine", taken_on=dt.date(2024, 3, 1), label="A"
    )


def test_every_model_with_encrypted_fields_is_found():
    found = dict(models_holding_health_data())

    assert found[LabResult] == ["note", "taken_on"]
    assert found[Appointment] == ["clinical_note", "instructions"]
    assert found[Screening] == ["date_of_birth", "positions_that_apply"]
    assert found[ScreeningAnswer] == ["answer", "applies"]


def test_rotation_reencrypts_a_field_no_command_names(result, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = stored("note", result.pk)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("reencrypt_health_data", stdout=out)

    assert "encryption_app.LabResult: 1 re-encrypted (note, taken_on)" in out.getvalue()
    assert stored("note", result.pk) != before
    new = Fernet(new_key.encode())
    assert new.decrypt(stored("note", result.pk).encode()) == b"Allergic to lidocaine"
    assert new.decrypt(stored("taken_on", result.pk).encode()) == b"2024-03-01"
    assert stored("label", result.pk) == "A"
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can go now
    assert LabResult.objects.get().note == "Allergic to lidocaine"


def test_verification_reads_it_and_names_a_row_no_key_opens(result, settings):
    out = StringIO()
    call_command("verify_health_data", stdout=out)
    assert "encryption_app.LabResult.note: 1 read" in out.getvalue()
    assert "encryption_app.LabResult.taken_on: 1 read" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match=f"encryption_app.LabResult {result.pk} note"):
        call_command("verify_health_data", stdout=StringIO())


def test_a_dump_keeps_it_encrypted_and_loads_back_with_the_keys(result, tmp_path):
    out = StringIO()
    call_command("dumpdata", "encryption_app", format="json", stdout=out)
    dump = out.getvalue()

    assert "lidocaine" not in dump and "2024-03-01" not in dump
    assert json.loads(dump)[0]["fields"]["note"].startswith("gAAAAA")

    LabResult.objects.all().delete()
    fixture = tmp_path / "lab.json"
    fixture.write_text(dump)
    call_command("loaddata", str(fixture), stdout=StringIO())

    assert LabResult.objects.get().note == "Allergic to lidocaine"
    assert LabResult.objects.get().taken_on == dt.date(2024, 3, 1)
