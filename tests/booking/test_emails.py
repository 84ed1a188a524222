"""Emails to patients: content, .ics, privacy, failure and retry, reminders and aftercare."""

import datetime as dt
import logging
import re
import smtplib
import threading
import time
from io import StringIO

import icalendar
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from booking import emails, services
from booking.models import Appointment, EmailKind, Outcome, PatientEmail, RecheckResult, Status
from booking.tokens import appointment_from_token
from tests.factories import TIJUANA, PatientEmailFactory, ScreeningAnswerFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

# The day before the fixture's appointment (Tuesday 12 January 2027, 10:00 in Tijuana),
# past the 24-hour cancellation cut-off; and a week before, when it was booked.
NOW = dt.datetime(2027, 1, 11, 12, 0, tzinfo=TIJUANA)
BOOKED = dt.datetime(2027, 1, 5, 12, 0, tzinfo=TIJUANA)
PST = "Tijuana time (Pacific Standard Time, PST — same as San Diego)"
WHEN = f"Tuesday 12 January 2027, 10:00 {PST}"
DEADLINE = f"Monday 11 January 2027, 10:00 {PST}"

# The status an appointment has when each email is written about it.
STATUS_FOR = {
    EmailKind.CONFIRMED: Status.CONFIRMED,
    EmailKind.REQUEST_RECEIVED: Status.REQUESTED,
    EmailKind.APPROVED: Status.CONFIRMED,
    EmailKind.DECLINED: Status.DECLINED,
    EmailKind.CANCELLED: Status.CANCELLED,
    EmailKind.RESCHEDULED: Status.CONFIRMED,
    EmailKind.REMINDER: Status.CONFIRMED,
    EmailKind.AFTERCARE: Status.COMPLETED,
    EmailKind.RECHECK: Status.CONFIRMED,
    EmailKind.HEALTH_QUESTIONS: Status.HELD,
}
PUBLISHING = [EmailKind.CONFIRMED, EmailKind.APPROVED, EmailKind.RESCHEDULED, EmailKind.REMINDER]

# Distinctive health details that must never leave the database.
SECRET_QUESTION = "Do you take QUESTIONZEBRA tablets?"
SECRET_ANSWER = "ANSWERQUOKKA"
SECRET_QUESTION_2 = "When was your last PANGOLINDOSE?"
SECRET_ANSWER_2 = "2026-02-03"
DATE_OF_BIRTH = dt.date(1987, 3, 14)
DOB_SPELLINGS = ["1987-03-14", "14 March 1987", "March 14, 1987", "14/03/1987", "03/14/1987"]
FORBIDDEN = [SECRET_QUESTION, "QUESTIONZEBRA", SECRET_ANSWER, "PANGOLINDOSE", SECRET_ANSWER_2]


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything, quoting the recipient as real servers do."""

    def send_messages(self, messages):
        raise smtplib.SMTPException(f"550 mailbox {messages[0].to[0]} unavailable")


class SlowBackend(BaseEmailBackend):
    """Records who got what, slowly enough for concurrent senders to overlap."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, messages):
        time.sleep(0.05)
        with self.lock:
            SlowBackend.sent.extend(message.subject for message in messages)
        return len(messages)


FAILING = "tests.booking.test_emails.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def queued(appointment: Appointment, kind: str) -> PatientEmail:
    """A queued email, as a service leaves it (the after-commit send has not run)."""
    return PatientEmailFactory(appointment=appointment, kind=kind)


def with_status(appointment: Appointment, kind: str) -> Appointment:
    appointment.status = STATUS_FOR[kind]
    if appointment.status == Status.HELD:  # the desk held it for the patient's answers
        appointment.hold_expires_at = NOW + dt.timedelta(hours=24)
    appointment.save(update_fields=["status", "hold_expires_at"])
    return appointment


