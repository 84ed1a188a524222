"""The front desk books a patient who phones: the same free times, the same screening
rules and the same gate as a booking online, under the same locks (read ``locking.py``).

Two ways, the desk's choice:

- ``book_by_phone``: staff read the health questions out and type the answers. Answers
  that block the treatment stop here (nothing is stored, no time is taken) and staff
  are told why; otherwise the time is taken and passes the gate (``gate.judge``) in one
  transaction: confirmed, or a request for a clinician. The consent is kept with the
  exact words read out and who read them.
- ``hold_for_patient``: the time is held for ``BookingPolicy.desk_hold_hours`` and the
  patient is emailed a private link to answer the questions themselves
  (``answer_held_time``, then the same ``holds.confirm_booking`` as online). Unanswered,
  the hold runs out like any other and the time is free again (``diary.release_stale_holds``).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails, screening
from booking.models import (
    Actor,
    Appointment,
    BookingPolicy,
    ConsentChannel,
    EmailKind,
    ScreeningQuestion,
    Transition,
)
from booking.services import gate
from booking.services.answers import assess_answers, record_screening
from booking.services.errors import NotAllowed, ScreeningBlocksBooking, SlotUnavailable
from booking.services.holds import (
    confirm_booking,
    keep_consents,
    patient_language,
    place_hold,
    take_time,
)
from booking.services.locking import lock_appointment_row, lock_practitioners, retry_on_conflict
from booking.services.slots import practitioners_free_at
from clinic.models import PrivacyNotice
from treatments.models import Treatment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DESK_TIME_TAKEN = _("Sorry, that time has just been taken. Please choose another time.")

# A time the gate refuses, as the desk reads it (the booking is not made).
DESK_TIME_MESSAGES = {
    gate.Refusal.BEFORE_EARLIEST_DATE: _(
        "That day is before the end of the waiting period in the patient's answers. "
        "Please choose a later day."
    ),
    gate.Refusal.CLOSED: _(
        "The clinic or the practitioner is closed at that time (see Closures). "
        "Please choose another time."
    ),
    gate.Refusal.OUTSIDE_HOURS: _(
        "That time is outside the practitioner's working hours. Please choose another time."
    ),
    gate.Refusal.TAKEN: DESK_TIME_TAKEN,
    gate.Refusal.TOO_SOON: _("That time is now too soon to book. Please choose another time."),
    gate.Refusal.TOO_FAR: _("That time is beyond the booking horizon. Please choose another."),
    gate.Refusal.NOT_OFFERED: _(
        "The clinic no longer offers that time (opening hours or closures changed). "
        "Please choose another."
    ),
}


@dataclass(frozen=True)
class Caller:
    """The patient on the phone, as the desk types them."""

    name: str
    email: str
    phone: str
    language: str


@dataclass(frozen=True)
class PhoneAnswers:
    """The health questions read out by phone, the answers, and the consents given:
    (kind, the exact words read out, their version) of each."""

    questions: list[ScreeningQuestion]
    answers: Mapping[int, screening.Answer]
    date_of_birth: dt.date
    consents: list[tuple[str, str, str]]


class AnswersStopBooking(ScreeningBlocksBooking):
    """The answers given by phone do not allow the treatment; ``reasons`` says why, in
    the words the clinic wrote for the patient (safe to read out)."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(str(reason) for reason in reasons))


