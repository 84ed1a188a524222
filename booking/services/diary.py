"""Putting an appointment at a time in a practitioner's diary, and its history.

Shared by every service that writes an appointment. The writes here run under the
locks ``locking.py`` describes; the checks are the friendly answer, the database's
guarantee the last word.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q

from booking.models import (
    Actor,
    Appointment,
    AppointmentChange,
    Closure,
    RecheckResult,
    Transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def log_change(
    appointment: Appointment,
    action: str,
    *,
    actor: Actor,
    by: "User | None" = None,
    from_status: str = "",
    note: str = "",
    reason: str = "",
    reason_shown_to_patient: bool = False,
) -> None:
    """Add a line to the appointment's history: what happened (for a status change, its
    ``Transition.logged_as``), who did it, the status before and after, and why (staff's
    reason, and whether the patient's email gave it)."""
    AppointmentChange.objects.create(
        appointment=appointment,
        action=action,
        actor=actor,
        by=by,
        from_status=from_status,
        to_status=appointment.status,
        note=note,
        reason=reason,
        reason_shown_to_patient=reason_shown_to_patient,
    )


def release_stale_holds(
    practitioner_id: int, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> None:
    """Expired holds never block anybody: mark those in the way as expired first.

    This locks other patients' holds, so it runs only under the practitioner's lock
    (``lock_practitioners``): the holds of a diary are then locked by one writer at a time.
    """
    stale = Appointment.objects.stale_holds(now).filter(practitioner_id=practitioner_id)
    stale.overlapping_by_start(start, end).apply_transition(Transition.EXPIRE)


def slot_is_free(
    practitioner_id: int,
    start: dt.datetime,
    occupied_until: dt.datetime,
    now: dt.datetime,
    exclude_pk: int | None = None,
) -> bool:
    """No appointment that occupies its time and no closure meets this time in the diary."""
    closed = Closure.objects.overlapping(start, occupied_until).filter(
        Q(practitioner__isnull=True) | Q(practitioner_id=practitioner_id)
    )
    return not is_taken(practitioner_id, start, occupied_until, now, exclude_pk) and not (
        closed.exists()
    )


def is_taken(
    practitioner_id: int,
    start: dt.datetime,
    occupied_until: dt.datetime,
    now: dt.datetime,
    exclude_pk: int | None = None,
) -> bool:
    """Another appointment that occupies its time meets this time in the diary."""
    clashes = (
        Appointment.objects.occupying(now)
        .filter(practitioner_id=practitioner_id)
        .overlapping_by_start(start, occupied_until)
    )
    if exclude_pk:
        clashes = clashes.exclude(pk=exclude_pk)
    return clashes.exists()


def place(
    appointment: Appointment, practitioner_id: int, start: dt.datetime, now: dt.datetime
) -> bool:
    """Try to put the appointment at this start with this practitioner, under the guarantee.

    The caller holds the practitioner's lock (``lock_practitioners``).
    """
    treatment = appointment.treatment
    end = start + dt.timedelta(minutes=treatment.visit_minutes)
    occupied_until = end + dt.timedelta(minutes=treatment.buffer_minutes)
    release_stale_holds(practitioner_id, start, occupied_until, now)
    if not slot_is_free(practitioner_id, start, occupied_until, now, exclude_pk=appointment.pk):
        return False
    appointment.practitioner_id = practitioner_id
    appointment.starts_at, appointment.ends_at = start, end
    appointment.occupied_until = occupied_until
    appointment.time_offered_at = now
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        return False
    return True


def move(
    appointment: Appointment, candidates: list[int], start: dt.datetime, now: dt.datetime
) -> bool:
    """Move a planned visit to ``start``: with its own practitioner when they are among
    ``candidates`` (whose locks the caller holds), else the first other one free. The new
    time gets its own reminder and health re-check; a visit that had to move for its
    changed answers is recorded as moved (the free times offered start at its new
    earliest date). False when no candidate is free; the caller refuses and rolls back.
    Shared by the patient's move and the desk's."""
    if appointment.practitioner_id in candidates:
        candidates = [
            appointment.practitioner_id,
            *(pid for pid in candidates if pid != appointment.practitioner_id),
        ]
    appointment.reminder_queued_at = None
    appointment.recheck_queued_at = None
    if appointment.must_move:
        appointment.health_recheck = RecheckResult.MOVED
        appointment.health_reconfirmed_at = now
    return any(place(appointment, candidate, start, now) for candidate in candidates)
