"""An appointment's statuses, and the one table of how a status may change.

``TRANSITIONS`` is the only place that says from which statuses each change may happen
and what it leads to. Services change a status only through it
(``Appointment.apply_transition``, ``AppointmentQuerySet.apply_transition``); the
back office and the private link ask it what is possible (``Appointment.can``).

It is keyed by the clinic's actions rather than by the status they lead to, because
one status is reached in different ways: staff cancel a planned visit, while erasing a
patient's data also cancels a time they are holding.
"""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    HELD = "held", _("Held (booking in progress)")
    REQUESTED = "requested", _("Requested (awaiting clinician review)")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    EXPIRED = "expired", _("Hold expired")


# A booking still in progress: a time held, or a hold that ran out (the patient can
# choose a time again, their details kept).
UNFINISHED_STATUSES = (Status.HELD, Status.EXPIRED)
# A visit planned at its time: in the patient's calendar, theirs to cancel or move.
PLANNED_STATUSES = (Status.REQUESTED, Status.CONFIRMED)
# Appointments in these states occupy their slot. The PostgreSQL exclusion constraint
# (migration 0002) lists the same values; a test checks that they agree.
ACTIVE_STATUSES = (Status.HELD, *PLANNED_STATUSES)


class Transition(models.TextChoices):
    """Every way an appointment's status changes (``TRANSITIONS`` says how)."""

    HOLD = "hold", _("Hold a time")
    EXPIRE = "expire", _("Let a hold go")
    CONFIRM = "confirm", _("Confirm")
    REQUEST = "request", _("Ask a clinician to review")
    REVIEW_AGAIN = "review_again", _("Back to a clinician's review")
    APPROVE = "approve", _("Approve the request")
    DECLINE = "decline", _("Decline the request")
    CANCEL = "cancel", _("Cancel")
    COMPLETE = "complete", _("Mark completed")
    NO_SHOW = "no_show", _("Mark no-show")
    ERASE = "erase", _("Cancel on erasing the patient's data")

    @property
    def sources(self) -> tuple[Status, ...]:
        """The statuses this change may happen from."""
        return TRANSITIONS[self].sources

    @property
    def target(self) -> Status:
        """The status it leads to."""
        return TRANSITIONS[self].target

    @property
    def logged_as(self) -> str:
        """What the appointment's history calls it ("" when it is not recorded there)."""
        return TRANSITIONS[self].logged_as


class StatusChange(NamedTuple):
    sources: tuple[Status, ...]
    target: Status
    logged_as: str


TRANSITIONS: dict[Transition, StatusChange] = {
    # A new appointment starts as a hold too (Appointment.can).
    Transition.HOLD: StatusChange(UNFINISHED_STATUSES, Status.HELD, "held"),
    # Never recorded: holds run out in bulk, and the patient chooses again.
    Transition.EXPIRE: StatusChange(UNFINISHED_STATUSES, Status.EXPIRED, ""),
    Transition.CONFIRM: StatusChange(UNFINISHED_STATUSES, Status.CONFIRMED, "confirmed"),
    Transition.REQUEST: StatusChange(UNFINISHED_STATUSES, Status.REQUESTED, "requested"),
    # The re-check before the visit: changed answers that need a clinician's review.
    Transition.REVIEW_AGAIN: StatusChange((Status.CONFIRMED,), Status.REQUESTED, "back to review"),
    Transition.APPROVE: StatusChange((Status.REQUESTED,), Status.CONFIRMED, "approved"),
    Transition.DECLINE: StatusChange((Status.REQUESTED,), Status.DECLINED, "declined"),
    Transition.CANCEL: StatusChange(PLANNED_STATUSES, Status.CANCELLED, "cancelled"),
    Transition.COMPLETE: StatusChange((Status.CONFIRMED,), Status.COMPLETED, "completed"),
    Transition.NO_SHOW: StatusChange((Status.CONFIRMED,), Status.NO_SHOW, "no-show"),
    Transition.ERASE: StatusChange(ACTIVE_STATUSES, Status.CANCELLED, "cancelled"),
}


class TransitionNotAllowed(ValueError):
    """A service tried a change the table does not allow (a bug: services check first)."""
