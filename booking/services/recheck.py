"""The health re-check before the visit.

Forty-eight hours before a planned visit the patient is emailed a link to their private
page (``emails.queue_due_rechecks``, from ``manage.py send_reminders``) asking whether
anything in their health answers has changed. The email carries no answer. On the page:

- "Nothing has changed" records when they said so (``reconfirm_unchanged``);
- "Something has changed" asks the questions again (``recheck_answers``), and the new
  answers, assessed by the pure ``booking/screening.py``, decide: an answer that blocks
  online booking cancels the visit (its time is free again, the email says nothing of the
  answers, and the blocking answers are not kept); one that needs a clinician's review
  turns a confirmed visit back into a request; a waiting period that now ends after the
  visit's date flags the visit and asks the patient to move it; otherwise the visit is
  re-confirmed. The new answers replace the stored ones, with each question as asked.

These writes only take a visit out of the diary or keep it where it is, so they lock just
the appointment's row (``booking/services/locking.py``).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails, screening
from booking.models import (
    Actor,
    Appointment,
    EmailKind,
    RecheckResult,
    Screening,
    ScreeningQuestion,
    Transition,
)
from booking.services.answers import assess_answers, record_screening
from booking.services.diary import log_change
from booking.services.errors import NotAllowed
from booking.services.locking import lock_appointment_row
from booking.services.staff import cancel_appointment
from clinic.models import ClinicProfile

# Kept in the appointment's history; says nothing about which answer it was.
BLOCKED_NOTE = "re-check: answers block online booking"
NOTES: dict[RecheckResult, str] = {
    RecheckResult.UNCHANGED: "re-check: nothing has changed",
    RecheckResult.CHANGED: "re-check: answers changed, still fine for this visit",
    RecheckResult.REVIEW: "re-check: answers need a clinician's review",
    RecheckResult.MUST_MOVE: (
        "re-check: a waiting period now ends after this date; patient asked to move the visit"
    ),
}
CANNOT_RECHECK = _("This appointment can no longer be checked online. Please contact us.")


@dataclass
class Recheck:
    """What the new answers did to the visit, for the page that tells the patient."""

    appointment: Appointment
    result: RecheckResult
    assessment: screening.Assessment


def _lock(appointment_id: int, now: dt.datetime) -> Appointment:
    # The row lock answer changes and the gate take (booking/services/locking.py), so a
    # re-check and a clinician's approval never judge different answers.
    appointment = lock_appointment_row(appointment_id)
    if not appointment.can_be_rechecked(now):
        raise NotAllowed(CANNOT_RECHECK)
    return appointment


def _record(
    appointment: Appointment, result: RecheckResult, now: dt.datetime, *, fields: list[str]
) -> None:
    appointment.health_recheck = result
    appointment.health_rechecked_at = now
    if result in (RecheckResult.UNCHANGED, RecheckResult.CHANGED):
        appointment.health_reconfirmed_at = now
    appointment.save(
        update_fields=[*fields, "health_recheck", "health_rechecked_at", "health_reconfirmed_at"]
    )


def reconfirm_unchanged(appointment_id: int, *, now: dt.datetime | None = None) -> Appointment:
    """The patient says nothing in their health answers has changed: recorded, with a line
    in the visit's history.

    Refused while the visit waits to be moved after changed answers: saying "nothing has
    changed" does not make the waiting period end sooner.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _lock(appointment_id, now)
        if appointment.must_move:
            raise NotAllowed(
                _("Please choose a later time for your visit first, or answer the questions again.")
            )
        _record(appointment, RecheckResult.UNCHANGED, now, fields=[])
        log_change(
            appointment,
            "health re-confirmed",
            actor=Actor.PATIENT,
            from_status=appointment.status,
            note=NOTES[RecheckResult.UNCHANGED],
        )
    return appointment


def recheck_answers(
    appointment_id: int,
    questions: list[ScreeningQuestion],
    answers: Mapping[int, screening.Answer],
    *,
    now: dt.datetime | None = None,
) -> Recheck:
    """The patient answered the questions again before the visit: assess the new answers
    and act on them (see the module's docstring). The date of birth is the one on file."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _lock(appointment_id, now)
        old = appointment.screening
        if old is None:
            # Answers erased at the patient's request: nothing to compare, a person decides.
            raise NotAllowed(CANNOT_RECHECK)
        treatment = appointment.treatment
        assessment = assess_answers(
            treatment, questions, answers, old.date_of_birth, timezone.localdate(now)
        )
        if assessment.blocks_booking:
            # The blocking answers are never kept (README, "Health data"); the time is freed.
            cancel_appointment(appointment.pk, actor=Actor.PATIENT, note=BLOCKED_NOTE)
            appointment.refresh_from_db()
            _record(appointment, RecheckResult.BLOCKED, now, fields=[])
            return Recheck(appointment, RecheckResult.BLOCKED, assessment)

        record = record_screening(treatment, questions, answers, old.date_of_birth, assessment)
        appointment.screening = record
        appointment.instructions = "\n".join(assessment.instructions)
        previous = appointment.status
        back_to_review = assessment.needs_review and appointment.can(Transition.REVIEW_AGAIN)
        if back_to_review:
            appointment.apply_transition(Transition.REVIEW_AGAIN)
        visit_day = timezone.localtime(appointment.starts_at, ClinicProfile.load().tzinfo).date()
        if assessment.earliest_date is not None and visit_day < assessment.earliest_date:
            result = RecheckResult.MUST_MOVE
        elif assessment.needs_review:
            result = RecheckResult.REVIEW
        else:
            result = RecheckResult.CHANGED
        _record(appointment, result, now, fields=["screening", "instructions", "status"])
        # The new answers replace the old ones.
        Screening.objects.filter(pk=old.pk).delete()
        log_change(
            appointment,
            Transition.REVIEW_AGAIN.logged_as if back_to_review else "health answers changed",
            actor=Actor.PATIENT,
            from_status=previous,
            note=NOTES[result],
        )
        if back_to_review:
            emails.queue(appointment, EmailKind.REQUEST_RECEIVED)
    return Recheck(appointment, result, assessment)
