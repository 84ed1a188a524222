"""What staff do to an appointment from the back office: approve or decline a request,
cancel, mark completed or no-show."""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails
from booking.models import Actor, Appointment, EmailKind, Transition
from booking.services import gate
from booking.services.diary import log_change
from booking.services.errors import NotAllowed
from booking.services.locking import lock_appointment, lock_appointment_row, retry_on_conflict

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _not_allowed_message(appointment: Appointment) -> str:
    status = appointment.get_status_display().lower()
    return f"Appointment {appointment.reference} is {status}."


def _change_status(
    appointment_id: int,
    transition: Transition,
    *,
    by: "User | None",
    actor: Actor,
    note: str = "",
    email: EmailKind | None = None,
) -> Appointment:
    """A change that only takes the appointment out of the diary (or keeps it out)."""
    with transaction.atomic():
        # Only ever out of the diary: the appointment's own row is the one lock needed.
        appointment = lock_appointment_row(appointment_id)
        if not appointment.can(transition):
            raise NotAllowed(_not_allowed_message(appointment))
        previous = appointment.apply_transition(transition)
        appointment.save(update_fields=["status"])
        log_change(
            appointment, transition.logged_as, actor=actor, by=by, from_status=previous, note=note
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
            raise NotAllowed(_not_allowed_message(appointment))
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


def decline_request(appointment_id: int, *, by: "User | None", note: str = "") -> Appointment:
    """A clinician declines a request; the patient is told."""
    return _change_status(
        appointment_id,
        Transition.DECLINE,
        by=by,
        actor=Actor.STAFF,
        note=note,
        email=EmailKind.DECLINED,
    )


def cancel_appointment(
    appointment_id: int, *, by: "User | None" = None, actor: Actor = Actor.STAFF, note: str = ""
) -> Appointment:
    """Cancel a planned visit (staff, or the patient through ``cancel_by_patient`` or the
    re-check before the visit); ``note`` is the reason kept in its history."""
    return _change_status(
        appointment_id,
        Transition.CANCEL,
        by=by,
        actor=actor,
        note=note,
        email=EmailKind.CANCELLED,
    )


def mark_completed(appointment_id: int, *, by: "User | None") -> Appointment:
    """The patient came and was treated."""
    return _change_status(appointment_id, Transition.COMPLETE, by=by, actor=Actor.STAFF)


def mark_no_show(appointment_id: int, *, by: "User | None") -> Appointment:
    """The patient did not come."""
    return _change_status(appointment_id, Transition.NO_SHOW, by=by, actor=Actor.STAFF)
