"""Patients' data: what is kept how long, and a patient's rights to see and erase it
(asked from the manage link as a `DataRequest`, handled by the manager); who on the staff
saw what.

Health data is found, never listed: every encrypted field (clinic/encryption.py) of an
appointment, its screening and the answers is exported under its field name, and
erasure deletes the screening with its answers and empties every encrypted field of the
appointment. A new encrypted field on those models is covered without editing this
module (tests/booking/test_health_data_coverage.py checks each one).
"""

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation

from booking import notifications
from booking.models import (
    DESK_NOTE_CHANGED,
    AccessRecord,
    Actor,
    Appointment,
    AppointmentChange,
    AppointmentQuerySet,
    Consent,
    DataRequest,
    DataRequestKind,
    DataRequestQuerySet,
    DataRequestStatus,
    Screening,
    Status,
    Transition,
)
from booking.services.diary import log_change
from clinic.encryption import encrypted_field_names

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ERASED = "(erased)"


def _anonymise(appointments: AppointmentQuerySet) -> int:
    """Blank the patient's details and health data, keeping the row so the schedule's
    history stays true (and their data requests, without the email address)."""
    DataRequest.objects.filter(appointment__in=appointments).update(patient_email="")
    # Reception's note may name people: blanked, with the copies its history kept.
    AppointmentChange.objects.filter(appointment__in=appointments, action=DESK_NOTE_CHANGED).update(
        note=""
    )
    return appointments.update(
        patient_name=ERASED,
        patient_email="",
        patient_phone="",
        desk_note="",
        client_ip=None,
        session_key_hash="",
        **_emptied_health_data(Appointment),
    )


def _emptied_health_data(model: type[models.Model]) -> dict[str, object]:
    """Every encrypted field of the model, emptied (NULL where the field allows it)."""
    names = encrypted_field_names(model)
    return {f.name: None if f.null else "" for f in model._meta.concrete_fields if f.name in names}


def _health_data(row: models.Model) -> dict[str, object]:
    """Every encrypted field of the row by its name, as plain JSON values."""
    values: dict[str, object] = {}
    for name in sorted(encrypted_field_names(type(row))):
        value = getattr(row, name)
        values[name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


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
        .prefetch_related("consents__privacy_notice", "screening__answers")
    )
    exported = []
    for appointment in appointments:
        with translation.override(appointment.language):  # the patient's, not the staff's
            exported.append(_exported(appointment))
    return {"email": email, "appointments": exported}


def _exported(appointment: Appointment) -> dict[str, object]:
    """One appointment as the patient receives it: codes, for a machine (``status``,
    ``answer``), each with its reading in the active language beside it."""
    item: dict[str, object] = {
        "reference": appointment.reference,
        "treatment": appointment.treatment.name,
        "practitioner": appointment.practitioner.name,
        "starts_at": appointment.starts_at.isoformat(),
        "ends_at": appointment.ends_at.isoformat(),
        "status": appointment.status,
        "status_as_read": str(appointment.get_status_display()),
        "name": appointment.patient_name,
        "email": appointment.patient_email,
        "phone": appointment.patient_phone,
        "note_for_reception": appointment.desk_note,
        "created_at": appointment.created_at.isoformat(),
        "consents": [
            {
                "kind": consent.kind,
                "wording": consent.wording,
                "version": consent.version,
                "privacy_notice_version": (
                    consent.privacy_notice.version if consent.privacy_notice else None
                ),
                "given_at": consent.given_at.isoformat(),
            }
            for consent in appointment.consents.all()
        ],
        **_health_data(appointment),  # the instructions given to the patient
    }
    if appointment.screening:
        item.update(_health_data(appointment.screening))  # the date of birth
        item["screening"] = [
            {
                "question": answer.question_text,
                **_health_data(answer),
                "answer_as_read": answer.answer_as_read,
            }
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
    """Note that a staff member saw or exported these appointments (append-only): one
    row each, all at the same moment, written in one statement."""
    at, username = timezone.now(), user.get_username()
    AccessRecord.objects.bulk_create(
        AccessRecord(
            at=at,
            user_id=user.pk,
            username=username,
            appointment_id=appointment.pk,
            reference=appointment.reference,
            action=action,
        )
        for appointment in appointments
    )


def request_patient_data(
    appointment: Appointment, kind: DataRequestKind, *, now: dt.datetime | None = None
) -> tuple[DataRequest, bool]:
    """Record a patient's request from their manage link and tell the manager.

    Asking again while the same request is open returns it (created False) and sends
    nothing: a double submit, or two at once (the partial unique constraint decides).
    The manager's email says only the kind and the reference, never health data.
    """
    now = now or timezone.now()
    open_requests = DataRequest.objects.open().filter(appointment=appointment, kind=kind)
    existing = open_requests.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            request = DataRequest.objects.create(
                appointment=appointment,
                reference=appointment.reference,
                patient_email=appointment.patient_email,
                kind=kind,
                created_at=now,
            )
            log_change(
                appointment,
                "data request",
                actor=Actor.PATIENT,
                note=f"asked for: {request.get_kind_display()}",
            )
            transaction.on_commit(partial(notifications.hand_over_data_request, request.pk))
    except IntegrityError:
        return open_requests.get(), False
    return request, True


def close_data_requests(
    requests: DataRequestQuerySet,
    *,
    by: "User | None",
    note: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Mark these requests done (those still open), by whom and when; `note`, when
    given, replaces the request's note."""
    done: dict[str, object] = {"note": note} if note else {}
    return requests.open().update(
        status=DataRequestStatus.DONE, handled_by=by, handled_at=now or timezone.now(), **done
    )


def erase_health_answers(email: str, *, by: "User | None" = None) -> int:
    """Delete the patient's health answers on request, keeping the appointments.

    The screening (answers, date of birth) goes, as the retention purge deletes it, and
    every encrypted field of the appointments (the instructions derived from the
    answers) is emptied. Returns the number of appointments whose answers went.
    """
    with transaction.atomic():
        appointments = patient_appointments(email)
        ids = list(appointments.values_list("pk", flat=True))
        screenings = list(appointments.exclude(screening=None).values_list("screening", flat=True))
        Appointment.objects.filter(pk__in=ids).update(
            screening=None, **_emptied_health_data(Appointment)
        )
        Screening.objects.filter(pk__in=screenings).delete()
        for appointment in Appointment.objects.filter(pk__in=ids):
            log_change(
                appointment,
                "health answers deleted",
                actor=Actor.STAFF,
                by=by,
                note="on the patient's request",
            )
    return len(screenings)
