"""Every booking write that spans several rows, each in one transaction.

The overlap guarantee: on PostgreSQL an exclusion constraint refuses two active
appointments of one practitioner that overlap (migration 0002); on SQLite each
transaction here starts IMMEDIATE (settings), so writers queue one behind the
other and the overlap check below cannot be raced. Either way the Python check
gives the friendly answer and the database has the last word.

Concurrency: a success or a friendly refusal, never a database error
-------------------------------------------------------------------
Left alone, PostgreSQL lets two transactions that put different appointments at
the same free time both pass the Python check, both write, and then each wait for
the other inside the exclusion constraint's check ("deadlock detected ... while
checking exclusion constraint"): an exclusion constraint, unlike a unique index,
checks after inserting, so two conflicting writers can each see the other's
uncommitted row. Two rules prevent that, for every service that puts an
appointment into a practitioner's diary (holding, confirming, approving,
rescheduling, and the front desk's booking and moving when they come):

1. Lock in one order (``lock_appointment``, ``lock_practitioners``): first the rows
   of every practitioner whose diary the write may touch (the appointment's current
   practitioner and every candidate, for "any practitioner" too), FOR NO KEY UPDATE,
   in ascending id; then the appointment's own row; only then check and write.
   Why this order cannot deadlock is explained at ``lock_practitioners``.
2. A small safety net (``retry_on_conflict``): should PostgreSQL still report a
   deadlock or a serialization failure (a writer outside these rules, such as the
   retention purge), the whole service runs again, at most ``CONFLICT_ATTEMPTS``
   times, and then ends in the friendly ``SlotUnavailable``. It retries only those
   two errors, and only when the service owns the transaction (inside a caller's
   transaction, the caller's own retry decides).

A new service that books or moves an appointment does both: decorate it with
``@retry_on_conflict()`` and start its transaction with ``lock_appointment`` (or
``lock_practitioners`` for a new appointment) before checking the time. Called
inside a caller's transaction, a service lets the conflict through to the caller's
own ``retry_on_conflict``.

Writes that only take an appointment out of the diary (cancel, decline, complete,
no-show, answering the questions again) take no practitioner lock and no retry: they
lock just that appointment's row, freeing time never clashes in the constraint, and
after that row they wait for nothing a booking write holds, so they cannot close a
cycle.
"""

import datetime as dt
import functools
import hashlib
import itertools
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import availability, emails, free_times, screening
from booking.models import (
    ACTIVE_STATUSES,
    AccessRecord,
    Appointment,
    AppointmentChange,
    BookingPolicy,
    Closure,
    Consent,
    EmailKind,
    Practitioner,
    Screening,
    ScreeningAnswer,
    ScreeningQuestion,
    Status,
    WorkingHours,
)
from clinic.models import ClinicProfile
from treatments.models import Treatment


class BookingError(Exception):
    """A booking step that cannot go ahead; the message is safe to show the patient."""


class SlotUnavailable(BookingError):
    pass


class TooManyHolds(BookingError):
    """No other time may be held right now; the subclass says whose limit was reached."""


class AlreadyHoldingAnotherTime(TooManyHolds):
    """This visitor (their browser session) already holds a time in another booking."""

    def __init__(self):
        super().__init__(
            _(
                "You are already holding a time in another booking. "
                "Finish or leave that booking first, or wait a few minutes."
            )
        )


class BusyNetwork(TooManyHolds):
    """Many bookings are in progress from the visitor's internet address at once.

    Several people can share one address (an office, a phone carrier's network), so
    this is not about the visitor themselves and must not sound as if it were.
    """

    def __init__(self):
        super().__init__(
            _(
                "Many bookings are in progress from your network right now (for example "
                "an office or a mobile network). Please try again in a few minutes, or call "
                "us to book."
            )
        )


class ScreeningBlocksBooking(BookingError):
    pass


class NotAllowed(BookingError):
    pass


logger = logging.getLogger(__name__)

TIME_JUST_TAKEN = _("That time was just taken. Please choose another.")


# --- Concurrency: lock order and the retry safety net (see the module docstring) ------

# PostgreSQL's SQLSTATEs for "deadlock detected" and "could not serialize access".
CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})
CONFLICT_ATTEMPTS = 3


class _AppointmentMoved(Exception):
    """The appointment changed practitioner between reading it and locking it: the
    locks taken are not the right ones, so the transaction starts again."""


def _is_conflict(error: BaseException) -> bool:
    if isinstance(error, _AppointmentMoved):
        return True
    return getattr(error.__cause__, "sqlstate", None) in CONFLICT_SQLSTATES


