"""Backups keep health data encrypted, and restore readable only with the keys.

`manage.py dumpdata` writes the ciphertext of every encrypted field and `loaddata`
reads it back with FIELD_ENCRYPTION_KEYS; a `pg_dump -Fc` of the database restores
into a fresh database whose health data the site reads with the keys and with
nothing else (README, "Backups and restore").
"""

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import connection

from booking.models import Appointment, Outcome, Screening, ScreeningAnswer, Status
from clinic.encryption import HealthDataUnreadable, decrypt, is_encrypted
from tests.factories import (
    AppointmentFactory,
    PractitionerFactory,
    ScreeningAnswerFactory,
    ScreeningFactory,
    TreatmentFactory,
)

# Distinctive health data: none of it may appear in a dump in plain.
BIRTH_DATE = dt.date(1977, 7, 7)
DATE_ANSWER = "2011-11-11"
YES_ANSWER = "yes"
INSTRUCTIONS = "Stop ibuprofen QUOKKA-4242 three days before."
HEALTH_MODELS = ["booking.Screening", "booking.ScreeningAnswer", "booking.Appointment"]


def make_screened_appointment() -> Appointment:
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=0)
    screening = ScreeningFactory(
        treatment=treatment, date_of_birth=BIRTH_DATE, outcome=Outcome.NEEDS_REVIEW
    )
    for position, (answer, applies) in enumerate([(YES_ANSWER, True), (DATE_ANSWER, False)]):
        ScreeningAnswerFactory(
            screening=screening,
            question_text=f"Question {position}",
            answer=answer,
            applies=applies,
            position=position,
        )
    return AppointmentFactory(
        treatment=treatment,
        practitioner=PractitionerFactory(treatments=[treatment]),
        starts_at=dt.datetime(2030, 1, 7, 17, tzinfo=dt.UTC),
        status=Status.REQUESTED,
        screening=screening,
        patient_name="Robin Requester",
        patient_email="",
        instructions=INSTRUCTIONS,
    )


def health_data() -> dict:
    """What the site reads back: the screening, its answers and the instructions."""
    screening = Screening.objects.get()
    return {
        "date_of_birth": screening.date_of_birth.isoformat(),
        "answers": [[a.answer, a.applies] for a in ScreeningAnswer.objects.order_by("position")],
        "instructions": Appointment.objects.get().instructions,
    }


EXPECTED = {
    "date_of_birth": BIRTH_DATE.isoformat(),
    "answers": [[YES_ANSWER, True], [DATE_ANSWER, False]],
    "instructions": INSTRUCTIONS,
}


def dump(fmt: str = "json") -> str:
    out = StringIO()
    call_command("dumpdata", *HEALTH_MODELS, format=fmt, stdout=out)
    return out.getvalue()


# --- dumpdata / loaddata -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml"])
def test_dumpdata_writes_no_health_data_in_plain(fmt):
    make_screened_appointment()

    text = dump(fmt)

    assert "Robin Requester" in text  # the dump is real...
    for plain in (BIRTH_DATE.isoformat(), DATE_ANSWER, "QUOKKA", "ibuprofen"):
        assert plain not in text  # ...and the health data in it is not


@pytest.mark.django_db
def test_dumpdata_keeps_each_encrypted_field_as_ciphertext_the_keys_open():
    make_screened_appointment()

    objects = {(o["model"], o["pk"]): o["fields"] for o in json.loads(dump())}

    screening = next(f for (model, _), f in objects.items() if model == "booking.screening")
    answers = [f for (model, _), f in objects.items() if model == "booking.screeninganswer"]
    appointment = next(f for (model, _), f in objects.items() if model == "booking.appointment")
    stored = [screening["date_of_birth"], appointment["instructions"]]
    stored += [a["answer"] for a in answers] + [a["applies"] for a in answers]
    assert all(is_encrypted(value) for value in stored), stored
    assert decrypt(screening["date_of_birth"]) == BIRTH_DATE.isoformat()
    assert sorted(decrypt(a["answer"]) for a in answers) == sorted([YES_ANSWER, DATE_ANSWER])
    assert sorted(decrypt(a["applies"]) for a in answers) == ["0", "1"]


def _delete_health_rows() -> None:
    Appointment.objects.all().delete()
    Screening.objects.all().delete()
    assert not ScreeningAnswer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_loaddata_of_that_dump_restores_readable_health_data(fmt, tmp_path):
    make_screened_appointment()
    fixture = tmp_path / f"backup.{fmt}"
    fixture.write_text(dump(fmt))
    _delete_health_rows()

    call_command("loaddata", str(fixture), stdout=StringIO())

    assert health_data() == EXPECTED


