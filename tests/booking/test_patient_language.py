"""The patient's language follows the booking: stored on it, and every email, reminder
and calendar file is written in it, whoever sends it."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from booking import emails
from booking.models import Appointment, EmailKind, Status
from clinic.clinic_time import time_label
from clinic.dates import localised_format
from tests.booking.pages import answers, first_offered_start
from tests.factories import (
    TIJUANA,
    AppointmentFactory,
    PractitionerFactory,
    TreatmentFactory,
    questionnaire,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Juana Pérez",
    "email": "juana@example.com",
    "phone": "+52 664 555 0100",
    "consent_treatment": "on",
    "consent_privacy": "on",
}


def book_in(code: str, client: Client, capture) -> Appointment:
    """A patient books from the first step to the confirmation, reading `code`."""
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    with translation.override(code):
        step = lambda name: reverse("booking:step", kwargs={"step": name})  # noqa: E731
        client.post(step("treatment"), {"treatment": treatment.pk, "practitioner": ""})
        client.post(step("screening"), answers(questions))
        start = first_offered_start(client)
        client.post(step("time"), {"start": start.isoformat()})
        client.post(step("details"), DETAILS)
        with capture(execute=True):  # the emails go out after the commit
            response = client.post(step("review"))
    assert response.status_code == 302
    return Appointment.objects.get()


@pytest.mark.parametrize("code", ["es", "en"])
def test_the_booking_keeps_the_language_it_was_made_in(
    code, clinic_profile, django_capture_on_commit_callbacks
):
    appointment = book_in(code, Client(), django_capture_on_commit_callbacks)

    assert appointment.status == Status.CONFIRMED
    assert appointment.language == code
    (message,) = mail.outbox
    when = re.escape(format_when_in(code, appointment.starts_at))
    assert re.search(when, message.body)
    assert f"https://clinic.example/{code}/book/manage/" in message.body


def test_switching_language_before_the_details_step_counts_the_last_one(clinic_profile):
    client = Client()
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    client.post("/en/book/treatment/", {"treatment": treatment.pk, "practitioner": ""})
    client.post("/en/book/screening/", answers(questions))
    with translation.override("en"):
        start = first_offered_start(client)
    client.post("/en/book/time/", {"start": start.isoformat()})
    assert Appointment.objects.get().language == "en"

    client.post("/es/book/details/", DETAILS)

    assert Appointment.objects.get().language == "es"


def format_when_in(code: str, value: dt.datetime) -> str:
    """The date and time as patients read them, without the zone's label."""
    with translation.override(code):
        return formats.date_format(value.astimezone(TIJUANA), localised_format("l j F Y, H:i"))


def test_dates_are_written_the_way_each_language_writes_them():
    tuesday = dt.datetime(2027, 1, 12, 10, 0, tzinfo=TIJUANA)

    assert format_when_in("es", tuesday) == "martes 12 de enero de 2027, 10:00"
    assert format_when_in("en", tuesday) == "Tuesday 12 January 2027, 10:00"
    with translation.override("es"):
        assert time_label(tuesday, TIJUANA) == (
            "martes 12 de enero de 2027, 10:00, hora de Tijuana "
            "(horario estándar del Pacífico, PST; igual que San Diego)"
        )


def test_an_english_admin_approving_a_spanish_request_sends_spanish(
    admin_client, clinic_profile, screened_request, django_capture_on_commit_callbacks
):
    screened_request.language = "es"
    screened_request.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:booking_appointment_changelist"),
            {"action": "approve", "_selected_action": [str(screened_request.pk)]},
            follow=True,
        )

    assert response.status_code == 200
    assert '<html lang="en' in response.text  # the clinician reads English
    screened_request.refresh_from_db()
    assert screened_request.status == Status.CONFIRMED
    (message,) = mail.outbox
    spanish_when = "miércoles 13 de enero de 2027, 10:00"
    assert spanish_when in message.subject
    assert spanish_when in message.body
    assert spanish_when in message.alternatives[0][0]
    assert "https://clinic.example/es/book/manage/" in message.body
    [(name, ics, mimetype)] = message.attachments
    assert mimetype == "text/calendar; method=PUBLISH"
    assert "clinic.example/es/book/manage/" in ics.replace("\r\n ", "")
    assert translation.get_language() == "en"  # the override ended with the email


@pytest.mark.parametrize("kind", [EmailKind.REMINDER, EmailKind.AFTERCARE])
def test_reminders_and_aftercare_from_the_worker_use_the_appointments_language(
    kind, clinic_profile, confirmed_appointment
):
    confirmed_appointment.language = "es"
    confirmed_appointment.save(update_fields=["language"])
    email = emails.queue(confirmed_appointment, kind)

    with translation.override("en"):  # whatever the worker's own language is
        message = emails.build_message(email, confirmed_appointment.starts_at)

    assert "martes 12 de enero de 2027, 10:00" in message.body


def test_an_appointment_made_by_hand_defaults_to_spanish():
    field = Appointment._meta.get_field("language")

    assert field.default == "es"
    assert [code for code, _name in field.choices] == ["es", "en"]


def test_the_factory_follows_the_active_language():
    with translation.override("es"):
        assert AppointmentFactory().language == "es"
    assert AppointmentFactory().language == "en"


def test_each_booking_step_reads_as_many_queries_in_spanish_as_in_english(clinic_profile):
    from tests.booking.test_query_counts import BUDGET, measure

    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)

    for code in ("en", "es"):  # the first booking in each language also fills the caches
        with translation.override(code):
            measure(Client(), treatment, questions)
    counts = {}
    for code in ("es", "en"):
        with translation.override(code):
            counts[code] = measure(Client(), treatment, questions)

    assert counts["es"] == counts["en"]
    assert all(count <= BUDGET[step] for step, count in counts["es"].items())