def everything_sent(outbox) -> str:
    """Subjects, bodies, HTML and attachments of every message, as one text."""
    parts = []
    for message in outbox:
        parts += [message.subject, message.body, message.from_email, *message.to]
        parts += [content for content, _mimetype in message.alternatives]
        for attachment in message.attachments:
            content = attachment[1]
            parts.append(content.decode() if isinstance(content, bytes) else content)
            parts.append(
                icalendar.Calendar.from_ical(content).to_ical().decode()
            )  # unfolded, as a client reads it
    return "\n".join(parts)


def manage_link_in(body: str) -> Appointment:
    """The appointment the private link in an email opens (tokens carry a timestamp)."""
    tokens = set(re.findall(r"https://clinic\.example/en/book/manage/([^/\s\"<]+)/", body))
    assert len(tokens) == 1
    return appointment_from_token(tokens.pop())


def calendar_of(message) -> icalendar.Calendar:
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


@pytest.fixture
def screened_appointment(confirmed_appointment, treatment) -> Appointment:
    """The confirmed appointment, with a stored screening full of distinctive health details."""
    screening = ScreeningFactory(
        treatment=treatment, date_of_birth=DATE_OF_BIRTH, outcome=Outcome.INSTRUCTION
    )
    ScreeningAnswerFactory(
        screening=screening,
        question_text=SECRET_QUESTION,
        question_outcome=Outcome.INSTRUCTION,
        answer=SECRET_ANSWER,
        applies=True,
        position=1,
    )
    ScreeningAnswerFactory(
        screening=screening,
        question_text=SECRET_QUESTION_2,
        question_outcome=Outcome.NEEDS_REVIEW,
        answer=SECRET_ANSWER_2,
        applies=False,
        position=2,
    )
    confirmed_appointment.screening = screening
    confirmed_appointment.save(update_fields=["screening"])
    return confirmed_appointment


# --- Each kind ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", EmailKind.values)
def test_each_kind_renders_and_sends(kind, confirmed_appointment):
    appointment = with_status(confirmed_appointment, kind)
    email = queued(appointment, kind)

    assert emails.send(email.pk, now=NOW) is True

    (message,) = mail.outbox
    assert message.to == ["jane@example.com"]
    assert message.reply_to == ["hola@clinica.example"]
    assert appointment.reference in message.subject
    assert WHEN in message.subject
    assert "America/Tijuana" not in message.subject
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for body in (message.body, html):
        assert appointment.reference in body
        assert WHEN in body
        assert "America/Tijuana" not in body  # said as Tijuana time, Pacific Time
        assert manage_link_in(body) == appointment
        assert "Clínica Rosa" in body
        assert "+52 664 123 4567" in body
        assert "Av. Revolución 1234" in body
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1
    assert email.last_error == ""
    assert PatientEmail.objects.pending().count() == 0


@pytest.mark.parametrize("kind", PUBLISHING)
def test_emails_about_a_confirmed_time_carry_the_event(kind, confirmed_appointment):
    appointment = with_status(confirmed_appointment, kind)
    emails.send(queued(appointment, kind).pk, now=NOW)

    calendar = calendar_of(mail.outbox[0])

    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"{appointment.reference}@clinic.example"
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == appointment.starts_at
    assert event.decoded("DTEND") == appointment.ends_at
    assert event["DTSTART"].params["TZID"] == "America/Tijuana"
    assert "Av. Revolución 1234" in str(event["LOCATION"])


def test_a_cancellation_carries_a_cancelling_event(confirmed_appointment):
    appointment = with_status(confirmed_appointment, EmailKind.CANCELLED)
    emails.send(queued(appointment, EmailKind.CANCELLED).pk, now=NOW)

    calendar = calendar_of(mail.outbox[0])

    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"{appointment.reference}@clinic.example"
    assert event["STATUS"] == "CANCELLED"
    assert event.decoded("DTSTART") == appointment.starts_at


@pytest.mark.parametrize(
    "kind",
    [EmailKind.REQUEST_RECEIVED, EmailKind.DECLINED, EmailKind.AFTERCARE, EmailKind.RECHECK],
)
def test_emails_without_a_confirmed_time_have_no_calendar_file(kind, confirmed_appointment):
    appointment = with_status(confirmed_appointment, kind)
    emails.send(queued(appointment, kind).pk, now=NOW)

    assert mail.outbox[0].attachments == []