def retry_on_conflict(message: str = TIME_JUST_TAKEN) -> Callable:
    """Run a booking service again when PostgreSQL aborts its transaction for a
    deadlock or a serialization failure; after ``CONFLICT_ATTEMPTS`` tries, refuse
    with ``SlotUnavailable(message)``.

    The service must open its own transaction: a retry repeats all of it. Called
    inside a transaction that is already open, it runs once and lets the error
    through, since PostgreSQL has aborted the caller's whole transaction and only the
    caller can start it again.
    """

    def decorator(service: Callable) -> Callable:
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            if transaction.get_connection().in_atomic_block:
                return service(*args, **kwargs)
            for attempt in itertools.count(1):
                try:
                    return service(*args, **kwargs)
                except (DatabaseError, _AppointmentMoved) as error:
                    if not _is_conflict(error):
                        raise
                    logger.warning(
                        "%s: transaction conflict (%s), attempt %d of %d",
                        service.__name__,
                        getattr(error.__cause__, "sqlstate", type(error).__name__),
                        attempt,
                        CONFLICT_ATTEMPTS,
                    )
                    if attempt == CONFLICT_ATTEMPTS:
                        raise SlotUnavailable(message) from error
                    # A short random pause, so the writers that met do not meet again.
                    time.sleep(random.uniform(0.005, 0.05) * attempt)

        return wrapper

    return decorator


