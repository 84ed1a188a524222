"""The worker sends patient emails; requests only record them (booking/emails.py).

These tests use the production task backend (django-tasks' database backend) and run
the real worker, `manage.py db_worker --batch`, in this process: it takes every task
that is due, then stops. Transactional, because the worker commits as it goes. The same
worker against real mail servers, killed mid-send and run twice at once, is in
tests/faults/test_slow_mail.py.
"""

import datetime as dt
import logging
import signal
import smtplib
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from booking import emails, services
from booking.models import EmailKind, PatientEmail, Status
from booking.tokens import make_manage_token
from tests.factories import TIJUANA, PatientEmailFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class DyingBackend(BaseEmailBackend):
    """The worker's process is told to stop while it talks to the mail server."""

    def send_messages(self, messages):
        raise SystemExit("killed mid-send")


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def confirmed_appointment(confirmed_appointment):
    """The shared confirmed appointment, eight days after the clock's day at 10:00 in
    Tijuana: 12 January 2027 at the tests' instant, and still ahead of the cancellation
    cut-off at any other (TESTS_FROZEN_AT), since these tests cancel it by its link."""
    day = timezone.localtime(timezone.now(), TIJUANA).date() + dt.timedelta(days=8)
    move = dt.datetime.combine(day, dt.time(10), tzinfo=TIJUANA) - confirmed_appointment.starts_at
    confirmed_appointment.starts_at += move
    confirmed_appointment.ends_at += move
    confirmed_appointment.occupied_until += move
    confirmed_appointment.save()
    return confirmed_appointment


@contextmanager
def _worker_leaves_this_process_as_it_was():
    """db_worker installs its own signal handlers and log levels; give pytest its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = {logger: logger.level for logger in loggers}
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in levels.items():
            logger.setLevel(level)


def run_worker() -> None:
    """The production worker: run every task that is due, then stop."""
    with _worker_leaves_this_process_as_it_was():
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def tasks_for(email: PatientEmail) -> list[DBTaskResult]:
    return [
        task
        for task in DBTaskResult.objects.order_by("enqueued_at")
        if task.args_kwargs == {"args": [email.pk], "kwargs": {}}
    ]


def cancelled_by_the_patient(client, appointment) -> PatientEmail:
    token = make_manage_token(appointment)
    response = client.post(reverse("booking:manage_cancel", kwargs={"token": token}))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    return appointment.emails.get(kind=EmailKind.CANCELLED)


def test_the_manage_link_only_records_the_email_and_the_worker_sends_it(
    client, confirmed_appointment
):
    email = cancelled_by_the_patient(client, confirmed_appointment)

    # The request is over: nothing was sent, one task waits with the email's id only.
    assert mail.outbox == []
    assert email.attempts == 0
    (task,) = tasks_for(email)
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "booking.emails.send_patient_email"
    assert "jane" not in str(task.args_kwargs).lower()

    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled:")
    assert message.to == ["jane@example.com"]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == "sent"
    assert not PatientEmail.objects.pending().exists()


def test_a_staff_approval_only_records_the_email_and_the_worker_sends_it(
    admin_client, screened_request
):
    response = admin_client.post(
        reverse("admin:booking_appointment_changelist"),
        {"action": "approve", "_selected_action": [str(screened_request.pk)]},
    )
    assert response.status_code == 302
    screened_request.refresh_from_db()
    assert screened_request.status == Status.CONFIRMED
    email = screened_request.emails.get(kind=EmailKind.APPROVED)

    assert mail.outbox == []
    assert len(tasks_for(email)) == 1

    run_worker()

    (message,) = mail.outbox
    assert screened_request.reference in message.subject
    email.refresh_from_db()
    assert email.sent_at is not None


def test_a_failed_send_is_retried_by_the_worker_once_it_is_due(
    client, confirmed_appointment, settings, clock
):
    settings.EMAIL_BACKEND = "tests.booking.test_email_worker.FailingBackend"
    email = cancelled_by_the_patient(client, confirmed_appointment)
    # The worker runs a moment later, so the retry it enqueues is the later task.
    clock.shift(dt.timedelta(seconds=1))

    run_worker()

    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error.startswith("SMTPServerDisconnected")
    first, retry = tasks_for(email)
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == "failed"
    # The retry is a task of its own, due when the email is.
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after == email.next_attempt_at
    assert email.next_attempt_at - timezone.now() > dt.timedelta(minutes=4)

    settings.EMAIL_BACKEND = LOCMEM
    run_worker()  # too early: the worker leaves it alone
    assert mail.outbox == []

    clock.shift(dt.timedelta(minutes=6))
    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled:")
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    retry.refresh_from_db()
    assert retry.return_value == "sent"


def test_an_email_whose_worker_died_mid_send_is_swept_once_its_lease_is_over(
    client, confirmed_appointment, settings
):
    settings.EMAIL_BACKEND = "tests.booking.test_email_worker.DyingBackend"
    email = cancelled_by_the_patient(client, confirmed_appointment)

    run_worker()

    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1  # claimed: nobody else touches it during the lease
    (task,) = tasks_for(email)
    assert task.status == TaskResultStatus.FAILED  # and the task backend never reruns it
    assert list(PatientEmail.objects.pending()) == [email]

    settings.EMAIL_BACKEND = LOCMEM
    now = timezone.now()
    assert emails.send_pending(now=now) == (0, 0)
    assert emails.send_pending(now=now + emails.SEND_LEASE) == (1, 0)
    assert emails.send_pending(now=now + 2 * emails.SEND_LEASE) == (0, 0)
    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled:")
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2


def test_two_tasks_for_one_email_send_it_once(confirmed_appointment):
    email = PatientEmailFactory(appointment=confirmed_appointment)
    emails.hand_to_worker(email.pk)
    emails.hand_to_worker(email.pk)

    run_worker()

    assert len(mail.outbox) == 1
    assert sorted(task.return_value for task in tasks_for(email)) == ["sent", "skipped"]
    email.refresh_from_db()
    assert email.attempts == 1


def test_reminders_queued_by_cron_are_sent_by_the_worker(confirmed_appointment):
    move = timezone.now() + dt.timedelta(hours=20) - confirmed_appointment.starts_at
    confirmed_appointment.starts_at += move
    confirmed_appointment.ends_at += move
    confirmed_appointment.occupied_until += move
    confirmed_appointment.save()

    call_command("send_reminders", stdout=StringIO())
    assert mail.outbox == []

    run_worker()

    (message,) = mail.outbox
    assert message.subject.startswith("Reminder:")


def test_a_task_that_cannot_be_enqueued_leaves_the_email_to_the_sweep(
    client, confirmed_appointment, settings, caplog
):
    # A backend that refuses the task (it serves another queue), as a broken one would.
    settings.TASKS = {"default": {**DATABASE_BACKEND["default"], "QUEUES": ["elsewhere"]}}

    email = cancelled_by_the_patient(client, confirmed_appointment)

    assert tasks_for(email) == []
    assert f"Email {email.pk} could not be handed to the worker" in caplog.text
    assert emails.send_pending() == (1, 0)
    assert mail.outbox[0].subject.startswith("Cancelled:")


def test_services_never_send_in_the_caller(confirmed_appointment):
    services.cancel_appointment(confirmed_appointment.pk, actor="patient")

    assert mail.outbox == []
    assert PatientEmail.objects.pending().count() == 1
