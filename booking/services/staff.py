"""What staff do to an appointment from the back office: approve or decline a request,
cancel, move to another time, mark completed or no-show.

The desk is not bound by the patient's cut-off (``Appointment.can_be_changed_by_patient``):
staff cancel and move a planned visit at any time, always with a reason, kept in the
history with who gave it. Whether a change is possible now is one rule
(``Appointment.can_now``), asked by these services and by the buttons that offer them.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import emails
from booking.models import Actor, Appointment, EmailKind, Transition
from booking.services import gate
from booking.services.diary import log_change, move
from booking.services.errors import BookingError, NotAllowed, ReasonMissing, VisitNotStarted
from booking.services.locking import lock_appointment, lock_appointment_row, retry_on_conflict
from booking.services.slots import practitioners_free_at
from clinic.clinic_time import time_label
from clinic.models import ClinicProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def not_allowed_message(appointment: Appointment) -> str:
    """Its status does not allow the change, in words for staff."""
    return gettext("Appointment %(reference)s is %(status)s.") % {
        "reference": appointment.reference,
        "status": str(appointment.get_status_display()).lower(),
    }


def refusal_for(appointment: Appointment, transition: Transition, now: dt.datetime) -> str:
    """Why this change is not possible now, in words for staff ("" when it is)."""
    if appointment.can_now(transition, now):
        return ""
    if appointment.can(transition):  # the table allows it: the visit has not started
        return gettext(
            "Appointment %(reference)s has not started yet (it starts %(when)s): it can be "
            "marked completed or no-show once the visit has started."
        ) % {
            "reference": appointment.reference,
            "when": time_label(appointment.starts_at, ClinicProfile.load().tzinfo),
        }
    return not_allowed_message(appointment)


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReasonMissing
    return reason


def _change_status(
    appointment_id: int,
    transition: Transition,
    *,
    by: "User | None",
    actor: Actor,
    note: str = "",
    reason: str = "",
    show_reason: bool = False,
    email: EmailKind | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """A change that only takes the appointment out of the diary (or keeps it out)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Only ever out of the diary: the appointment's own row is the one lock needed.
        appointment = lock_appointment_row(appointment_id)
        if not appointment.can(transition):
            raise NotAllowed(not_allowed_message(appointment))
        if not appointment.can_now(transition, now):
            raise VisitNotStarted(refusal_for(appointment, transition, now))
        previous = appointment.apply_transition(transition)
        appointment.save(update_fields=["status"])
        log_change(
            appointment,
            transition.logged_as,
            actor=actor,
            by=by,
            from_status=previous,
            note=note,
            reason=reason,
            reason_shown_to_patient=show_reason and bool(reason),
        )
        if email:
            emails.queue(appointment, email)
    return appointment


