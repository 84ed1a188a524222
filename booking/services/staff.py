"""What staff do to an appointment from the back office: approve or decline a request,
cancel, mark completed or no-show."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails
from booking.models import Appointment, EmailKind, Status
from booking.services.diary import log_change, slot_is_free
from booking.services.errors import NotAllowed, SlotUnavailable
from booking.services.locking import lock_appointment, retry_on_conflict


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
        log_change(appointment, action, actor=actor, by=by, from_status=previous, note=note)
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
        if not slot_is_free(
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
        log_change(appointment, "approved", actor="staff", by=by, from_status=Status.REQUESTED)
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
