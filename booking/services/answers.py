"""Screening answers: assessing them, keeping them with each rule as asked, and
assessing them again from what was kept.

The rules themselves are the pure ``booking/screening.py``.
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from booking import screening
from booking.models import (
    UNFINISHED_STATUSES,
    Appointment,
    BookingPolicy,
    QuestionKind,
    Screening,
    ScreeningAnswer,
    ScreeningQuestion,
    Transition,
    YesNo,
)
from booking.services.errors import AnswersArrivedTooLate, ScreeningBlocksBooking
from booking.services.locking import lock_appointment_row
from clinic.languages import marked_translation
from treatments.models import Treatment


def rules_for(questions: Iterable[ScreeningQuestion]) -> list[screening.Rule]:
    """The questions as the pure rules see them.

    The wording a patient may read back as a reason (the blocked page) is safe HTML in
    the active language, a fallback to another language marked with its ``lang``
    (clinic/languages.py)."""
    return [
        screening.Rule(
            id=q.pk,
            text=marked_translation(q, "text"),
            kind=q.kind,
            trigger_answer=q.trigger_answer,
            outcome=q.outcome,
            waiting_days=q.waiting_days,
            instruction=q.instruction,
            patient_message=marked_translation(q, "patient_message"),
            parent_id=q.parent_id,
            parent_answer=q.parent_answer,
        )
        for q in questions
    ]


def assess_answers(
    treatment: Treatment,
    questions: Iterable[ScreeningQuestion],
    answers: Mapping[int, screening.Answer],
    date_of_birth: dt.date | None,
    today: dt.date,
) -> screening.Assessment:
    """What the answers mean for the booking, under today's booking policy."""
    return screening.assess(
        rules_for(questions),
        answers,
        date_of_birth=date_of_birth,
        today=today,
        minimum_age=BookingPolicy.load().minimum_age,
    )


def record_screening(
    treatment: Treatment,
    questions: list[ScreeningQuestion],
    answers: Mapping[int, screening.Answer],
    date_of_birth: dt.date,
    assessment: screening.Assessment,
) -> Screening:
    """Store the answers of a patient who may go on booking, with each question's rule as asked.

    Never called for a blocked assessment: those answers are not kept at all.
    """
    if assessment.blocks_booking:
        raise ScreeningBlocksBooking(_("A blocked screening is never stored."))
    # Which questions were asked depends only on the follow-ups' parents and answers: no
    # wording (``rules_for`` translates every question's, which costs more than the rest).
    asked = {
        rule.id
        for rule in screening.asked_rules(
            (
                screening.Rule(
                    id=q.pk, text="", parent_id=q.parent_id, parent_answer=q.parent_answer
                )
                for q in questions
            ),
            answers,
        )
    }
    kept = [
        ScreeningAnswer(
            question=question,
            question_text=question.text,
            question_outcome=question.outcome,
            question_rule=snapshot_rule(question),
            answer=_answer_to_text(answers.get(question.pk)),
            applies=assessment.applies.get(question.pk, False),
            position=index,
        )
        for index, question in enumerate(questions)
        if question.pk in asked
    ]
    record = Screening(
        treatment=treatment,
        date_of_birth=date_of_birth,
        outcome=assessment.outcome,
        earliest_date=assessment.earliest_date,
    )
    record.note_answers_that_apply(kept)
    with transaction.atomic():
        record.save()
        for answer in kept:
            answer.screening = record
        ScreeningAnswer.objects.bulk_create(kept)
    return record


def keep_answers(
    treatment: Treatment,
    questions: list[ScreeningQuestion],
    answers: Mapping[int, screening.Answer],
    date_of_birth: dt.date,
    assessment: screening.Assessment,
    *,
    appointment_id: int | None,
    previous_screening_id: int | None,
) -> Screening | None:
    """A patient answered the questions (again): their booking goes on from these answers.

    Serialized with confirming on the appointment's row lock (``lock_appointment_row``;
    see ``locking``): under it, the booking in progress gets the new answers, its held
    time is let go (the earliest date may have moved; the row, with any details they
    typed, stays for their next choice), and the previous answers are deleted. Answers
    that block booking are not stored at all (README, "Health data"), and the appointment
    is left with none, so it cannot be confirmed on answers the patient has since
    contradicted. Returns the stored screening, or None for blocking answers.

    Raises ``AnswersArrivedTooLate`` when the booking was confirmed or requested first:
    nothing is stored, and the visit stays as it was judged.
    """
    with transaction.atomic():
        appointment = None
        if appointment_id:
            try:
                appointment = lock_appointment_row(appointment_id)
            except Appointment.DoesNotExist:  # deleted meanwhile (retention)
                pass
        if appointment is not None and appointment.status not in UNFINISHED_STATUSES:
            raise AnswersArrivedTooLate(
                _(
                    "Your booking was confirmed before these answers reached us, so they were "
                    "not saved. If anything about your health has changed, please contact us "
                    "before your visit."
                )
            )
        record = None
        if not assessment.blocks_booking:
            record = record_screening(treatment, questions, answers, date_of_birth, assessment)
        if appointment is not None:
            # A held time is free again (the update makes the calendar stale).
            Appointment.objects.filter(pk=appointment.pk).apply_transition(
                Transition.EXPIRE, screening=record, hold_expires_at=None
            )
        # The answers they replace: the ones this page knew of, and the ones attached now.
        replaced = {previous_screening_id, appointment.screening_id if appointment else None}
        replaced -= {None, record.pk if record else None}
        if replaced:
            Screening.objects.filter(pk__in=replaced, appointment__isnull=True).delete()
    return record


def snapshot_rule(question: ScreeningQuestion) -> dict[str, object]:
    return {
        "kind": question.kind,
        "trigger_answer": question.trigger_answer,
        "waiting_days": question.waiting_days,
        "instruction": question.instruction,
        "patient_message": question.patient_message,
    }


def _answer_to_text(answer: screening.Answer) -> str:
    if isinstance(answer, dt.date):
        return answer.isoformat()
    return answer or ""


def reassess(record: Screening, today: dt.date) -> screening.Assessment:
    """The outcome computed again from the stored answers and the rules as they were asked."""
    rules: list[screening.Rule] = []
    answers: dict[int, screening.Answer] = {}
    for stored in record.answers.all():
        rule = stored.question_rule or {}
        rules.append(
            screening.Rule(
                id=stored.pk,
                text=stored.question_text,
                kind=rule.get("kind", QuestionKind.YES_NO),
                trigger_answer=rule.get("trigger_answer", YesNo.YES),
                outcome=stored.question_outcome,
                waiting_days=rule.get("waiting_days"),
                instruction=rule.get("instruction", ""),
                patient_message=rule.get("patient_message", ""),
            )
        )
        value: screening.Answer = stored.answer or None
        if rule.get("kind") == QuestionKind.DATE and stored.answer:
            try:
                value = dt.date.fromisoformat(stored.answer)
            except ValueError:
                value = "invalid"
        answers[stored.pk] = value
    # The earliest date and outcome are judged on the day of the answers, so a waiting
    # period that has passed since does not silently drop a review.
    return screening.assess(
        rules,
        answers,
        date_of_birth=record.date_of_birth,
        today=min(today, record.created_at.date()),
        minimum_age=BookingPolicy.load().minimum_age,
    )
