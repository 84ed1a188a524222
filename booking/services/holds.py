"""A patient's booking: holding a time, keeping their details, confirming."""

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from booking import emails, screening
from booking.models import (
    Actor,
    Appointment,
    BookingPolicy,
    Consent,
    ConsentChannel,
    ConsentKind,
    EmailKind,
    Screening,
    Transition,
)
from booking.services import gate
from booking.services.diary import log_change, place, release_stale_holds
from booking.services.errors import (
    TIME_JUST_TAKEN,
    AlreadyHoldingAnotherTime,
    BusyNetwork,
    DetailsMissing,
    NotAllowed,
    SlotUnavailable,
)
from booking.services.locking import lock_appointment, lock_practitioners, retry_on_conflict
from booking.services.slots import practitioners_free_at
from clinic.models import PrivacyNotice
from treatments.models import Treatment

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def hash_session_key(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


def patient_language(language: str | None = None) -> str:
    """One of settings.LANGUAGES: ``language``, else the one active (the page's)."""
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return settings.LANGUAGE_CODE


@retry_on_conflict()
def hold_slot(
    *,
    appointment: Appointment | None,
    treatment: Treatment,
    practitioner_id: int | None,
    start: dt.datetime,
    record: Screening,
    session_key: str,
    client_ip: str | None,
    now: dt.datetime | None = None,
    language: str | None = None,
) -> Appointment:
    """Hold a free slot for a patient finishing a booking (or move their hold to it).

    ``language``: the one the patient is reading (default: the active one), kept on the
    appointment for every email to them.

    ``client_ip`` is the visitor's address as ``clinic.client_address.client_ip`` tells
    it. Refused with ``AlreadyHoldingAnotherTime`` while this session holds a time in
    another booking, and with ``BusyNetwork`` while the policy's maximum of times is
    held from this address.
    """
    now = now or timezone.now()
    policy = BookingPolicy.load()
    session_hash = hash_session_key(session_key)
    candidates = practitioners_free_at(
        treatment,
        start,
        practitioner_id=practitioner_id,
        now=now,
        earliest_date=record.earliest_date,
        # Moving one's own hold to a time that overlaps it (or choosing it again).
        ignore_appointment_id=appointment.pk if appointment and appointment.is_held(now) else None,
    )
    if not candidates:
        raise SlotUnavailable(_("That time is no longer available. Please choose another."))

    with transaction.atomic():
        # The patient's appointment is read again under its lock, never changed in the
        # caller's copy: a retry (retry_on_conflict) starts from the database's state.
        existing_id, appointment = appointment.pk if appointment else None, None
        if existing_id:
            try:
                appointment = lock_appointment(existing_id, practitioners=candidates)
            except Appointment.DoesNotExist:  # deleted meanwhile (retention)
                pass
        if appointment is None:
            lock_practitioners(candidates)
        _refuse_too_many_holds(
            policy, now, session_hash, client_ip, own=appointment.pk if appointment else None
        )
        if appointment is None or not appointment.can(Transition.HOLD):
            # The answers the page was shown with, unless the patient replaced them
            # meanwhile (``answers.keep_answers`` deletes them under this row lock).
            answers = Screening.objects.select_for_update(no_key=True).filter(pk=record.pk)
            if not list(answers.values_list("pk", flat=True)):
                raise SlotUnavailable(_("Your answers changed meanwhile. Please choose again."))
            appointment = Appointment(treatment=treatment, screening=record)
        appointment.session_key_hash = session_hash
        appointment.client_ip = client_ip
        appointment.language = patient_language(language)
        place_hold(
            appointment,
            candidates,
            start,
            now=now,
            expires_at=now + dt.timedelta(minutes=policy.hold_minutes),
            actor=Actor.PATIENT,
        )
    return appointment


def place_hold(
    appointment: Appointment,
    candidates: list[int],
    start: dt.datetime,
    *,
    now: dt.datetime,
    expires_at: dt.datetime,
    actor: Actor,
    by: "User | None" = None,
    note: str = "",
    taken: str | Promise = TIME_JUST_TAKEN,
) -> Appointment:
    """Hold ``start`` with the first of ``candidates`` (practitioner ids, whose locks the
    caller holds) still free, until ``expires_at``; ``SlotUnavailable(taken)`` if none
    is. Shared by the patient's hold and the desk's."""
    appointment.apply_transition(Transition.HOLD)
    appointment.hold_expires_at = expires_at
    for practitioner_id in candidates:
        if place(appointment, practitioner_id, start, now):
            break
    else:
        raise SlotUnavailable(taken)
    log_change(appointment, Transition.HOLD.logged_as, actor=actor, by=by, note=note)
    return appointment


def _refuse_too_many_holds(
    policy: BookingPolicy,
    now: dt.datetime,
    session_hash: str,
    client_ip: str | None,
    *,
    own: int | None,
) -> None:
    """Refuse another hold while this visitor, or their address, holds the policy's
    maximum of times elsewhere (``own``, the hold being moved, does not count)."""
    live_holds = Appointment.objects.live_holds(now)
    if own is not None:
        live_holds = live_holds.exclude(pk=own)
    # Both counts in one query: this visitor's holds, and their address's.
    by_person = Q(session_key_hash=session_hash)
    counts = {"by_person": Count("pk", filter=by_person)}
    scope = by_person
    if client_ip:
        by_address = Q(client_ip=client_ip)
        counts["by_address"] = Count("pk", filter=by_address)
        scope |= by_address
    held = live_holds.filter(scope).aggregate(**counts)
    if held["by_person"] >= policy.max_holds_per_person:
        raise AlreadyHoldingAnotherTime
    if held.get("by_address", 0) >= policy.max_holds_per_ip:
        raise BusyNetwork


def save_patient_details(
    appointment: Appointment,
    *,
    name: str,
    email: str,
    phone: str,
    consents: list[tuple[str, str, str]],
    privacy_notice: PrivacyNotice | None = None,
    now: dt.datetime | None = None,
    language: str | None = None,
) -> Appointment:
    """Keep the patient's details and the exact consent wording they agreed to, with the
    version of the privacy notice they were shown (on the privacy consent), and the
    language they read it in (``language``, default: the active one)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment.patient_name = name
        appointment.patient_email = email
        appointment.patient_phone = phone
        appointment.language = patient_language(language)
        appointment.save(
            update_fields=["patient_name", "patient_email", "patient_phone", "language"]
        )
        keep_consents(appointment, consents, privacy_notice=privacy_notice, now=now)
    return appointment


def keep_consents(
    appointment: Appointment,
    consents: list[tuple[str, str, str]],
    *,
    privacy_notice: PrivacyNotice | None,
    now: dt.datetime,
    channel: str = ConsentChannel.ONLINE,
    taken_by: "User | None" = None,
) -> None:
    """The consents given, each (kind, the exact words agreed to, their version), replacing
    any earlier ones: the privacy consent with the notice shown, how they were given and,
    by phone, who read them out."""
    appointment.consents.all().delete()
    Consent.objects.bulk_create(
        Consent(
            appointment=appointment,
            kind=kind,
            wording=wording,
            version=version,
            privacy_notice=privacy_notice if kind == ConsentKind.PRIVACY else None,
            given_at=now,
            channel=channel,
            taken_by=taken_by,
        )
        for kind, wording, version in consents
    )


@retry_on_conflict()
def confirm_booking(appointment_id: int, *, now: dt.datetime | None = None) -> Appointment:
    """Turn a patient's hold into a confirmed appointment or a request for review.

    Passes the gate (``gate.judge``) under the appointment's lock: the outcome is derived
    again from the answers attached at that moment, and the time must still be one the
    clinic offers to this patient, and free. A live hold keeps the time as it was offered
    when the patient chose it; a hold that ran out is judged as a new choice, now. Then
    the time is taken under the database's guarantee and the email is queued (the worker
    sends it once this commits).

    A refusal about the time lets the hold go (the time is back in the calendar) and
    keeps the patient's details; one about the answers changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = lock_appointment(appointment_id)
        if not appointment.can(Transition.CONFIRM):
            raise NotAllowed(_("This booking is already finished."))
        offered_at = appointment.time_offered_at if appointment.is_held(now) else now
        verdict = gate.judge(appointment, now=now, offered_at=offered_at)
        refusal = verdict.refusal
        if refusal is not None and refusal.about_answers:
            raise gate.patient_error(refusal)
        if not (appointment.patient_name and appointment.patient_email):
            raise DetailsMissing(_("Please give your details again."))
        if not appointment.consents.exists():
            raise DetailsMissing(_("Please give your consent again."))
        if refusal is not None:
            if appointment.can(Transition.EXPIRE):
                appointment.apply_transition(Transition.EXPIRE)
                appointment.hold_expires_at = None
                appointment.save(update_fields=["status", "hold_expires_at"])
        else:
            assert verdict.assessment is not None
            take_time(appointment, verdict.assessment, now=now, offered_at=offered_at)
    if refusal is not None:
        raise gate.patient_error(refusal)
    return appointment


def take_time(
    appointment: Appointment,
    assessment: screening.Assessment,
    *,
    now: dt.datetime,
    offered_at: dt.datetime | None,
    actor: Actor = Actor.PATIENT,
    by: "User | None" = None,
) -> None:
    """Take the time the gate let through: confirmed, or a request for a clinician
    (``actor``, ``by``: who booked it, for the history; the front desk books by phone)."""
    release_stale_holds(
        appointment.practitioner_id, appointment.starts_at, appointment.occupied_until, now
    )
    review = assessment.needs_review
    change = Transition.REQUEST if review else Transition.CONFIRM
    previous = appointment.apply_transition(change)
    appointment.hold_expires_at = None
    appointment.confirmed_at = None if review else now
    appointment.instructions = "\n".join(assessment.instructions)
    # A request is approved later within the window measured from this moment.
    appointment.time_offered_at = offered_at
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise SlotUnavailable(_("Sorry, someone else has just booked that time.")) from None
    log_change(appointment, change.logged_as, actor=actor, by=by, from_status=previous)
    emails.queue(appointment, EmailKind.REQUEST_RECEIVED if review else EmailKind.CONFIRMED)
