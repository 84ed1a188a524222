"""What a patient changes through the private link in their emails: cancel, or move."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails
from booking.models import Actor, Appointment, EmailKind
from booking.services.diary import log_change, move
from booking.services.errors import TIME_JUST_TAKEN, NotAllowed, SlotUnavailable
from booking.services.locking import lock_appointment, retry_on_conflict
from booking.services.slots import practitioners_free_at
from booking.services.staff import cancel_appointment


def cancel_by_patient(appointment_id: int, *, now: dt.datetime | None = None) -> Appointment:
    """The patient cancels through their private link, until the cut-off."""
    now = now or timezone.now()
    appointment = Appointment.objects.get(pk=appointment_id)
    if not appointment.can_be_changed_by_patient(now):
        raise NotAllowed(_("This appointment can no longer be cancelled online. Please call us."))
    return cancel_appointment(appointment_id, actor=Actor.PATIENT)


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
        raise NotAllowed(_("This appointment can no longer be changed online. Please call us."))
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
        raise SlotUnavailable(_("That time is no longer available. Please choose another."))
    with transaction.atomic():
        appointment = lock_appointment(appointment_id, practitioners=candidates)
        if not appointment.can_be_changed_by_patient(now):
            raise NotAllowed(_("This appointment can no longer be changed online. Please call us."))
        old_start = appointment.starts_at
        if not move(appointment, candidates, start, now):
            raise SlotUnavailable(TIME_JUST_TAKEN)
        log_change(
            appointment,
            "rescheduled",
            actor=Actor.PATIENT,
            from_status=appointment.status,
            note=f"from {old_start.isoformat()}",
        )
        emails.queue(appointment, EmailKind.RESCHEDULED)
    return appointment
