"""Emails to patients: recorded with the booking, sent by the worker, never by a request.

The outbox. A service that changes an appointment calls `queue()` inside its transaction,
which only writes a `PatientEmail` row. Once the transaction commits, the email's id is
handed to the worker as the task `send_patient_email` (django-tasks, the backport of Django
6's tasks framework, with its database backend; the worker is `manage.py db_worker`, see
README "Deploying"). No request, a patient's or a staff member's, ever talks to the mail
server: a slow or hung one cannot hold up the site. The worker takes a new task within about
a second (its polling interval). The hand-off waits for the commit so that a booking that
rolls back sends nothing, whatever the task backend (the tests' runs tasks at once). The
row, not the task, is the truth about what is owed:

- Claiming. Every send first moves `attempts` on by one with a conditional UPDATE that only
  matches the value it read (and a `next_attempt_at` that is due), and sets
  `next_attempt_at` a lease (`EMAIL_SEND_LEASE`) ahead. Two workers, a worker and the sweep,
  or two tasks for one email can therefore never both send it; the UPDATE is atomic on
  SQLite and PostgreSQL alike, so no `select_for_update` is needed.
- Retries. A failed send never rolls back or loses a booking: the error and the time of
  the next attempt (5, 10, 20 minutes and so on, at most 6 hours apart, 8 attempts) are
  recorded on the row, and the same task is enqueued again to run then (`run_after`). One
  task per attempt keeps the worker's queue the only timer; nothing sleeps or loops here.
- The sweep. `send_pending()` (`manage.py send_pending_emails`, from cron) sends every due
  email the worker has not: one whose task was lost (the process died between the commit
  and the hand-off, or the worker was killed mid-send: the database backend never runs a
  task it left "running" again, but the email's lease runs out and the row is due again),
  and all of them while the worker is down. It claims like the worker does, so nothing is
  ever stranded and nothing is sent twice.

Bodies are rendered at send time from the appointment and never include screening answers.
A task carries only the email's id, so the task table holds no personal data.
"""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django_tasks import task

from booking.calendar import appointment_ics
from booking.models import (
    LONGEST_OCCUPANCY,
    PLANNED_STATUSES,
    Actor,
    Appointment,
    EmailKind,
    PatientEmail,
    RecheckResult,
    Status,
)
from booking.tokens import make_manage_token, manage_url
from clinic.clinic_time import time_label
from clinic.models import ClinicProfile
from treatments.models import SectionKind

logger = logging.getLogger(__name__)

# How long a claimed email is left alone before another run may assume its sender died.
SEND_LEASE = dt.timedelta(seconds=settings.EMAIL_SEND_LEASE)
# Waiting before the next attempt after a failure: 5, 10, 20… minutes, at most 6 hours.
RETRY_FIRST_DELAY = dt.timedelta(minutes=5)
RETRY_MAX_DELAY = dt.timedelta(hours=6)

# Emails about a confirmed time carry an .ics with the event; a cancellation removes it.
CALENDAR_KINDS = {
    EmailKind.CONFIRMED,
    EmailKind.APPROVED,
    EmailKind.RESCHEDULED,
    EmailKind.REMINDER,
}
CANCELLING_KINDS = {EmailKind.CANCELLED}

# An email that waited (a failed send, a slow cron) is only sent if it is still true:
# no "confirmed" or reminder after a cancellation, no "request received" after a decline.
STILL_TRUE_WHEN: dict[str, set[Status]] = {
    EmailKind.CONFIRMED: {Status.CONFIRMED},
    EmailKind.REQUEST_RECEIVED: {Status.REQUESTED},
    EmailKind.APPROVED: {Status.CONFIRMED},
    EmailKind.DECLINED: {Status.DECLINED},
    EmailKind.CANCELLED: {Status.CANCELLED},
    EmailKind.RESCHEDULED: set(PLANNED_STATUSES),
    EmailKind.REMINDER: {Status.CONFIRMED},
    EmailKind.AFTERCARE: {Status.CONFIRMED, Status.COMPLETED},
    EmailKind.RECHECK: set(PLANNED_STATUSES),
    # The front desk held a time for the patient to answer the questions through a link.
    EmailKind.HEALTH_QUESTIONS: {Status.HELD},
}
# Emails about a visit still to come: not worth sending once it has started.
BEFORE_THE_VISIT_KINDS = {EmailKind.REMINDER, EmailKind.RECHECK}

