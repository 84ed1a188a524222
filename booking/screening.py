"""The contraindication rules: answers in, an assessment out. No database here.

A question's rule is plain data (`Rule`), built from a `ScreeningQuestion` when the
patient answers, and from the stored snapshot when the booking is confirmed, so
the server always re-assesses exactly what the patient was asked. Outcomes, kinds and
answers are the models' own TextChoices, from ``booking/choices.py``, which imports no
model.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from booking.choices import Outcome, QuestionKind, YesNo

# The outcome of several answers that apply is the most severe one.
SEVERITY: dict[str, int] = {
    Outcome.NONE: 0,
    Outcome.INSTRUCTION: 1,
    Outcome.NEEDS_REVIEW: 2,
    Outcome.BLOCKS_BOOKING: 3,
}

Answer = str | dt.date | None


@dataclass(frozen=True)
class Rule:
    """One question as the rules see it."""

    id: int
    text: str
    kind: str = QuestionKind.YES_NO
    trigger_answer: str = YesNo.YES
    outcome: str = Outcome.NONE
    waiting_days: int | None = None
    instruction: str = ""
    patient_message: str = ""
    parent_id: int | None = None
    parent_answer: str = ""


@dataclass
class Assessment:
    """What the answers mean for the booking."""

    outcome: str = Outcome.NONE
    reasons: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    earliest_date: dt.date | None = None
    applies: dict[int, bool] = field(default_factory=dict)
    unanswered: list[int] = field(default_factory=list)
    too_young: bool = False

    @property
    def blocks_booking(self) -> bool:
        return self.outcome == Outcome.BLOCKS_BOOKING

    @property
    def needs_review(self) -> bool:
        return self.outcome == Outcome.NEEDS_REVIEW

    @property
    def can_book(self) -> bool:
        return not self.blocks_booking


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day`."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def asked_rules(rules: Iterable[Rule], answers: Mapping[int, Answer]) -> list[Rule]:
    """The questions actually asked: follow-ups only when their parent got the right answer."""
    rules = list(rules)
    by_id = {rule.id: rule for rule in rules}
    asked: dict[int, bool] = {}

    def is_asked(rule: Rule) -> bool:
        if rule.id in asked:
            return asked[rule.id]
        asked[rule.id] = False  # guards against a parent loop
        parent = by_id.get(rule.parent_id) if rule.parent_id is not None else None
        if rule.parent_id is None:
            result = True
        elif parent is None:
            result = False
        else:
            result = is_asked(parent) and answers.get(parent.id) == rule.parent_answer
        asked[rule.id] = result
        return result

    return [rule for rule in rules if is_asked(rule)]


def parents_without_a_date(asked: Iterable[Rule], answers: Mapping[int, Answer]) -> set[int]:
    """The questions whose answer asked for dates (their date follow-ups) and got none.

    One date follow-up must be filled in; of several after the same answer, at least one:
    the patient said "yes" to having had something, so a clinician needs to know when.
    """
    asked_dates: dict[int, bool] = {}
    for rule in asked:
        if rule.kind == QuestionKind.DATE and rule.parent_id is not None:
            given = answers.get(rule.id) is not None
            asked_dates[rule.parent_id] = asked_dates.get(rule.parent_id, False) or given
    return {parent_id for parent_id, given in asked_dates.items() if not given}


def _is_plain_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


# No answer about the patient's own past is older than this, whatever their date of birth.
EARLIEST_PLAUSIBLE_DATE = dt.date(1900, 1, 1)


def date_answer_problem(
    answer: dt.date, *, date_of_birth: dt.date | None, today: dt.date
) -> str | None:
    """Why a date answer (a last dose, a last treatment) cannot be true, or None.

    It must lie between the patient's birth (1 January 1900 when that is not known or
    earlier) and today. The form says this to the patient; ``assess`` treats such an
    answer as unanswered, so a forged one never shortens a waiting period.
    """
    if answer > today:
        return _("This date cannot be in the future.")
    if date_of_birth is not None and EARLIEST_PLAUSIBLE_DATE <= date_of_birth <= today:
        if answer < date_of_birth:
            return _("This date is before your date of birth. Please check the year.")
    elif answer < EARLIEST_PLAUSIBLE_DATE:
        return _("Please check the year of this date.")
    return None


def waiting_ends(rule: Rule, answer: Answer) -> dt.date | None:
    """For a date question: the first day the patient may be treated."""
    if rule.kind != QuestionKind.DATE or not isinstance(answer, dt.date) or not rule.waiting_days:
        return None
    return answer + dt.timedelta(days=rule.waiting_days)


def applies(rule: Rule, answer: Answer, today: dt.date) -> bool:
    """Whether the answer is the one that matters for this question."""
    if rule.kind == QuestionKind.DATE:
        end = waiting_ends(rule, answer)
        return end is not None and end > today
    return answer == rule.trigger_answer


def assess(
    rules: Iterable[Rule],
    answers: Mapping[int, Answer],
    *,
    date_of_birth: dt.date | None,
    today: dt.date,
    minimum_age: int,
) -> Assessment:
    """Turn a patient's answers into an outcome, reasons, instructions and an earliest date.

    The outcome is the most severe of the answers that apply. A yes/no question or a
    follow-up date asked but not answered blocks online booking (the form never lets that
    happen; a tampered request does not get through either).
    """
    result = Assessment()
    earliest: dt.date | None = None
    asked = asked_rules(rules, answers)
    undated = parents_without_a_date(asked, answers)
    for rule in asked:
        answer = answers.get(rule.id)
        if rule.kind == QuestionKind.YES_NO and answer not in YesNo.values:
            result.unanswered.append(rule.id)
            continue
        # A follow-up date ("yes, I took it: when?") must be given; with several dates
        # after one answer ("yes, some of these: which, when?") at least one of them. A
        # top-level date question may be left empty ("leave empty if never").
        if rule.kind == QuestionKind.DATE and answer is None and rule.parent_id in undated:
            result.unanswered.append(rule.id)
            continue
        # A datetime is a date too, but cannot be compared with one: garbage as well.
        if rule.kind == QuestionKind.DATE and answer is not None and not _is_plain_date(answer):
            result.unanswered.append(rule.id)
            continue
        if (
            rule.kind == QuestionKind.DATE
            and isinstance(answer, dt.date)
            and date_answer_problem(answer, date_of_birth=date_of_birth, today=today)
        ):
            result.unanswered.append(rule.id)
            continue
        does_apply = applies(rule, answer, today)
        result.applies[rule.id] = does_apply
        if not does_apply:
            continue
        end = waiting_ends(rule, answer)
        if end is not None:
            earliest = max(earliest, end) if earliest else end
        if SEVERITY[rule.outcome] > SEVERITY[result.outcome]:
            result.outcome = rule.outcome
        if rule.outcome in (Outcome.BLOCKS_BOOKING, Outcome.NEEDS_REVIEW):
            result.reasons.append(rule.patient_message or rule.text)
        elif rule.outcome == Outcome.INSTRUCTION and rule.instruction:
            result.instructions.append(rule.instruction)

    if result.unanswered:
        result.outcome = Outcome.BLOCKS_BOOKING
        result.reasons.append(_("Some questions were not answered."))
    if date_of_birth is None or age_on(date_of_birth, today) < minimum_age:
        result.too_young = True
        result.outcome = Outcome.BLOCKS_BOOKING
        result.reasons.append(
            _("Online booking is for patients aged %(age)s and over.") % {"age": minimum_age}
        )
    result.earliest_date = earliest
    return result