def test_a_moved_request_carries_no_calendar_file(confirmed_appointment):
    # A request is not a confirmed time yet: nothing goes in the patient's calendar.
    confirmed_appointment.status = Status.REQUESTED
    confirmed_appointment.confirmed_at = None
    confirmed_appointment.save()

    emails.send(queued(confirmed_appointment, EmailKind.RESCHEDULED).pk, now=BOOKED)
    emails.send(queued(confirmed_appointment, EmailKind.CANCELLED).pk, now=BOOKED)

    (message,) = mail.outbox  # the cancellation no longer applies: it is still requested
    assert message.attachments == []
    assert "calendar" not in message.body


def test_a_cancelled_request_carries_no_calendar_file(confirmed_appointment):
    confirmed_appointment.status = Status.CANCELLED
    confirmed_appointment.confirmed_at = None
    confirmed_appointment.save()

    emails.send(queued(confirmed_appointment, EmailKind.CANCELLED).pk, now=BOOKED)

    (message,) = mail.outbox
    assert message.attachments == []
    assert "calendar" not in message.body


def test_the_confirmation_has_everything_for_the_visit(confirmed_appointment):
    emails.send(queued(confirmed_appointment, EmailKind.CONFIRMED).pk, now=BOOKED)

    (message,) = mail.outbox
    for body in (message.body, message.alternatives[0][0]):
        assert "Microneedling" in body
        assert "Dr. Ana Ruiz" in body
        assert "Stop taking ibuprofen 3 days before your visit." in body
        assert "Arrive 15 minutes early." in body
        assert "Come without make-up." in body
        assert DEADLINE in body
        assert "Hello Jane Doe," in body


def test_the_request_email_says_a_clinician_will_confirm(confirmed_appointment):
    appointment = with_status(confirmed_appointment, EmailKind.REQUEST_RECEIVED)
    emails.send(queued(appointment, EmailKind.REQUEST_RECEIVED).pk, now=NOW)

    body = " ".join(mail.outbox[0].body.split())
    assert "A clinician will review your answers and confirm" in body
    assert "the time is reserved for you" in body


def test_the_decline_is_kind_and_says_how_to_reach_the_clinic(confirmed_appointment):
    appointment = with_status(confirmed_appointment, EmailKind.DECLINED)
    emails.send(queued(appointment, EmailKind.DECLINED).pk, now=NOW)

    body = " ".join(mail.outbox[0].body.split())
    assert "we are sorry" in body
    assert "Please get in touch with the clinic" in body
    assert "hola@clinica.example" in body


def test_the_reminder_says_it_is_too_late_to_change_online(confirmed_appointment):
    emails.send(queued(confirmed_appointment, EmailKind.REMINDER).pk, now=NOW)

    body = " ".join(mail.outbox[0].body.split())
    assert "too late to cancel or move this appointment online" in body
    assert "Stop taking ibuprofen" in body


def test_plain_text_is_not_html_escaped(confirmed_appointment, clinic_profile):
    clinic_profile.name = "Rosa & O'Brien"
    clinic_profile.save()
    emails.send(queued(confirmed_appointment, EmailKind.CONFIRMED).pk, now=NOW)

    (message,) = mail.outbox
    assert "Rosa & O'Brien" in message.body
    assert "&amp;" not in message.body
    assert "&#x27;" not in message.subject


def test_an_email_is_sent_once(confirmed_appointment):
    email = queued(confirmed_appointment, EmailKind.CONFIRMED)

    assert emails.send(email.pk, now=NOW) is True
    assert emails.send(email.pk, now=NOW) is False
    assert emails.send_pending(now=NOW) == (0, 0)

    assert len(mail.outbox) == 1