REMINDER_WINDOW = dt.timedelta(hours=24)
RECHECK_WINDOW = dt.timedelta(hours=48)
AFTERCARE_WINDOW = dt.timedelta(hours=48)

SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


def queue(appointment: Appointment, kind: str) -> PatientEmail:
    """Record an email to send; the worker sends it once the surrounding transaction commits.

    Never talks to the mail server, so it costs a request one INSERT now and one more (the
    task) after the commit.
    """
    email = PatientEmail.objects.create(appointment=appointment, kind=kind)
    transaction.on_commit(partial(hand_to_worker, email.pk))
    return email


@task()
def send_patient_email(email_id: int) -> str:
    """The worker's task: send one queued email now, if it is still owed and due.

    Returns what happened ("sent", "failed" or "skipped"), which the task backend keeps.
    A failure is recorded on the email and its retry enqueued; the task itself never fails.
    """
    return _send(email_id, timezone.now())


def hand_to_worker(email_id: int, *, run_after: dt.datetime | None = None) -> None:
    """Enqueue `send_patient_email` for this email, to run now or at `run_after`.

    A task that cannot be enqueued is logged and left to the sweep (`send_pending()`): the
    email row is already committed, so it is late, never lost. A backend that cannot defer
    (the in-process one of the tests) leaves retries to the sweep as well.
    """
    job = send_patient_email
    if run_after is not None:
        if not job.get_backend().supports_defer:
            return
        job = job.using(run_after=run_after)
    try:
        job.enqueue(email_id)
    except Exception as exc:
        logger.warning(
            "Email %s could not be handed to the worker (%s); the sweep will send it",
            email_id,
            type(exc).__name__,
        )


