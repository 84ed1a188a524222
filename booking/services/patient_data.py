"""Patients' data: what is kept how long, and a patient's rights to see and erase it;
who on the staff saw what."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from booking.models import (
    AccessRecord,
    Actor,
    Appointment,
    AppointmentQuerySet,
    Consent,
    Screening,
    Status,
    Transition,
)
from booking.services.diary import log_change

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ERASED = "(erased)"


def _anonymise(appointments: AppointmentQuerySet) -> int:
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
    counts: dict[str, int] = {}
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


def patient_appointments(email: str) -> AppointmentQuerySet:
    """Every appointment booked with this email address (letter case aside)."""
    return Appointment.objects.filter(patient_email__iexact=email.strip()).exclude(patient_email="")


def export_patient_data(email: str) -> dict[str, object]:
    """Everything the clinic holds about the patient with this email, as plain data."""
    appointments = (
        patient_appointments(email)
        .select_related("treatment", "practitioner", "screening")
        .prefetch_related("consents", "screening__answers")
    )
    return {"email": email, "appointments": [_exported(a) for a in appointments]}


def _exported(appointment: Appointment) -> dict[str, object]:
    item: dict[str, object] = {
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
    return item


def erase_patient(email: str, *, by: "User | None" = None) -> int:
    """Erase a patient on request: answers deleted, details blanked, history kept."""
    with transaction.atomic():
        appointments = patient_appointments(email)
        ids = list(appointments.values_list("pk", flat=True))
        screenings = list(appointments.exclude(screening=None).values_list("screening", flat=True))
        erasable = Appointment.objects.filter(pk__in=ids, status__in=Transition.ERASE.sources)
        for appointment in erasable:
            previous = appointment.apply_transition(Transition.ERASE)
            appointment.save(update_fields=["status"])
            log_change(
                appointment,
                Transition.ERASE.logged_as,
                actor=Actor.STAFF,
                by=by,
                from_status=previous,
                note="erased on the patient's request",
            )
        Appointment.objects.filter(pk__in=ids).update(screening=None)
        Screening.objects.filter(pk__in=screenings).delete()
        Consent.objects.filter(appointment__in=ids).delete()
        _anonymise(Appointment.objects.filter(pk__in=ids))
        for appointment in Appointment.objects.filter(pk__in=ids):
            log_change(
                appointment, "erased", actor=Actor.STAFF, by=by, note="patient's data erased"
            )
    return len(ids)


def record_access(user: "User", appointments: Iterable[Appointment], action: str) -> None:
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
