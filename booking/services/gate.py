"""The one gate a booking passes before a visit is planned: the patient's confirmation
(``holds.confirm_booking``) and the clinician's approval (``staff.approve_request``).

It runs inside their transaction, under the appointment's row lock
(``locking.lock_appointment``). A change of answers takes that same lock before it
attaches new answers to the appointment (``answers.keep_answers``), so the gate always
judges the answers attached at that moment, never a value computed earlier:

1. the outcome is derived again from the stored answers of the attached screening
   (``answers.reassess``): no screening, or answers that block, stop here;
2. the time must still be one the clinic offers to this patient, asked of the one
   place that answers it (``slots.practitioners_free_at``: working hours, closures,
   minimum notice, horizon, the earliest date after the waiting periods of those
   answers, and free). The notice and the horizon are measured from ``offered_at``:
   when a live hold or a request kept the time for the patient, from the moment it was
   offered to them; otherwise from now.

The gate only judges; the services decide what a refusal changes and word it for the
patient (``patient_error``) or for staff (``staff_error``).
"""

import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking import screening
from booking.models import Appointment, BookingPolicy, Closure, Screening, WorkingHours
from booking.services.answers import reassess
from booking.services.diary import is_taken
from booking.services.errors import (
    BeforeEarliestDate,
    BookingError,
    ScreeningBlocksBooking,
    SlotUnavailable,
    TimeNoLongerOffered,
)
from booking.services.slots import booking_window, practitioners_free_at
from clinic.models import ClinicProfile


class Refusal(enum.Enum):
    """Why the gate does not let a booking through."""

    NO_ANSWERS = "no answers"
    ANSWERS_BLOCK = "answers block"
    BEFORE_EARLIEST_DATE = "before the earliest date"
    CLOSED = "closed"
    OUTSIDE_HOURS = "outside working hours"
    TAKEN = "taken"
    TOO_SOON = "too soon"
    TOO_FAR = "beyond the horizon"
    NOT_OFFERED = "not offered"

    @property
    def about_answers(self) -> bool:
        """The answers are the problem, not the time."""
        return self in (Refusal.NO_ANSWERS, Refusal.ANSWERS_BLOCK)


@dataclass(frozen=True)
class Verdict:
    assessment: screening.Assessment | None
    refusal: Refusal | None = None


def judge(appointment: Appointment, *, now: dt.datetime, offered_at: dt.datetime | None) -> Verdict:
    """Whether this appointment may become a planned visit now, on the answers attached to
    it and the clinic's schedule as they are. Call it under ``lock_appointment``."""
    # Read afresh (not through the locking query's join): the screening attached now.
    record = (
        Screening.objects.filter(pk=appointment.screening_id).first()
        if appointment.screening_id
        else None
    )
    if record is None:
        return Verdict(None, Refusal.NO_ANSWERS)
    assessment = reassess(record, now.date())
    if assessment.blocks_booking:
        return Verdict(assessment, Refusal.ANSWERS_BLOCK)
    offered = practitioners_free_at(
        appointment.treatment,
        appointment.starts_at,
        practitioner_id=appointment.practitioner_id,
        now=now,
        earliest_date=assessment.earliest_date,
        ignore_appointment_id=appointment.pk,
        offered_at=offered_at,
    )
    if offered:
        return Verdict(assessment)
    return Verdict(
        assessment,
        why_not_offered(
            appointment,
            appointment.practitioner_id,
            appointment.starts_at,
            earliest_date=assessment.earliest_date,
            now=now,
            offered_at=offered_at,
        ),
    )


def why_not_offered(
    appointment: Appointment,
    practitioner_id: int,
    start: dt.datetime,
    *,
    earliest_date: dt.date | None,
    now: dt.datetime,
    offered_at: dt.datetime | None,
) -> Refusal:
    """Which of the rules this time for the appointment fails, to say what to do (the
    answer to whether it fails is ``practitioners_free_at``'s), in the order the desk
    would look: the waiting period, a closure, the practitioner's hours, another
    appointment, then the notice and the horizon."""
    tz = ClinicProfile.load().tzinfo
    treatment = appointment.treatment
    end = start + dt.timedelta(minutes=treatment.visit_minutes)
    occupied_until = end + dt.timedelta(minutes=treatment.buffer_minutes)
    if earliest_date is not None and start.astimezone(tz).date() < earliest_date:
        return Refusal.BEFORE_EARLIEST_DATE
    closed = Closure.objects.overlapping(start, occupied_until).filter(
        Q(practitioner__isnull=True) | Q(practitioner_id=practitioner_id)
    )
    if closed.exists():
        return Refusal.CLOSED
    if not _within_hours(practitioner_id, start, end, tz):
        return Refusal.OUTSIDE_HOURS
    if is_taken(practitioner_id, start, occupied_until, now, exclude_pk=appointment.pk):
        return Refusal.TAKEN
    earliest, latest = booking_window(BookingPolicy.load(), now, None, tz, offered_at=offered_at)
    if start < earliest:
        return Refusal.TOO_SOON
    if start > latest:
        return Refusal.TOO_FAR
    return Refusal.NOT_OFFERED