def retry_delay(attempts: int) -> dt.timedelta:
    return min(RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def _due(now: dt.datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _claim(email: PatientEmail, now: dt.datetime) -> bool:
    """Take this email for sending, unless another process already did."""
    claimed = (
        PatientEmail.objects.filter(
            _due(now),
            pk=email.pk,
            sent_at__isnull=True,
            attempts=email.attempts,
            attempts__lt=PatientEmail.MAX_ATTEMPTS,
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
        == 1
    )
    if claimed:
        email.attempts += 1
    return claimed


def calendar_method(email: PatientEmail) -> str | None:
    """PUBLISH for an email about a confirmed time, CANCEL for the cancellation of one."""
    appointment = email.appointment
    if email.kind in CALENDAR_KINDS and appointment.status == Status.CONFIRMED:
        return "PUBLISH"
    # A request that was never confirmed never reached the patient's calendar.
    if email.kind in CANCELLING_KINDS and appointment.confirmed_at is not None:
        return "CANCEL"
    return None


def email_context(appointment: Appointment, kind: str, now: dt.datetime) -> dict:
    """What the templates may show. Deliberately nothing from the screening but the
    instructions the patient must follow (never their answers, nor the date of birth)."""
    clinic = ClinicProfile.load()
    tz = clinic.tzinfo
    treatment = appointment.treatment
    deadline = appointment.cancellation_deadline()
    token = make_manage_token(appointment)
    context = {
        "clinic": clinic,
        "clinic_address_lines": clinic.address_lines,
        "site_url": settings.SITE_URL,
        "reference": appointment.reference,
        "patient_name": appointment.patient_name,
        "treatment_name": treatment.name,
        "practitioner": appointment.practitioner,
        "when": time_label(appointment.starts_at, tz),
        "ends_time": formats.date_format(timezone.localtime(appointment.ends_at, tz), "H:i"),
        "manage_url": manage_url(appointment, token=token),
        "recheck_url": manage_url(appointment, token=token, page="booking:manage_recheck"),
        "questions_url": manage_url(appointment, token=token, page="booking:answer_questions"),
        "held_until": time_label(appointment.hold_expires_at, tz)
        if appointment.hold_expires_at
        else "",
        # What the re-check before the visit led to (never an answer, nor which one).
        "recheck_cancelled": appointment.health_recheck == RecheckResult.BLOCKED,
        "recheck_review": appointment.health_recheck
        in (RecheckResult.REVIEW, RecheckResult.MUST_MOVE),
        "recheck_must_move": appointment.health_recheck == RecheckResult.MUST_MOVE,
        "cancellation_deadline": time_label(deadline, tz),
        "deadline_passed": deadline <= now,
        "personal_instructions": [
            line.strip() for line in appointment.instructions.splitlines() if line.strip()
        ],
        "visit_instructions": [
            line.strip() for line in treatment.visit_instructions.splitlines() if line.strip()
        ],
    }
    if kind in REASON_GIVEN_IN:
        context["reason"] = reason_for_patient(appointment, REASON_GIVEN_IN[kind])
    if kind == EmailKind.AFTERCARE:
        section = treatment.sections.filter(kind=SectionKind.AFTERCARE).first()
        context["aftercare_text"] = section.body if section else ""
        context["aftercare_html"] = section.body_html if section else ""
        if treatment.is_published:
            context["treatment_url"] = settings.SITE_URL + treatment.get_absolute_url()
    return context


# The history line whose staff reason a cancellation or a decline email may give.
REASON_GIVEN_IN: dict[str, str] = {EmailKind.CANCELLED: "cancelled", EmailKind.DECLINED: "declined"}


def reason_for_patient(appointment: Appointment, action: str) -> str:
    """Staff's reason for this change, when they chose to show it to the patient ("" when
    not): written by staff for the patient, never the screening's answers."""
    change = (
        appointment.changes.filter(action=action, actor=Actor.STAFF).order_by("-at", "-id").first()
    )
    return change.reason if change is not None and change.reason_shown_to_patient else ""


def build_message(email: PatientEmail, now: dt.datetime) -> EmailMultiAlternatives:
    """The message for a queued email, rendered now from its appointment."""
    appointment = email.appointment
    # In the patient's language, whoever sends it (the worker, a clinician approving in
    # an English admin): subject, bodies, dates, the manage link and the calendar file.
    with translation.override(appointment.language):
        context = email_context(appointment, email.kind, now)
        method = calendar_method(email)
        context["calendar_attached"] = method is not None
        rendered_subject = render_to_string(f"emails/{email.kind}_subject.txt", context)
        subject = " ".join(rendered_subject.split())  # one line, whatever the template's spaces
        text = render_to_string(f"emails/{email.kind}.txt", context)
        html = render_to_string(f"emails/{email.kind}.html", context)
        calendar = (
            appointment_ics(appointment, cancelled=method == "CANCEL").decode() if method else ""
        )
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.patient_email],
        reply_to=[context["clinic"].email] if context["clinic"].email else None,
    )
    message.attach_alternative(html, "text/html")
    if method:
        message.attach(f"{appointment.reference}.ics", calendar, f"text/calendar; method={method}")
    return message


def _is_still_true(email: PatientEmail, now: dt.datetime) -> bool:
    appointment = email.appointment
    if appointment.status not in STILL_TRUE_WHEN[email.kind]:
        return False
    if email.kind == EmailKind.HEALTH_QUESTIONS and not appointment.is_held(now):
        return False  # the time is no longer kept for the patient's answers
    return not (email.kind in BEFORE_THE_VISIT_KINDS and appointment.starts_at <= now)


def send(email_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send one queued email now, in this process. Returns True when it went out.

    Never raises for a failed send: the failure is recorded on the row (attempts,
    last_error, when to try again) and logged with the email's id and kind only.
    """
    return _send(email_id, now or timezone.now()) == SENT


def _send(email_id: int, now: dt.datetime) -> str:
    email = (
        PatientEmail.objects.select_related("appointment__treatment", "appointment__practitioner")
        .filter(pk=email_id)
        .first()
    )
    if email is None or email.sent_at is not None or not _claim(email, now):
        return SKIPPED  # gone, already sent, or being sent by another process
    if not _is_still_true(email, now):
        # Not an error, and not worth sending: retire it so it leaves the pending list.
        PatientEmail.objects.filter(pk=email.pk).update(
            attempts=PatientEmail.MAX_ATTEMPTS,
            next_attempt_at=None,
            last_error="Not sent: the appointment changed before it could go out.",
        )
        logger.info("Email %s (%s) skipped: no longer applies", email.pk, email.kind)
        return SKIPPED
    try:
        build_message(email, now).send()
    except Exception as exc:
        # Any failure (SMTP, DNS, a template bug) is recorded and retried, never raised:
        # this runs after the booking committed, and the patient must not see an error.
        # The message may quote the recipient: it goes in the row, not in the log.
        error = f"{type(exc).__name__}: {exc}"[:300]
        next_attempt_at = now + retry_delay(email.attempts)
        PatientEmail.objects.filter(pk=email.pk).update(
            last_error=error, next_attempt_at=next_attempt_at
        )
        logger.warning(
            "Email %s (%s) failed on attempt %s: %s",
            email.pk,
            email.kind,
            email.attempts,
            type(exc).__name__,
        )
        if email.attempts >= PatientEmail.MAX_ATTEMPTS:
            logger.error(
                "Email %s (%s) given up after %s attempts", email.pk, email.kind, email.attempts
            )
        else:
            hand_to_worker(email.pk, run_after=next_attempt_at)
        return FAILED
    PatientEmail.objects.filter(pk=email.pk).update(
        sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return SENT


def send_pending(limit: int = 100, *, now: dt.datetime | None = None) -> tuple[int, int]:
    """The sweep: send due pending emails, oldest first. Returns (sent, failed).

    The safety net under the worker (see the module's docstring): it sends what no task
    will, such as an email whose sender died mid-send, once its lease is over. Safe to run
    from several processes at once, and next to the worker: each email is claimed first.
    """
    now = now or timezone.now()
    ids = list(
        PatientEmail.objects.pending()
        .filter(_due(now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    for email_id in ids:
        outcome = _send(email_id, now)
        sent += outcome == SENT
        failed += outcome == FAILED
    return sent, failed


def _queue_once(appointment_id: int, claim_field: str, allowed, kind: str, now) -> bool:
    """Mark the appointment as done for `claim_field` and queue the email, exactly once."""
    with transaction.atomic():
        claimed = Appointment.objects.filter(
            pk=appointment_id, status__in=allowed, **{f"{claim_field}__isnull": True}
        ).update(**{claim_field: now})
        if claimed != 1:
            return False
        email = PatientEmail.objects.create(appointment_id=appointment_id, kind=kind)
        transaction.on_commit(partial(hand_to_worker, email.pk))
    return True


def queue_due_reminders(now: dt.datetime | None = None) -> int:
    """Queue the day-before reminder for confirmed appointments starting within 24 hours.

    The conditional UPDATE of `reminder_queued_at` makes it exactly once, even with
    overlapping cron runs. Rescheduling clears the field, so the new time gets one too.
    """
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Status.CONFIRMED,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_WINDOW,
        reminder_queued_at__isnull=True,
    ).values_list("pk", flat=True)
    return sum(
        _queue_once(pk, "reminder_queued_at", [Status.CONFIRMED], EmailKind.REMINDER, now)
        for pk in list(due)
    )


def queue_due_aftercare(now: dt.datetime | None = None) -> int:
    """Queue aftercare for visits that ended within the last 48 hours, exactly once."""
    now = now or timezone.now()
    allowed = [Status.CONFIRMED, Status.COMPLETED]
    due = Appointment.objects.filter(
        status__in=allowed,
        ends_at__lte=now,
        ends_at__gt=now - AFTERCARE_WINDOW,
        # The same rows through the index on starts: past visits nobody marked completed
        # stay confirmed, and every run would read the whole history otherwise.
        starts_at__gt=now - AFTERCARE_WINDOW - LONGEST_OCCUPANCY,
        aftercare_queued_at__isnull=True,
    ).values_list("pk", flat=True)
    return sum(
        _queue_once(pk, "aftercare_queued_at", allowed, EmailKind.AFTERCARE, now)
        for pk in list(due)
    )


def queue_due_rechecks(now: dt.datetime | None = None) -> int:
    """Queue the health re-check for planned visits starting within 48 hours, exactly once.

    The email asks, through the private link, whether anything in the patient's health
    answers has changed (it carries no answer). Visits booked within those 48 hours are
    left out: their answers are fresh. The conditional UPDATE of `recheck_queued_at` makes
    it exactly once, even with overlapping cron runs.
    """
    now = now or timezone.now()
    due = (
        Appointment.objects.filter(
            status__in=PLANNED_STATUSES,
            starts_at__gt=now,
            starts_at__lte=now + RECHECK_WINDOW,
            created_at__lte=F("starts_at") - RECHECK_WINDOW,
            recheck_queued_at__isnull=True,
        )
        .exclude(
            # Answered already for this time (a visit moved after the re-check, say).
            health_rechecked_at__gt=F("starts_at") - RECHECK_WINDOW
        )
        .values_list("pk", flat=True)
    )
    return sum(
        _queue_once(pk, "recheck_queued_at", PLANNED_STATUSES, EmailKind.RECHECK, now)
        for pk in list(due)
    )