def test_an_email_that_no_longer_applies_is_retired_unsent(confirmed_appointment):
    email = queued(confirmed_appointment, EmailKind.CONFIRMED)
    services.cancel_appointment(confirmed_appointment.pk, actor="patient")

    assert emails.send(email.pk, now=NOW) is False

    assert mail.outbox == []
    email.refresh_from_db()
    assert email.sent_at is None
    assert not PatientEmail.objects.pending().filter(pk=email.pk).exists()


def test_queued_emails_go_out_after_the_booking_commits(
    confirmed_appointment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(confirmed_appointment.pk, actor="patient")
        assert mail.outbox == []

    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled:")
    assert calendar_of(message)["METHOD"] == "CANCEL"


# --- Privacy --------------------------------------------------------------------------------


def test_no_email_calendar_file_or_log_line_has_a_health_detail(screened_appointment, caplog):
    caplog.set_level(logging.DEBUG)
    appointment = screened_appointment
    for kind in EmailKind.values:
        with_status(appointment, kind)
        emails.send(queued(appointment, kind).pk, now=NOW)
    # And what the health re-check before the visit sends when the answers changed.
    after_recheck = [
        (RecheckResult.BLOCKED, EmailKind.CANCELLED),
        (RecheckResult.REVIEW, EmailKind.REQUEST_RECEIVED),
        (RecheckResult.MUST_MOVE, EmailKind.REQUEST_RECEIVED),
    ]
    for result, kind in after_recheck:
        appointment.health_recheck = result
        appointment.save(update_fields=["health_recheck"])
        with_status(appointment, kind)
        emails.send(queued(appointment, kind).pk, now=NOW)
    # A failure is logged too: that path must be just as quiet.
    with_status(appointment, EmailKind.CONFIRMED)
    failing = queued(appointment, EmailKind.CONFIRMED)
    with override_settings(EMAIL_BACKEND=FAILING):
        assert emails.send(failing.pk, now=NOW) is False

    assert len(mail.outbox) == len(EmailKind.values) + len(after_recheck)
    sent = everything_sent(mail.outbox)
    assert "your health answers have changed" in sent  # the re-check's wording was sent
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "failed" in logged  # the failure was logged, so the check below means something
    for secret in FORBIDDEN + DOB_SPELLINGS:
        assert secret not in sent
        assert secret not in logged
    assert "jane@example.com" not in logged
    assert "Jane Doe" not in logged


# --- Failure and retry ----------------------------------------------------------------------


def test_a_failing_mail_server_loses_nothing(
    confirmed_appointment, settings, caplog, django_capture_on_commit_callbacks
):
    appointment = with_status(confirmed_appointment, EmailKind.REQUEST_RECEIVED)
    appointment.screening = ScreeningFactory(treatment=appointment.treatment)
    appointment.save(update_fields=["screening"])
    settings.EMAIL_BACKEND = FAILING

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(appointment.pk, by=None)

    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    email = appointment.emails.get(kind=EmailKind.APPROVED)
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error.startswith("SMTPException: 550 mailbox")
    assert list(PatientEmail.objects.pending()) == [email]
    (record,) = [r for r in caplog.records if r.name == "booking.emails"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"Email {email.pk} (approved) failed on attempt 1: SMTPException"
    )

    # Not retried straight away…
    assert emails.send_pending(now=timezone.now()) == (0, 0)
    # …but once the wait is over, and the server works again.
    settings.EMAIL_BACKEND = LOCMEM
    assert emails.send_pending(now=timezone.now() + dt.timedelta(minutes=6)) == (1, 0)

    (message,) = mail.outbox
    assert appointment.reference in message.subject
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2


def test_retries_wait_longer_each_time_and_stop(confirmed_appointment, settings):
    settings.EMAIL_BACKEND = FAILING
    email = queued(confirmed_appointment, EmailKind.CONFIRMED)
    now = NOW - dt.timedelta(days=2)
    waits = []
    while PatientEmail.objects.pending().filter(pk=email.pk).exists():
        assert emails.send_pending(now=now) == (0, 1)
        email.refresh_from_db()
        waits.append(email.next_attempt_at - now)
        now = email.next_attempt_at

    assert email.attempts == PatientEmail.MAX_ATTEMPTS
    assert waits[:3] == [dt.timedelta(minutes=m) for m in (5, 10, 20)]
    assert max(waits) == emails.RETRY_MAX_DELAY


def test_an_email_being_sent_is_left_alone(confirmed_appointment):
    email = queued(confirmed_appointment, EmailKind.CONFIRMED)
    # Another process claimed it a minute ago and is talking to the mail server.
    PatientEmail.objects.filter(pk=email.pk).update(
        attempts=1, next_attempt_at=NOW - dt.timedelta(minutes=1) + emails.SEND_LEASE
    )

    assert emails.send_pending(now=NOW) == (0, 0)
    assert mail.outbox == []
    # If that process died, the email goes out once the lease is over.
    assert emails.send_pending(now=NOW + emails.SEND_LEASE) == (1, 0)
    assert len(mail.outbox) == 1


def test_pending_emails_go_oldest_first_up_to_the_limit(confirmed_appointment):
    first = queued(confirmed_appointment, EmailKind.CONFIRMED)
    second = queued(confirmed_appointment, EmailKind.REMINDER)
    PatientEmail.objects.filter(pk=first.pk).update(created_at=NOW - dt.timedelta(hours=2))
    PatientEmail.objects.filter(pk=second.pk).update(created_at=NOW - dt.timedelta(hours=1))

    assert emails.send_pending(limit=1, now=NOW) == (1, 0)

    assert mail.outbox[0].subject.startswith("Confirmed:")
    assert list(PatientEmail.objects.pending()) == [second]


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_never_send_an_email_twice(confirmed_appointment, settings):
    settings.EMAIL_BACKEND = "tests.booking.test_emails.SlowBackend"
    SlowBackend.sent = []
    for _ in range(6):
        queued(confirmed_appointment, EmailKind.CONFIRMED)
    results, errors = [], []
    start = threading.Barrier(4)

    def run():
        try:
            start.wait()
            results.append(emails.send_pending(now=NOW))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(SlowBackend.sent) == 6
    assert sum(sent for sent, _failed in results) == 6
    assert PatientEmail.objects.filter(sent_at__isnull=False, attempts=1).count() == 6


def test_send_pending_emails_command_prints_counts(confirmed_appointment):
    queued(confirmed_appointment, EmailKind.CONFIRMED)
    out = StringIO()

    call_command("send_pending_emails", stdout=out)

    assert out.getvalue().strip() == "Emails sent: 1, failed: 0"
    assert len(mail.outbox) == 1


# --- Reminders and aftercare ----------------------------------------------------------------


def move_to(appointment: Appointment, starts_at: dt.datetime) -> Appointment:
    length = appointment.ends_at - appointment.starts_at
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + length
    appointment.occupied_until = appointment.ends_at
    appointment.save()
    return appointment


def test_reminders_are_queued_exactly_once(confirmed_appointment):
    assert emails.queue_due_reminders(NOW) == 1
    assert emails.queue_due_reminders(NOW + dt.timedelta(minutes=5)) == 0

    assert confirmed_appointment.emails.filter(kind=EmailKind.REMINDER).count() == 1
    confirmed_appointment.refresh_from_db()
    assert confirmed_appointment.reminder_queued_at == NOW


def test_send_reminders_twice_sends_one_reminder(
    confirmed_appointment, django_capture_on_commit_callbacks
):
    move_to(confirmed_appointment, timezone.now() + dt.timedelta(hours=20))

    # Each run commits what it queued; the worker (in-process here) sends it then.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())

    assert confirmed_appointment.emails.filter(kind=EmailKind.REMINDER).count() == 1
    (message,) = mail.outbox
    assert message.subject.startswith("Reminder:")
    assert calendar_of(message)["METHOD"] == "PUBLISH"


@pytest.mark.parametrize(
    "status", [Status.CANCELLED, Status.REQUESTED, Status.DECLINED, Status.HELD]
)
def test_only_confirmed_appointments_get_a_reminder(confirmed_appointment, status):
    confirmed_appointment.status = status
    confirmed_appointment.save(update_fields=["status"])

    assert emails.queue_due_reminders(NOW) == 0
    assert not confirmed_appointment.emails.exists()


@pytest.mark.parametrize("hours_before", [30, 0, -2])
def test_reminders_wait_for_the_day_before(confirmed_appointment, hours_before):
    now = confirmed_appointment.starts_at - dt.timedelta(hours=hours_before)

    assert emails.queue_due_reminders(now) == 0


def test_a_reminder_cancelled_before_it_went_out_is_not_sent(confirmed_appointment):
    emails.queue_due_reminders(NOW)
    services.cancel_appointment(confirmed_appointment.pk, actor="patient")

    emails.send_pending(now=NOW)

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Cancelled"]
    assert not PatientEmail.objects.pending().exists()


def test_a_moved_appointment_gets_a_reminder_for_its_new_time(confirmed_appointment):
    emails.queue_due_reminders(NOW)
    # services.reschedule_by_patient clears the claim along with moving the time.
    move_to(confirmed_appointment, confirmed_appointment.starts_at + dt.timedelta(days=3))
    Appointment.objects.filter(pk=confirmed_appointment.pk).update(reminder_queued_at=None)

    assert emails.queue_due_reminders(NOW + dt.timedelta(days=3)) == 1
    assert confirmed_appointment.emails.filter(kind=EmailKind.REMINDER).count() == 2


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.COMPLETED])
def test_aftercare_is_queued_exactly_once(confirmed_appointment, status):
    confirmed_appointment.status = status
    confirmed_appointment.save(update_fields=["status"])
    after = confirmed_appointment.ends_at + dt.timedelta(hours=2)

    assert emails.queue_due_aftercare(after) == 1
    assert emails.queue_due_aftercare(after + dt.timedelta(hours=1)) == 0
    assert emails.send_pending(now=after) == (1, 0)

    assert confirmed_appointment.emails.filter(kind=EmailKind.AFTERCARE).count() == 1
    assert mail.outbox[0].subject.startswith("After your visit")