@pytest.mark.django_db
def test_loaddata_reads_a_dump_made_before_a_key_rotation(settings, tmp_path):
    make_screened_appointment()
    fixture = tmp_path / "backup.json"
    fixture.write_text(dump())
    _delete_health_rows()
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    call_command("loaddata", str(fixture), stdout=StringIO())

    assert health_data() == EXPECTED


@pytest.mark.django_db
def test_loaddata_with_the_wrong_key_fails_loudly_and_loads_nothing(settings, tmp_path):
    make_screened_appointment()
    fixture = tmp_path / "backup.json"
    fixture.write_text(dump())
    _delete_health_rows()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(HealthDataUnreadable, match="cannot be decrypted"):
        call_command("loaddata", str(fixture), stdout=StringIO())

    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_loaddata_refuses_plain_health_data_rather_than_store_it_as_ciphertext(tmp_path):
    make_screened_appointment()
    objects = json.loads(dump())
    for obj in objects:
        if obj["model"] == "booking.screening":
            obj["fields"]["date_of_birth"] = BIRTH_DATE.isoformat()
    fixture = tmp_path / "edited.json"
    fixture.write_text(json.dumps(objects))
    _delete_health_rows()

    with pytest.raises(DeserializationError, match="date_of_birth holds health data that is"):
        call_command("loaddata", str(fixture), stdout=StringIO())

    assert not Screening.objects.exists()


# --- verify_health_data ------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_health_data_reads_everything_and_changes_nothing():
    make_screened_appointment()
    before = dump()
    out = StringIO()

    call_command("verify_health_data", stdout=out)

    text = out.getvalue()
    assert "booking.Screening.date_of_birth: 1 read" in text
    assert "booking.ScreeningAnswer.answer: 2 read" in text
    assert "booking.Appointment.instructions: 1 read" in text
    assert "All health data is readable" in text
    assert health_data() == EXPECTED
    assert len(before) == len(dump())


@pytest.mark.django_db
def test_verify_health_data_names_what_the_keys_cannot_open(settings):
    from django.core.management import CommandError

    appointment = make_screened_appointment()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match="cannot be read with FIELD_ENCRYPTION_KEYS") as error:
        call_command("verify_health_data", stdout=StringIO())

    assert f"booking.Screening {appointment.screening_id} date_of_birth" in str(error.value)


# --- pg_dump / pg_restore ----------------------------------------------------------------


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgresql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run_site(args: list[str], database: str, key: str) -> subprocess.CompletedProcess:
    """A process of the site as an operator starts it on the restored database."""
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=key,
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="clinic.settings",
    )
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


READ_BACK = """
import django, json
django.setup()
from booking.models import Appointment, Screening, ScreeningAnswer
screening = Screening.objects.get()
print(json.dumps({
    "date_of_birth": screening.date_of_birth.isoformat(),
    "answers": [[a.answer, a.applies] for a in ScreeningAnswer.objects.order_by("position")],
    "instructions": Appointment.objects.get().instructions,
}))
"""


@pytest.fixture
def fresh_database():
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    import psycopg

    name = f"clinic_restore_{uuid.uuid4().hex[:12]}"
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_restores_into_a_fresh_database_readable_only_with_the_keys(
    tmp_path, fresh_database
):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools"
    make_screened_appointment()  # committed: pg_dump reads it from its own connection
    backup = tmp_path / "clinic.dump"
    key = settings.FIELD_ENCRYPTION_KEYS[0]

    # The README's commands.
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            f"--file={backup}",
            database_url(connection.settings_dict["NAME"]),
        ],
        check=True,
        timeout=120,
    )
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={database_url(fresh_database)}",
            str(backup),
        ],
        check=True,
        timeout=120,
    )
    restored = database_url(fresh_database)

    # The dump itself holds the ciphertext only.
    sql = subprocess.run(
        ["pg_restore", "--file=-", str(backup)], check=True, capture_output=True, text=True
    ).stdout
    assert "Robin Requester" in sql
    for plain in (BIRTH_DATE.isoformat(), DATE_ANSWER, "QUOKKA"):
        assert plain not in sql

    # With the keys: everything reads back, through Django, in a new process.
    verified = run_site(["manage.py", "verify_health_data"], restored, key)
    assert verified.returncode == 0, verified.stderr
    assert "All health data is readable" in verified.stdout
    read = run_site(["-c", READ_BACK], restored, key)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == EXPECTED

    # With another key: nothing of it.
    wrong = Fernet.generate_key().decode()
    read = run_site(["-c", READ_BACK], restored, wrong)
    assert read.returncode != 0
    assert "HealthDataUnreadable" in read.stderr
    assert BIRTH_DATE.isoformat() not in read.stdout + read.stderr
    verified = run_site(["manage.py", "verify_health_data"], restored, wrong)
    assert verified.returncode != 0
    assert "cannot be read with FIELD_ENCRYPTION_KEYS" in verified.stderr