@retry_on_conflict(DESK_TIME_TAKEN)
def book_by_phone(
    *,
    treatment: Treatment,
    practitioner_id: int | None,
    start: dt.datetime,
    caller: Caller,
    answers: PhoneAnswers,
    by: "User",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a caller whose answers staff took by phone: confirmed, or a request for a
    clinician. Raises ``AnswersStopBooking`` (nothing kept, the time stays free) or
    ``SlotUnavailable`` (the time cannot be booked: staff choose another)."""
    now = now or timezone.now()
    assessment = assess_answers(
        treatment,
        answers.questions,
        answers.answers,
        answers.date_of_birth,
        timezone.localdate(now),
    )
    if assessment.blocks_booking:
        raise AnswersStopBooking(assessment.reasons)
    with transaction.atomic():
        expires_at = now + dt.timedelta(minutes=BookingPolicy.load().hold_minutes)
        appointment = _hold(treatment, practitioner_id, start, caller, expires_at, by=by, now=now)
        appointment.screening = record_screening(
            treatment, answers.questions, answers.answers, answers.date_of_birth, assessment
        )
        appointment.save(update_fields=["screening"])
        keep_consents(
            appointment,
            answers.consents,
            privacy_notice=PrivacyNotice.objects.current(),
            now=now,
            channel=ConsentChannel.PHONE,
            taken_by=by,
        )
        verdict = gate.judge(appointment, now=now, offered_at=now)
        if verdict.refusal is not None:
            # Nothing of this booking is kept: the transaction rolls back, the time is free.
            if verdict.refusal.about_answers:
                raise AnswersStopBooking(verdict.assessment.reasons if verdict.assessment else [])
            raise SlotUnavailable(DESK_TIME_MESSAGES[verdict.refusal])
        assert verdict.assessment is not None
        take_time(
            appointment, verdict.assessment, now=now, offered_at=now, actor=Actor.STAFF, by=by
        )
    return appointment


@retry_on_conflict(DESK_TIME_TAKEN)
def hold_for_patient(
    *,
    treatment: Treatment,
    practitioner_id: int | None,
    start: dt.datetime,
    caller: Caller,
    by: "User",
    now: dt.datetime | None = None,
) -> Appointment:
    """Hold the time for ``BookingPolicy.desk_hold_hours`` and email the caller a private
    link to answer the health questions (``answer_held_time``)."""
    now = now or timezone.now()
    with transaction.atomic():
        expires_at = now + dt.timedelta(hours=BookingPolicy.load().desk_hold_hours)
        appointment = _hold(treatment, practitioner_id, start, caller, expires_at, by=by, now=now)
        emails.queue(appointment, EmailKind.HEALTH_QUESTIONS)
    return appointment


def _hold(
    treatment: Treatment,
    practitioner_id: int | None,
    start: dt.datetime,
    caller: Caller,
    expires_at: dt.datetime,
    *,
    by: "User",
    now: dt.datetime,
) -> Appointment:
    """A new hold until ``expires_at`` at a time patients are offered now, in this
    transaction, under the locks of every candidate practitioner
    (``locking.lock_practitioners``)."""
    candidates = practitioners_free_at(
        treatment, start, practitioner_id=practitioner_id, now=now, earliest_date=None
    )
    if not candidates:
        raise SlotUnavailable(DESK_TIME_TAKEN)
    lock_practitioners(candidates)
    appointment = Appointment(
        treatment=treatment,
        patient_name=caller.name,
        patient_email=caller.email,
        patient_phone=caller.phone,
        language=patient_language(caller.language),
    )
    return place_hold(
        appointment,
        candidates,
        start,
        now=now,
        expires_at=expires_at,
        actor=Actor.STAFF,
        by=by,
        note="By phone",
        taken=DESK_TIME_TAKEN,
    )


def answer_held_time(
    appointment_id: int,
    *,
    questions: list[ScreeningQuestion],
    answers: Mapping[int, screening.Answer],
    date_of_birth: dt.date,
    consents: list[tuple[str, str, str]],
    now: dt.datetime | None = None,
) -> tuple[Appointment | None, screening.Assessment]:
    """The patient answered through the private link: answers that block let the time go
    (nothing of them is kept) and return no appointment; otherwise they are kept with the
    patient's consent and the booking passes the same gate as online
    (``holds.confirm_booking``: confirmed or a request; its refusals are raised)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = lock_appointment_row(appointment_id)
        if not appointment.is_held(now) or appointment.screening_id:
            raise NotAllowed(
                _("This time is no longer held for you. Please call us to book another time.")
            )
        assessment = assess_answers(
            appointment.treatment, questions, answers, date_of_birth, timezone.localdate(now)
        )
        if assessment.blocks_booking:
            appointment.apply_transition(Transition.EXPIRE)
            appointment.hold_expires_at = None
            appointment.save(update_fields=["status", "hold_expires_at"])
            return None, assessment
        appointment.screening = record_screening(
            appointment.treatment, questions, answers, date_of_birth, assessment
        )
        appointment.save(update_fields=["screening"])
        keep_consents(
            appointment, consents, privacy_notice=PrivacyNotice.objects.current(), now=now
        )
    return confirm_booking(appointment_id, now=now), assessment