@retry_on_conflict(_("The diary was busy at that moment. Please approve the request again."))
def approve_request(
    appointment_id: int, *, by: "User | None", now: dt.datetime | None = None
) -> Appointment:
    """A clinician approves a request: through the same gate as a patient's confirmation
    (``gate.judge``: the answers attached now, and a time the clinic still offers to this
    patient, free), then confirmed under the overlap guarantee.

    The minimum notice and the horizon are those of the moment the patient's time was
    offered to them (the request kept it since), so a late review does not void it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = lock_appointment(appointment_id)
        if not appointment.can(Transition.APPROVE):
            raise NotAllowed(not_allowed_message(appointment))
        verdict = gate.judge(appointment, now=now, offered_at=appointment.time_offered_at)
        if verdict.refusal is not None:
            raise gate.staff_error(verdict.refusal, appointment.reference)
        previous = appointment.apply_transition(Transition.APPROVE)
        appointment.confirmed_at = now
        try:
            with transaction.atomic():
                appointment.save(update_fields=["status", "confirmed_at"])
        except IntegrityError:
            raise gate.staff_error(gate.Refusal.TAKEN, appointment.reference) from None
        log_change(
            appointment,
            Transition.APPROVE.logged_as,
            actor=Actor.STAFF,
            by=by,
            from_status=previous,
        )
        emails.queue(appointment, EmailKind.APPROVED)
    return appointment


def decline_request(
    appointment_id: int, *, by: "User | None", reason: str, show_reason: bool = False
) -> Appointment:
    """A clinician declines a request, with a reason; the patient is told (and given the
    reason when ``show_reason``)."""
    return _change_status(
        appointment_id,
        Transition.DECLINE,
        by=by,
        actor=Actor.STAFF,
        reason=_required(reason),
        show_reason=show_reason,
        email=EmailKind.DECLINED,
    )


def cancel_appointment(
    appointment_id: int,
    *,
    by: "User | None" = None,
    actor: Actor = Actor.STAFF,
    note: str = "",
    reason: str = "",
    show_reason: bool = False,
) -> Appointment:
    """Cancel a planned visit: staff, with a reason (shown to the patient when
    ``show_reason``), or the patient through ``cancel_by_patient`` or the re-check before
    the visit (``note`` says why in its history)."""
    if actor == Actor.STAFF:
        reason = _required(reason)
    return _change_status(
        appointment_id,
        Transition.CANCEL,
        by=by,
        actor=actor,
        note=note,
        reason=reason,
        show_reason=show_reason,
        email=EmailKind.CANCELLED,
    )


def mark_completed(
    appointment_id: int, *, by: "User | None", now: dt.datetime | None = None
) -> Appointment:
    """The patient came and was treated (once the visit has started)."""
    return _change_status(appointment_id, Transition.COMPLETE, by=by, actor=Actor.STAFF, now=now)


def mark_no_show(
    appointment_id: int, *, by: "User | None", now: dt.datetime | None = None
) -> Appointment:
    """The patient did not come (once the visit has started)."""
    return _change_status(appointment_id, Transition.NO_SHOW, by=by, actor=Actor.STAFF, now=now)


@retry_on_conflict()
def reschedule_by_staff(
    appointment_id: int,
    new_start: dt.datetime,
    practitioner_id: int | None,
    *,
    by: "User | None",
    reason: str,
    now: dt.datetime | None = None,
) -> Appointment:
    """The desk moves a planned visit to another free time, at any time (the patient's
    cut-off does not bind staff), with this practitioner or, with ``None``, the current
    one when free and any other who gives the treatment otherwise.

    The time must be one the booking engine offers for this patient now (the same free
    times, ``slots.practitioners_free_at``: hours, closures, notice, horizon, the waiting
    period of their answers); it is checked again under the diaries' locks, and the
    exclusion constraint has the last word (``diary.place``). The patient is emailed the
    new time with its calendar file; the history keeps who moved it, from when, and why.
    """
    reason = _required(reason)
    now = now or timezone.now()
    appointment = Appointment.objects.select_related("treatment", "screening").get(
        pk=appointment_id
    )
    if not appointment.can_be_moved_by_staff:
        raise NotAllowed(not_allowed_message(appointment))
    earliest_date = appointment.earliest_treatment_date

    def free_practitioners() -> list[int]:
        return practitioners_free_at(
            appointment.treatment,
            new_start,
            practitioner_id=practitioner_id,
            now=now,
            earliest_date=earliest_date,
            ignore_appointment_id=appointment.pk,
        )

    def refused() -> BookingError:
        """Why the time cannot be had, in words for the desk."""
        refusal = gate.why_not_offered(
            appointment,
            practitioner_id or appointment.practitioner_id,
            new_start,
            earliest_date=earliest_date,
            now=now,
            offered_at=None,
        )
        return gate.staff_error(refusal, appointment.reference)

    # Read before the locks, to know whose diaries to lock; checked again under them.
    candidates = free_practitioners()
    if not candidates:
        raise refused()
    with transaction.atomic():
        appointment = lock_appointment(appointment_id, practitioners=candidates)
        if not appointment.can_be_moved_by_staff:
            raise NotAllowed(not_allowed_message(appointment))
        locked = set(candidates)
        candidates = [pid for pid in free_practitioners() if pid in locked]
        old_start, old_practitioner = appointment.starts_at, appointment.practitioner
        if not move(appointment, candidates, new_start, now):
            raise refused()
        tz = ClinicProfile.load().tzinfo
        note = f"from {old_start.astimezone(tz):%Y-%m-%d %H:%M} ({old_practitioner})"
        log_change(
            appointment,
            "rescheduled",
            actor=Actor.STAFF,
            by=by,
            from_status=appointment.status,
            note=note[:300],
            reason=reason,
        )
        emails.queue(appointment, EmailKind.RESCHEDULED)
    return appointment