def test_send_reminders_twice_sends_one_aftercare(
    confirmed_appointment, django_capture_on_commit_callbacks
):
    move_to(confirmed_appointment, timezone.now() - dt.timedelta(hours=3))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())

    assert confirmed_appointment.emails.filter(kind=EmailKind.AFTERCARE).count() == 1
    (message,) = mail.outbox
    assert message.subject.startswith("After your visit on")


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.NO_SHOW, Status.DECLINED])
def test_no_aftercare_without_a_visit(confirmed_appointment, status):
    confirmed_appointment.status = status
    confirmed_appointment.save(update_fields=["status"])

    assert emails.queue_due_aftercare(confirmed_appointment.ends_at + dt.timedelta(hours=2)) == 0


@pytest.mark.parametrize("hours_after", [-1, 49])
def test_aftercare_only_within_two_days_of_the_visit(confirmed_appointment, hours_after):
    now = confirmed_appointment.ends_at + dt.timedelta(hours=hours_after)

    assert emails.queue_due_aftercare(now) == 0


def test_the_send_reminders_command_reports_what_it_did(
    confirmed_appointment, django_capture_on_commit_callbacks
):
    move_to(confirmed_appointment, timezone.now() + dt.timedelta(hours=3))
    out = StringIO()

    with django_capture_on_commit_callbacks() as handed_to_worker:
        call_command("send_reminders", stdout=out)

    # Booked just now: the answers are fresh, so no health re-check (tests/booking/test_recheck.py).
    assert out.getvalue().strip() == (
        "Reminders queued: 1, aftercare queued: 0, health re-checks queued: 0"
    )
    # The command only queues: the worker sends, once the queue is committed.
    assert mail.outbox == []
    # (Claiming the appointment is a bulk update, which also makes the calendar stale.)
    assert [getattr(c, "func", None) for c in handed_to_worker if hasattr(c, "func")] == [
        emails.hand_to_worker
    ]