def _within_hours(practitioner_id: int, start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> bool:
    """The visit (without its buffer) lies inside one range of the practitioner's
    working hours that day, in the clinic's wall-clock time."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_end.date() != local_start.date():
        return False
    return WorkingHours.objects.filter(
        practitioner_id=practitioner_id,
        weekday=local_start.weekday(),
        starts_at__lte=local_start.time(),
        ends_at__gte=local_end.time(),
    ).exists()


_KEPT = _("Please choose another time: your details are kept.")

PATIENT_MESSAGES = {
    Refusal.NO_ANSWERS: _("Please answer the health questions again."),
    Refusal.ANSWERS_BLOCK: _(
        "Your answers to the health questions do not allow online booking. Please check them."
    ),
    Refusal.BEFORE_EARLIEST_DATE: _(
        "The time you chose is before the first day we can treat you after the waiting "
        "period in your answers."
    ),
    Refusal.CLOSED: _("The clinic is now closed at the time you chose."),
    Refusal.OUTSIDE_HOURS: _(
        "The time you chose is no longer within the practitioner's working hours."
    ),
    Refusal.TAKEN: _(
        "Sorry, the time you chose was taken by someone else after we stopped holding it."
    ),
    Refusal.TOO_SOON: _("The time you chose is now too soon to book online."),
    Refusal.TOO_FAR: _("The time you chose is too far ahead to book online."),
    Refusal.NOT_OFFERED: _(
        "The clinic no longer offers the time you chose (its opening hours or closures changed)."
    ),
}

STAFF_MESSAGES = {
    Refusal.NO_ANSWERS: _("%(reference)s has no health answers: decline it or ask the patient."),
    Refusal.ANSWERS_BLOCK: _("%(reference)s: the patient's answers do not allow the treatment."),
    Refusal.BEFORE_EARLIEST_DATE: _(
        "%(reference)s is before the end of the patient's waiting period: move it first."
    ),
    Refusal.CLOSED: _(
        "%(reference)s: the clinic or the practitioner is closed at that time (see Closures)."
    ),
    Refusal.OUTSIDE_HOURS: _(
        "%(reference)s: that time is outside the practitioner's working hours that day."
    ),
    Refusal.TAKEN: _("%(reference)s: another appointment overlaps it."),
    Refusal.TOO_SOON: _(
        "%(reference)s is too soon: its time has passed or is inside the minimum notice."
    ),
    Refusal.TOO_FAR: _("%(reference)s is beyond the booking horizon."),
    Refusal.NOT_OFFERED: _(
        "%(reference)s: this time is not offered for this treatment (check that the "
        "practitioner is active and gives it, and that the time is on the booking grid)."
    ),
}


def _error_class(refusal: Refusal) -> type[BookingError]:
    if refusal.about_answers:
        return ScreeningBlocksBooking
    if refusal is Refusal.BEFORE_EARLIEST_DATE:
        return BeforeEarliestDate
    if refusal is Refusal.TAKEN:
        return SlotUnavailable
    return TimeNoLongerOffered


def patient_error(refusal: Refusal) -> BookingError:
    """The refusal as the patient reads it, of the kind that tells the flow which step
    to send them back to."""
    message = str(PATIENT_MESSAGES[refusal])
    if not refusal.about_answers:
        message = f"{message} {_KEPT}"
    return _error_class(refusal)(message)


def staff_error(refusal: Refusal, reference: str) -> BookingError:
    """The refusal as the clinician reads it in the back office."""
    return _error_class(refusal)(STAFF_MESSAGES[refusal] % {"reference": reference})