def lock_practitioners(practitioner_ids: Iterable[int | None]) -> None:
    """Lock these practitioners' diaries, in ascending id, for the rest of the transaction.

    Every write that puts an appointment at a time in a diary (see the module
    docstring) takes these locks first, then appointment rows. Why that cannot deadlock:

    - Practitioner rows: every transaction takes them in one order (ascending id;
      PostgreSQL sorts before it locks) and before any other row, so no two wait for
      each other's practitioners.
    - Two writers sharing a practitioner never work at once: the second waits for that
      practitioner's lock before it reads or locks a single appointment.
    - Two writers with no practitioner in common touch no common appointment row:
      every appointment they lock or write (their own, the expired holds they release,
      the one they insert) is in the diary of a practitioner they locked, and an
      appointment changes practitioner only under the locks of both (the current
      practitioner is always in the set; ``lock_appointment`` checks it).
    - The exclusion constraint waits only for an uncommitted row of the same
      practitioner at an overlapping time. Under the lock, no other writer can be
      putting one there; writers that take no practitioner lock only take appointments
      out of the diary or change details, so their rows overlap a new time only if they
      were already there, committed, and the check under the lock refused that time.
    - Writers outside these services hold a practitioner row only to edit it (admin),
      without waiting for appointments. FOR NO KEY UPDATE does not block the key-share
      locks that inserting an appointment takes on its practitioner.

    On SQLite this is a no-op: IMMEDIATE transactions already run one writer at a time.
    """
    ids = sorted({pk for pk in practitioner_ids if pk is not None})
    if ids:
        list(
            Practitioner.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def lock_appointment(appointment_id: int, *, practitioners: Iterable[int] = ()) -> Appointment:
    """The appointment, locked for the rest of the transaction, after the diaries of its
    practitioner and of ``practitioners`` (the candidates for its new time).

    Raises ``Appointment.DoesNotExist`` if there is no such appointment.
    """
    current = (
        Appointment.objects.filter(pk=appointment_id)
        .values_list("practitioner_id", flat=True)
        .get()
    )
    locked = {current, *practitioners}
    lock_practitioners(locked)
    appointment = (
        Appointment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("treatment", "screening")
        .get(pk=appointment_id)
    )
    if appointment.practitioner_id not in locked:
        raise _AppointmentMoved
    return appointment


def hash_session_key(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


# --- Reading availability -------------------------------------------------------------


def booking_window(
    policy: BookingPolicy, now: dt.datetime, earliest_date: dt.date | None, tz
) -> tuple[dt.datetime, dt.datetime]:
    """The first and last start time a patient may book now."""
    earliest = now + dt.timedelta(hours=policy.minimum_notice_hours)
    if earliest_date:
        earliest_date_start = availability.wall_time_to_utc(earliest_date, dt.time(0, 0), tz)
        if earliest_date_start:
            earliest = max(earliest, earliest_date_start)
    latest = now + dt.timedelta(days=policy.horizon_days)
    return earliest, latest


def free_slots_for(
    treatment: Treatment,
    *,
    practitioner_id: int | None,
    now: dt.datetime,
    earliest_date: dt.date | None = None,
    ignore_appointment_id: int | None = None,
    only_start: dt.datetime | None = None,
) -> list[availability.Slot]:
    """Free slots for a treatment with one practitioner or any.

    The calendar is shared through the cache until the schedule changes
    (booking/free_times.py). With `only_start`, just that start is considered (is it
    still offered?), read afresh from the database: the check before a hold.
    """
    policy = BookingPolicy.load()
    tz = ClinicProfile.load().tzinfo
    earliest, latest = booking_window(policy, now, earliest_date, tz)
    if only_start is not None:
        earliest, latest = max(earliest, only_start), min(latest, only_start)
    if earliest > latest:
        return []
    if only_start is not None:
        slots, _ = _compute_free_slots(
            treatment, practitioner_id, earliest, latest, now, ignore_appointment_id, policy, tz
        )
        return slots

    def whole_window() -> free_times.Computed:
        # From the notice of `now` to a horizon later than any request within the
        # calendar's life can ask for; no earliest date (each request applies its own).
        start, end = booking_window(policy, now, None, tz)
        end += free_times.MAX_AGE
        return _compute_free_slots(
            treatment, practitioner_id, start, end, now, ignore_appointment_id, policy, tz
        )

    name = (treatment.pk, practitioner_id or "any", ignore_appointment_id or "-")
    slots = free_times.shared(name, now, whole_window)
    return [slot for slot in slots if earliest <= slot.start <= latest]


def _compute_free_slots(
    treatment: Treatment,
    practitioner_id: int | None,
    earliest: dt.datetime,
    latest: dt.datetime,
    now: dt.datetime,
    ignore_appointment_id: int | None,
    policy: BookingPolicy,
    tz,
) -> free_times.Computed:
    """Free slots between two start times, in three queries, and when the first hold
    among the appointments in the way expires (that time comes free then)."""
    window_end = latest + dt.timedelta(minutes=treatment.visit_minutes + treatment.buffer_minutes)

    hours_qs = WorkingHours.objects.filter(
        practitioner__is_active=True, practitioner__treatments=treatment
    )
    if practitioner_id:
        hours_qs = hours_qs.filter(practitioner_id=practitioner_id)
    # In the practitioners' display order, so each slot lists them in that order too.
    hours: dict[int, dict[int, list]] = {}
    for practitioner, weekday, start, end in hours_qs.values_list(
        "practitioner_id", "weekday", "starts_at", "ends_at"
    ).order_by("practitioner__position", "practitioner__name", "practitioner_id", "starts_at"):
        hours.setdefault(practitioner, {}).setdefault(weekday, []).append((start, end))
    if not hours:
        return [], None

    clinic_closed: list[tuple[dt.datetime, dt.datetime]] = []
    closed: dict[int, list] = {}
    for practitioner, start, end in (
        Closure.objects.overlapping(earliest, window_end)
        .filter(Q(practitioner__isnull=True) | Q(practitioner__in=hours.keys()))
        .values_list("practitioner_id", "starts_at", "ends_at")
    ):
        if practitioner is None:
            clinic_closed.append((start, end))
        else:
            closed.setdefault(practitioner, []).append((start, end))

    busy: dict[int, list] = {}
    next_release = None
    appointments = (
        Appointment.objects.occupying(now)
        .overlapping(earliest - dt.timedelta(days=1), window_end)
        .filter(practitioner__in=hours.keys())
    )
    if ignore_appointment_id:
        appointments = appointments.exclude(pk=ignore_appointment_id)
    for practitioner, start, end, status, hold_expires_at in appointments.values_list(
        "practitioner_id", "starts_at", "occupied_until", "status", "hold_expires_at"
    ):
        busy.setdefault(practitioner, []).append((start, end))
        if status == Status.HELD and (next_release is None or hold_expires_at < next_release):
            next_release = hold_expires_at

    schedules = [
        availability.Schedule(
            practitioner_id=pid,
            hours=week,
            closures=closed.get(pid, ()),
            busy=busy.get(pid, ()),
        )
        for pid, week in hours.items()
    ]
    request = availability.Request(
        duration=dt.timedelta(minutes=treatment.visit_minutes),
        buffer=dt.timedelta(minutes=treatment.buffer_minutes),
        interval=dt.timedelta(minutes=policy.slot_interval_minutes),
        earliest_start=earliest,
        latest_start=latest,
        tz=tz,
    )
    slots = availability.free_slots(schedules, request, clinic_closures=clinic_closed)
    return slots, next_release


# --- Screening --------------------------------------------------------------------------


def rules_for(questions) -> list[screening.Rule]:
    return [
        screening.Rule(
            id=q.pk,
            text=q.text,
            kind=q.kind,
            trigger_answer=q.trigger_answer,
            outcome=q.outcome,
            waiting_days=q.waiting_days,
            instruction=q.instruction,
            patient_message=q.patient_message,
            parent_id=q.parent_id,
            parent_answer=q.parent_answer,
        )
        for q in questions
    ]


def assess_answers(
    treatment: Treatment,
    questions,
    answers: Mapping[int, screening.Answer],
    date_of_birth: dt.date | None,
    today: dt.date,
) -> screening.Assessment:
    return screening.assess(
        rules_for(questions),
        answers,
        date_of_birth=date_of_birth,
        today=today,
        minimum_age=BookingPolicy.load().minimum_age,
    )


def record_screening(
    treatment: Treatment,
    questions: list[ScreeningQuestion],
    answers: Mapping[int, screening.Answer],
    date_of_birth: dt.date,
    assessment: screening.Assessment,
) -> Screening:
    """Store the answers of a patient who may go on booking, with each question's rule as asked.

    Never called for a blocked assessment: those answers are not kept at all.
    """
    if assessment.blocks_booking:
        raise ScreeningBlocksBooking("A blocked screening is never stored.")
    asked = {rule.id for rule in screening.asked_rules(rules_for(questions), answers)}
    with transaction.atomic():
        record = Screening.objects.create(
            treatment=treatment,
            date_of_birth=date_of_birth,
            outcome=assessment.outcome,
            earliest_date=assessment.earliest_date,
        )
        ScreeningAnswer.objects.bulk_create(
            ScreeningAnswer(
                screening=record,
                question=question,
                question_text=question.text,
                question_outcome=question.outcome,
                question_rule=snapshot_rule(question),
                answer=_answer_to_text(answers.get(question.pk)),
                applies=assessment.applies.get(question.pk, False),
                position=index,
            )
            for index, question in enumerate(questions)
            if question.pk in asked
        )
    return record


def replace_screening(
    appointment_id: int | None, old_screening_id: int | None, record: Screening
) -> None:
    """A patient answered the questions again: the new answers replace the old ones.

    A time they were holding is released, since the earliest date may have moved;
    the appointment row, with any details they typed, is kept for their next choice.
    """
    with transaction.atomic():
        if appointment_id:
            Appointment.objects.filter(
                pk=appointment_id, status__in=[Status.HELD, Status.EXPIRED]
            ).update(screening=record, status=Status.EXPIRED, hold_expires_at=None)
            free_times.schedule_changed()  # a held time is free again
        if old_screening_id and old_screening_id != record.pk:
            Screening.objects.filter(pk=old_screening_id, appointment__isnull=True).delete()


def snapshot_rule(question: ScreeningQuestion) -> dict:
    return {
        "kind": question.kind,
        "trigger_answer": question.trigger_answer,
        "waiting_days": question.waiting_days,
        "instruction": question.instruction,
        "patient_message": question.patient_message,
    }


def _answer_to_text(answer: screening.Answer) -> str:
    if isinstance(answer, dt.date):
        return answer.isoformat()
    return answer or ""


def reassess(record: Screening, today: dt.date) -> screening.Assessment:
    """The outcome computed again from the stored answers and the rules as they were asked."""
    rules, answers = [], {}
    for stored in record.answers.all():
        rule = stored.question_rule or {}
        rules.append(
            screening.Rule(
                id=stored.pk,
                text=stored.question_text,
                kind=rule.get("kind", screening.YES_NO),
                trigger_answer=rule.get("trigger_answer", "yes"),
                outcome=stored.question_outcome,
                waiting_days=rule.get("waiting_days"),
                instruction=rule.get("instruction", ""),
                patient_message=rule.get("patient_message", ""),
            )
        )
        value: screening.Answer = stored.answer or None
        if rule.get("kind") == screening.DATE and value:
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = "invalid"
        answers[stored.pk] = value
    # The earliest date and outcome are judged on the day of the answers, so a waiting
    # period that has passed since does not silently drop a review.
    return screening.assess(
        rules,
        answers,
        date_of_birth=record.date_of_birth,
        today=min(today, record.created_at.date()),
        minimum_age=BookingPolicy.load().minimum_age,
    )


# --- Holding, confirming ------------------------------------------------------------------


def _log(appointment, action, *, actor, by=None, from_status="", note="") -> None:
    AppointmentChange.objects.create(
        appointment=appointment,
        action=action,
        actor=actor,
        by=by,
        from_status=from_status,
        to_status=appointment.status,
        note=note,
    )


def _release_stale_holds(practitioner_id: int, start, end, now) -> None:
    """Expired holds never block anybody: mark those in the way as expired first.

    This locks other patients' holds, so it runs only under the practitioner's lock
    (``lock_practitioners``): the holds of a diary are then locked by one writer at a time.
    """
    stale = Appointment.objects.stale_holds(now).filter(practitioner_id=practitioner_id)
    stale.overlapping(start, end).update(status=Status.EXPIRED)


def _slot_is_free(practitioner_id: int, start, occupied_until, now, exclude_pk=None) -> bool:
    clashes = (
        Appointment.objects.occupying(now)
        .filter(practitioner_id=practitioner_id)
        .overlapping(start, occupied_until)
    )
    if exclude_pk:
        clashes = clashes.exclude(pk=exclude_pk)
    closed = Closure.objects.overlapping(start, occupied_until).filter(
        Q(practitioner__isnull=True) | Q(practitioner_id=practitioner_id)
    )
    return not clashes.exists() and not closed.exists()


def _place(appointment: Appointment, practitioner_id: int, start: dt.datetime, now) -> bool:
    """Try to put the appointment at this start with this practitioner, under the guarantee.

    The caller holds the practitioner's lock (``lock_practitioners``).
    """
    treatment = appointment.treatment
    end = start + dt.timedelta(minutes=treatment.visit_minutes)
    occupied_until = end + dt.timedelta(minutes=treatment.buffer_minutes)
    _release_stale_holds(practitioner_id, start, occupied_until, now)
    if not _slot_is_free(practitioner_id, start, occupied_until, now, exclude_pk=appointment.pk):
        return False
    appointment.practitioner_id = practitioner_id
    appointment.starts_at, appointment.ends_at = start, end
    appointment.occupied_until = occupied_until
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        return False
    return True


def practitioners_free_at(
    treatment: Treatment,
    start: dt.datetime,
    *,
    practitioner_id: int | None,
    now: dt.datetime,
    earliest_date: dt.date | None,
    ignore_appointment_id: int | None = None,
) -> list[int]:
    """Practitioners for whom this start is an offered, free slot (display order)."""
    slots = free_slots_for(
        treatment,
        practitioner_id=practitioner_id,
        now=now,
        earliest_date=earliest_date,
        ignore_appointment_id=ignore_appointment_id,
        only_start=start,
    )
    return list(slots[0].practitioner_ids) if slots else []


@retry_on_conflict()
def hold_slot(
    *,
    appointment: Appointment | None,
    treatment: Treatment,
    practitioner_id: int | None,
    start: dt.datetime,
    record: Screening,
    session_key: str,
    client_ip: str | None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Hold a free slot for a patient finishing a booking (or move their hold to it).

    ``client_ip`` is the visitor's address as ``clinic.client_address.client_ip`` tells
    it. Refused with ``AlreadyHoldingAnotherTime`` while this session holds a time in
    another booking, and with ``BusyNetwork`` while the policy's maximum of times is
    held from this address.
    """
    now = now or timezone.now()
    policy = BookingPolicy.load()
    session_hash = hash_session_key(session_key)
    candidates = practitioners_free_at(
        treatment,
        start,
        practitioner_id=practitioner_id,
        now=now,
        earliest_date=record.earliest_date,
        # Moving one's own hold to a time that overlaps it (or choosing it again).
        ignore_appointment_id=appointment.pk if appointment and appointment.is_held(now) else None,
    )
    if not candidates:
        raise SlotUnavailable("That time is no longer available. Please choose another.")

    with transaction.atomic():
        # The patient's appointment is read again under its lock, never changed in the
        # caller's copy: a retry (retry_on_conflict) starts from the database's state.
        existing_id, appointment = appointment.pk if appointment else None, None
        if existing_id:
            try:
                appointment = lock_appointment(existing_id, practitioners=candidates)
            except Appointment.DoesNotExist:  # deleted meanwhile (retention)
                pass
        if appointment is None:
            lock_practitioners(candidates)
        live_holds = Appointment.objects.filter(status=Status.HELD, hold_expires_at__gt=now)
        if appointment is not None:
            live_holds = live_holds.exclude(pk=appointment.pk)
        by_person = live_holds.filter(session_key_hash=session_hash).count()
        if by_person >= policy.max_holds_per_person:
            raise AlreadyHoldingAnotherTime
        by_address = live_holds.filter(client_ip=client_ip).count() if client_ip else 0
        if by_address >= policy.max_holds_per_ip:
            raise BusyNetwork
        if appointment is None or appointment.status not in (Status.HELD, Status.EXPIRED):
            appointment = Appointment(treatment=treatment, screening=record)
        appointment.status = Status.HELD
        appointment.hold_expires_at = now + dt.timedelta(minutes=policy.hold_minutes)
        appointment.session_key_hash = session_hash
        appointment.client_ip = client_ip
        for practitioner_id_ in candidates:
            if _place(appointment, practitioner_id_, start, now):
                break
        else:
            raise SlotUnavailable(TIME_JUST_TAKEN)
        _log(appointment, "held", actor="patient")
    return appointment


def save_patient_details(
    appointment: Appointment,
    *,
    name: str,
    email: str,
    phone: str,
    consents: list[tuple[str, str, str]],
    now: dt.datetime | None = None,
) -> Appointment:
    """Keep the patient's details and the exact consent wording they agreed to."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment.patient_name = name
        appointment.patient_email = email
        appointment.patient_phone = phone
        appointment.save(update_fields=["patient_name", "patient_email", "patient_phone"])
        appointment.consents.all().delete()
        Consent.objects.bulk_create(
            Consent(
                appointment=appointment, kind=kind, wording=wording, version=version, given_at=now
            )
            for kind, wording, version in consents
        )
    return appointment


@retry_on_conflict()
def confirm_booking(appointment_id: int, *, now: dt.datetime | None = None) -> Appointment:
    """Turn a patient's hold into a confirmed appointment or a request for review.

    Re-assesses the stored answers, re-checks the slot under the database's
    guarantee, and queues the email (the worker sends it once this commits).
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = lock_appointment(appointment_id)
        if appointment.status != Status.HELD and appointment.status != Status.EXPIRED:
            raise NotAllowed("This booking is already finished.")
        if appointment.screening is None:
            raise ScreeningBlocksBooking("The health questionnaire is missing.")
        assessment = reassess(appointment.screening, now.date())
        if assessment.blocks_booking:
            raise ScreeningBlocksBooking("Your answers do not allow online booking.")
        if not (appointment.patient_name and appointment.patient_email):
            raise NotAllowed("Your details are missing.")
        if not appointment.consents.exists():
            raise NotAllowed("Your consent is missing.")
        previous = appointment.status
        _release_stale_holds(
            appointment.practitioner_id, appointment.starts_at, appointment.occupied_until, now
        )
        if not _slot_is_free(
            appointment.practitioner_id,
            appointment.starts_at,
            appointment.occupied_until,
            now,
            exclude_pk=appointment.pk,
        ):
            appointment.status = Status.EXPIRED
            appointment.save(update_fields=["status"])
            raise SlotUnavailable(
                "Sorry, the time you chose was taken by someone else after we stopped holding "
                "it. Please choose another time: your details are kept."
            )
        review = assessment.needs_review
        appointment.status = Status.REQUESTED if review else Status.CONFIRMED
        appointment.hold_expires_at = None
        appointment.confirmed_at = None if review else now
        appointment.instructions = "\n".join(assessment.instructions)
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            raise SlotUnavailable("Sorry, someone else has just booked that time.") from None
        _log(
            appointment,
            "requested" if review else "confirmed",
            actor="patient",
            from_status=previous,
        )
        emails.queue(appointment, EmailKind.REQUEST_RECEIVED if review else EmailKind.CONFIRMED)
    return appointment


# --- Staff and patient changes ---------------------------------------------------------------


def _not_allowed_message(appointment: Appointment) -> str:
    status = appointment.get_status_display().lower()
    return f"Appointment {appointment.reference} is {status}."


def _change_status(appointment_id, allowed, new_status, action, *, by, actor, note="", email=None):
    with transaction.atomic():
        # Only ever out of the diary: the appointment's own row is the one lock needed.
        appointment = Appointment.objects.select_for_update(no_key=True).get(pk=appointment_id)
        if appointment.status not in allowed:
            raise NotAllowed(_not_allowed_message(appointment))
        previous = appointment.status
        appointment.status = new_status
        appointment.save(update_fields=["status"])
        _log(appointment, action, actor=actor, by=by, from_status=previous, note=note)
        if email:
            emails.queue(appointment, email)
    return appointment


@retry_on_conflict(_("The diary was busy at that moment. Please approve the request again."))
def approve_request(appointment_id: int, *, by, now: dt.datetime | None = None) -> Appointment:
    """A clinician approves a request: re-checked under the overlap guarantee, then confirmed."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = lock_appointment(appointment_id)
        if appointment.status != Status.REQUESTED:
            raise NotAllowed(_not_allowed_message(appointment))
        if not _slot_is_free(
            appointment.practitioner_id,
            appointment.starts_at,
            appointment.occupied_until,
            now,
            exclude_pk=appointment.pk,
        ):
            raise SlotUnavailable(f"{appointment.reference}: another appointment overlaps it.")
        appointment.status = Status.CONFIRMED
        appointment.confirmed_at = now
        try:
            with transaction.atomic():
                appointment.save(update_fields=["status", "confirmed_at"])
        except IntegrityError:
            raise SlotUnavailable(
                f"{appointment.reference}: another appointment overlaps it."
            ) from None
        _log(appointment, "approved", actor="staff", by=by, from_status=Status.REQUESTED)
        emails.queue(appointment, EmailKind.APPROVED)
    return appointment


def decline_request(appointment_id: int, *, by, note: str = "") -> Appointment:
    return _change_status(
        appointment_id,
        [Status.REQUESTED],
        Status.DECLINED,
        "declined",
        by=by,
        actor="staff",
        note=note,
        email=EmailKind.DECLINED,
    )


def cancel_appointment(appointment_id: int, *, by=None, actor: str = "staff") -> Appointment:
    return _change_status(
        appointment_id,
        [Status.REQUESTED, Status.CONFIRMED],
        Status.CANCELLED,
        "cancelled",
        by=by,
        actor=actor,
        email=EmailKind.CANCELLED,
    )


def mark_completed(appointment_id: int, *, by) -> Appointment:
    return _change_status(
        appointment_id, [Status.CONFIRMED], Status.COMPLETED, "completed", by=by, actor="staff"
    )


def mark_no_show(appointment_id: int, *, by) -> Appointment:
    return _change_status(
        appointment_id, [Status.CONFIRMED], Status.NO_SHOW, "no-show", by=by, actor="staff"
    )


def cancel_by_patient(appointment_id: int, *, now: dt.datetime | None = None) -> Appointment:
    now = now or timezone.now()
    appointment = Appointment.objects.get(pk=appointment_id)
    if not appointment.can_be_changed_by_patient(now):
        raise NotAllowed("This appointment can no longer be cancelled online. Please call us.")
    return cancel_appointment(appointment_id, actor="patient")


@retry_on_conflict()
def reschedule_by_patient(
    appointment_id: int, *, start: dt.datetime, now: dt.datetime | None = None
) -> Appointment:
    """Move an upcoming appointment to another free start, keeping its status and practitioner
    when possible (any practitioner who performs the treatment otherwise)."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_related("treatment", "screening").get(
        pk=appointment_id
    )
    if not appointment.can_be_changed_by_patient(now):
        raise NotAllowed("This appointment can no longer be changed online. Please call us.")
    # Read before the locks, so the diaries stay locked only while writing; the
    # placement below checks each candidate again under its lock.
    candidates = practitioners_free_at(
        appointment.treatment,
        start,
        practitioner_id=None,
        now=now,
        earliest_date=appointment.earliest_treatment_date,
        ignore_appointment_id=appointment.pk,
    )
    if not candidates:
        raise SlotUnavailable("That time is no longer available. Please choose another.")
    with transaction.atomic():
        appointment = lock_appointment(appointment_id, practitioners=candidates)
        if not appointment.can_be_changed_by_patient(now):
            raise NotAllowed("This appointment can no longer be changed online. Please call us.")
        if appointment.practitioner_id in candidates:
            candidates.remove(appointment.practitioner_id)
            candidates.insert(0, appointment.practitioner_id)
        old_start = appointment.starts_at
        appointment.reminder_queued_at = None  # the new time gets its own reminder
        for practitioner_id in candidates:
            if _place(appointment, practitioner_id, start, now):
                break
        else:
            raise SlotUnavailable(TIME_JUST_TAKEN)
        _log(
            appointment,
            "rescheduled",
            actor="patient",
            from_status=appointment.status,
            note=f"from {old_start.isoformat()}",
        )
        emails.queue(appointment, EmailKind.RESCHEDULED)
    return appointment


# --- Retention and patients' rights ---------------------------------------------------------

ERASED = "(erased)"


def _anonymise(appointments) -> int:
    """Blank the patient's details, keeping the row so the schedule's history stays true."""
    return appointments.update(
        patient_name=ERASED,
        patient_email="",
        patient_phone="",
        client_ip=None,
        session_key_hash="",
        instructions="",
    )


def purge_patient_data(
    now: dt.datetime, *, health_days: int, details_days: int, abandoned_hours: int
) -> dict[str, int]:
    """Delete or anonymise what the clinic no longer needs to keep.

    - bookings never finished (expired holds) and answers never used: after `abandoned_hours`;
    - screening answers and date of birth: `health_days` after the appointment;
    - name, email, phone: `details_days` after the appointment (the row stays, anonymised).
    """
    counts = {}
    with transaction.atomic():
        abandoned = now - dt.timedelta(hours=abandoned_hours)
        unfinished = Appointment.objects.filter(
            Q(status=Status.EXPIRED) | Q(status=Status.HELD, hold_expires_at__lt=abandoned),
            created_at__lt=abandoned,
        )
        screenings = list(unfinished.exclude(screening=None).values_list("screening", flat=True))
        counts["abandoned bookings deleted"] = unfinished.delete()[1].get("booking.Appointment", 0)
        Screening.objects.filter(pk__in=screenings).delete()
        orphans = Screening.objects.filter(appointment__isnull=True, created_at__lt=abandoned)
        counts["unused answers deleted"] = orphans.delete()[1].get("booking.Screening", 0)

        health_cutoff = now - dt.timedelta(days=health_days)
        old = Screening.objects.filter(
            appointment__ends_at__lt=health_cutoff,
        ).exclude(appointment__status__in=[Status.HELD, Status.REQUESTED])
        counts["screenings deleted"] = old.delete()[1].get("booking.Screening", 0)

        details_cutoff = now - dt.timedelta(days=details_days)
        counts["patients anonymised"] = _anonymise(
            Appointment.objects.filter(ends_at__lt=details_cutoff).exclude(patient_name=ERASED)
        )
    return counts


def patient_appointments(email: str):
    return Appointment.objects.filter(patient_email__iexact=email.strip()).exclude(patient_email="")


def export_patient_data(email: str) -> dict:
    """Everything the clinic holds about the patient with this email, as plain data."""
    appointments = (
        patient_appointments(email)
        .select_related("treatment", "practitioner", "screening")
        .prefetch_related("consents", "screening__answers")
    )
    result = {"email": email, "appointments": []}
    for appointment in appointments:
        item = {
            "reference": appointment.reference,
            "treatment": appointment.treatment.name,
            "practitioner": appointment.practitioner.name,
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat(),
            "status": appointment.status,
            "name": appointment.patient_name,
            "email": appointment.patient_email,
            "phone": appointment.patient_phone,
            "instructions": appointment.instructions,
            "created_at": appointment.created_at.isoformat(),
            "consents": [
                {
                    "kind": consent.kind,
                    "wording": consent.wording,
                    "version": consent.version,
                    "given_at": consent.given_at.isoformat(),
                }
                for consent in appointment.consents.all()
            ],
        }
        if appointment.screening:
            item["date_of_birth"] = appointment.screening.date_of_birth.isoformat()
            item["screening"] = [
                {"question": answer.question_text, "answer": answer.answer}
                for answer in appointment.screening.answers.all()
            ]
        result["appointments"].append(item)
    return result


def erase_patient(email: str, *, by=None) -> int:
    """Erase a patient on request: answers deleted, details blanked, history kept."""
    with transaction.atomic():
        appointments = patient_appointments(email)
        ids = list(appointments.values_list("pk", flat=True))
        screenings = list(appointments.exclude(screening=None).values_list("screening", flat=True))
        for appointment in Appointment.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES):
            previous = appointment.status
            appointment.status = Status.CANCELLED
            appointment.save(update_fields=["status"])
            _log(
                appointment,
                "cancelled",
                actor="staff",
                by=by,
                from_status=previous,
                note="erased on the patient's request",
            )
        Appointment.objects.filter(pk__in=ids).update(screening=None)
        Screening.objects.filter(pk__in=screenings).delete()
        Consent.objects.filter(appointment__in=ids).delete()
        _anonymise(Appointment.objects.filter(pk__in=ids))
        for appointment in Appointment.objects.filter(pk__in=ids):
            _log(appointment, "erased", actor="staff", by=by, note="patient's data erased")
    return len(ids)


def record_access(user, appointments, action: str) -> None:
    """Note that a staff member saw or exported these appointments (append-only)."""
    AccessRecord.objects.bulk_create(
        AccessRecord(
            user=user,
            username=user.get_username(),
            appointment=appointment,
            reference=appointment.reference,
            action=action,
        )
        for appointment in appointments
    )
