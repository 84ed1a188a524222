"""The screening rules (booking/screening.py): answers in, an assessment out. No database.

Property-based tests build random questionnaires (kinds, trigger answers, outcomes,
waiting periods, follow-ups of earlier questions) and random answers, and compare
`assess` with a small independent model of the rules written out below.
"""

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from booking import screening
from booking.choices import Outcome, QuestionKind
from booking.screening import Rule, age_on, assess

BLOCKS_BOOKING, NEEDS_REVIEW = Outcome.BLOCKS_BOOKING, Outcome.NEEDS_REVIEW
INSTRUCTION, NONE = Outcome.INSTRUCTION, Outcome.NONE
YES_NO, DATE = QuestionKind.YES_NO, QuestionKind.DATE

TODAY = dt.date(2027, 3, 14)
ADULT = dt.date(1990, 4, 23)
OUTCOMES = [NONE, INSTRUCTION, NEEDS_REVIEW, BLOCKS_BOOKING]
# The properties the issue names get 200 examples, the others 100: the file stays fast.
FAST = settings(max_examples=200, deadline=None, database=None)
QUICK = settings(max_examples=100, deadline=None, database=None)


# --- Strategies -----------------------------------------------------------------------------


# Built once: strategies made inside a draw are rebuilt and re-validated on every example.
kinds = st.sampled_from([YES_NO, DATE])
outcomes = st.sampled_from(OUTCOMES)
yes_or_no = st.sampled_from(["yes", "no"])
waiting_periods = st.integers(min_value=1, max_value=400)
parent_picks = st.integers(min_value=0, max_value=64)
messages = st.booleans()
past_dates = st.dates(min_value=TODAY - dt.timedelta(days=500), max_value=TODAY)
future_dates = st.dates(min_value=TODAY + dt.timedelta(days=1), max_value=dt.date(2030, 1, 1))
GARBAGE = ["maybe", 123, "", "YES", True]
garbage = st.sampled_from(GARBAGE)
valid_dates = st.none() | past_dates
anything = st.one_of(yes_or_no, st.none(), garbage, past_dates, future_dates)


@st.composite
def questionnaires(draw, max_size: int = 7) -> list[Rule]:
    """Rules with ids 1..n; a follow-up always points at an earlier rule, as in the admin."""
    size = draw(st.integers(min_value=1, max_value=max_size))
    rules = []
    for rule_id in range(1, size + 1):
        kind = draw(kinds)
        outcome = draw(outcomes)
        parent_id = draw(parent_picks) % rule_id or None  # 0: a top-level question
        rules.append(
            Rule(
                id=rule_id,
                text=f"Question {rule_id}?",
                kind=kind,
                trigger_answer=draw(yes_or_no),
                outcome=outcome,
                waiting_days=draw(waiting_periods) if kind == DATE else None,
                instruction=f"Instruction {rule_id}." if outcome == INSTRUCTION else "",
                patient_message=f"Message {rule_id}." if draw(messages) else "",
                parent_id=parent_id,
                parent_answer=draw(yes_or_no) if parent_id else "",
            )
        )
    return rules


def valid_answer(rule: Rule):
    """An answer the form could have produced for this question."""
    if rule.kind == YES_NO:
        return yes_or_no
    return past_dates if rule.parent_id is not None else valid_dates


def any_answer(rule: Rule):
    """Anything at all, as a tampered request could send."""
    return anything


@st.composite
def answered(draw, answer=valid_answer):
    """A questionnaire with an answer to every question (each drawn with `answer`)."""
    rules = draw(questionnaires())
    answers = {rule.id: draw(answer(rule)) for rule in rules}
    return rules, answers


# --- An independent model of the rules ---------------------------------------------------------


def asked_ids(rules: list[Rule], answers: dict) -> set[int]:
    """Rules come parent-first, so one pass decides which questions the patient saw."""
    asked: set[int] = set()
    for rule in rules:
        if rule.parent_id is None or (
            rule.parent_id in asked and answers.get(rule.parent_id) == rule.parent_answer
        ):
            asked.add(rule.id)
    return asked


def model_applies(rule: Rule, answer) -> bool:
    if rule.kind == YES_NO:
        return answer == rule.trigger_answer
    if not isinstance(answer, dt.date) or answer > TODAY:
        return False
    return answer + dt.timedelta(days=rule.waiting_days) > TODAY


def is_valid(rule: Rule, answer, dated: set) -> bool:
    if rule.kind == YES_NO:
        return answer in ("yes", "no")
    if answer is None:
        # A top-level date may be left empty; so may a follow-up date when another date
        # after the same answer is given (`dated`: the parents with a date given).
        return rule.parent_id is None or rule.parent_id in dated
    return isinstance(answer, dt.date) and answer <= TODAY


def applying(rules: list[Rule], answers: dict) -> list[Rule]:
    asked = asked_ids(rules, answers)
    return [r for r in rules if r.id in asked and model_applies(r, answers.get(r.id))]


def all_valid(rules: list[Rule], answers: dict) -> bool:
    asked = asked_ids(rules, answers)
    dated = {
        r.parent_id
        for r in rules
        if r.id in asked and r.kind == DATE and r.parent_id is not None
        if answers.get(r.id) is not None
    }
    return all(is_valid(r, answers.get(r.id), dated) for r in rules if r.id in asked)


def run(rules, answers, *, date_of_birth=ADULT, today=TODAY, minimum_age=18):
    return assess(rules, answers, date_of_birth=date_of_birth, today=today, minimum_age=minimum_age)


# --- Properties ---------------------------------------------------------------------------------


def pick(data, items: list):
    return items[data.draw(parent_picks) % len(items)]


def make_apply(rule: Rule, data) -> object:
    """An answer that makes this rule's outcome apply today."""
    if rule.kind == YES_NO:
        return rule.trigger_answer
    return TODAY - dt.timedelta(days=data.draw(waiting_periods) % rule.waiting_days)


def with_outcomes(rules: list[Rule], mapping: dict[str, str]) -> list[Rule]:
    return [replace(r, outcome=mapping.get(r.outcome, r.outcome)) for r in rules]


@FAST
@given(answered(answer=any_answer), st.data())
def test_an_applying_blocking_answer_is_never_bookable(case, data):
    rules, answers = case
    asked = [r for r in rules if r.id in asked_ids(rules, answers)]
    chosen = pick(data, asked)
    # Make one asked question block, and answer it the way that matters.
    rules = [replace(r, outcome=BLOCKS_BOOKING) if r is chosen else r for r in rules]
    answers[chosen.id] = make_apply(chosen, data)
    assert chosen.id in asked_ids(rules, answers)
    result = run(rules, answers)
    assert not result.can_book
    assert result.outcome == BLOCKS_BOOKING
    assert result.applies.get(chosen.id) is True


@FAST
@given(answered(), st.data())
def test_a_review_answer_without_a_blocking_one_gives_a_request(case, data):
    rules, answers = case
    rules = with_outcomes(rules, {BLOCKS_BOOKING: NEEDS_REVIEW})
    asked = [r for r in rules if r.id in asked_ids(rules, answers)]
    chosen = pick(data, asked)
    rules = [replace(r, outcome=NEEDS_REVIEW) if r is chosen else r for r in rules]
    answers[chosen.id] = make_apply(chosen, data)
    result = run(rules, answers)
    assert result.outcome == NEEDS_REVIEW
    assert result.needs_review
    assert result.can_book
    assert result.reasons


@QUICK
@given(answered())
def test_the_outcome_is_the_most_severe_applying_answer(case):
    rules, answers = case
    expected = max(
        (r.outcome for r in applying(rules, answers)),
        key=screening.SEVERITY.__getitem__,
        default=NONE,
    )
    result = run(rules, answers)
    assert result.outcome == expected
    assert result.unanswered == []
    applying_ids = {r.id for r in applying(rules, answers)}
    assert {rule_id for rule_id, applies in result.applies.items() if applies} == applying_ids


@QUICK
@given(answered())
def test_instruction_answers_add_their_text_and_never_block(case):
    rules, answers = case
    rules = with_outcomes(rules, {BLOCKS_BOOKING: INSTRUCTION, NEEDS_REVIEW: INSTRUCTION})
    rules = [replace(r, instruction=f"Instruction {r.id}.") for r in rules]
    result = run(rules, answers)
    instructed = [r for r in applying(rules, answers) if r.outcome == INSTRUCTION]
    assert result.can_book
    assert not result.needs_review
    assert result.outcome == (INSTRUCTION if instructed else NONE)
    assert result.instructions == [r.instruction for r in instructed]
    assert result.reasons == []


@QUICK
@given(answered())
def test_instructions_are_given_whatever_else_applies(case):
    rules, answers = case
    result = run(rules, answers)
    for rule in applying(rules, answers):
        if rule.outcome == INSTRUCTION:
            assert rule.instruction in result.instructions


@FAST
@given(answered())
def test_the_earliest_date_is_the_latest_end_of_the_waiting_periods(case):
    rules, answers = case
    ends = [
        answers[r.id] + dt.timedelta(days=r.waiting_days)
        for r in applying(rules, answers)
        if r.kind == DATE
    ]
    result = run(rules, answers)
    assert result.earliest_date == (max(ends) if ends else None)
    for end in ends:
        assert result.earliest_date >= end
    if result.earliest_date is not None:
        assert result.earliest_date > TODAY


@FAST
@given(
    waiting_days=st.integers(min_value=1, max_value=400),
    days_ago=st.integers(min_value=0, max_value=800),
    outcome=st.sampled_from(OUTCOMES),
)
def test_a_date_answer_applies_only_within_its_waiting_period(waiting_days, days_ago, outcome):
    rule = Rule(id=1, text="Last dose?", kind=DATE, outcome=outcome, waiting_days=waiting_days)
    answer = TODAY - dt.timedelta(days=days_ago)
    result = run([rule], {1: answer})
    if days_ago >= waiting_days:
        assert result.applies == {1: False}
        assert result.outcome == NONE
        assert result.earliest_date is None
    else:
        assert result.applies == {1: True}
        assert result.outcome == outcome
        assert result.earliest_date == answer + dt.timedelta(days=waiting_days)


@QUICK
@given(answered(answer=any_answer), st.data())
def test_answers_to_follow_ups_that_were_not_asked_do_not_count(case, data):
    rules, answers = case
    asked = asked_ids(rules, answers)
    unasked = [r for r in rules if r.id not in asked]
    assume(unasked)
    # Answer the hidden follow-ups with anything, blocking answers included.
    changed = dict(answers)
    for rule in unasked:
        changed[rule.id] = data.draw(st.one_of(anything, st.just(rule.trigger_answer)))
    assert asked_ids(rules, changed) == asked
    assert run(rules, changed) == run(rules, answers)


@QUICK
@given(answered(answer=any_answer), st.data())
def test_a_missing_yes_no_answer_to_an_asked_question_blocks(case, data):
    rules, answers = case
    asked_yes_no = [r for r in rules if r.kind == YES_NO and r.id in asked_ids(rules, answers)]
    assume(asked_yes_no)
    missing = pick(data, asked_yes_no)
    answers.pop(missing.id, None)
    assume(missing.id in asked_ids(rules, answers))
    result = run(rules, answers)
    assert missing.id in result.unanswered
    assert not result.can_book


@QUICK
@given(answered(), st.data())
def test_garbage_answers_to_asked_yes_no_questions_block(case, data):
    rules, answers = case
    asked_yes_no = [r for r in rules if r.kind == YES_NO and r.id in asked_ids(rules, answers)]
    assume(asked_yes_no)
    target = pick(data, asked_yes_no)
    answers[target.id] = data.draw(garbage)
    result = run(rules, answers)
    assert target.id in result.unanswered
    assert not result.can_book


@QUICK
@given(answered(), st.data())
def test_a_future_date_answer_blocks_as_unanswered(case, data):
    rules, answers = case
    asked_dates = [r for r in rules if r.kind == DATE and r.id in asked_ids(rules, answers)]
    assume(asked_dates)
    target = pick(data, asked_dates)
    answers[target.id] = data.draw(future_dates)
    result = run(rules, answers)
    assert target.id in result.unanswered
    assert not result.can_book


@QUICK
@given(answered(answer=any_answer))
def test_any_invalid_asked_answer_blocks_and_valid_ones_never_do_alone(case):
    rules, answers = case
    result = run(rules, answers)
    if not all_valid(rules, answers):
        assert not result.can_book
        assert result.unanswered
    else:
        assert result.unanswered == []
        blocking = any(r.outcome == BLOCKS_BOOKING for r in applying(rules, answers))
        assert result.can_book is not blocking


def eighteenth_birthday(date_of_birth: dt.date, years: int = 18) -> dt.date:
    """Born on 29 February: the birthday in a common year is 1 March."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return dt.date(date_of_birth.year + years, 3, 1)


@FAST
@given(
    date_of_birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31)),
    minimum_age=st.integers(min_value=0, max_value=30),
)
def test_the_minimum_age_holds(date_of_birth, today, minimum_age):
    assume(date_of_birth <= today)
    old_enough = today >= eighteenth_birthday(date_of_birth, minimum_age)
    result = run([], {}, date_of_birth=date_of_birth, today=today, minimum_age=minimum_age)
    assert result.can_book is old_enough
    assert result.too_young is not old_enough


@QUICK
@given(
    date_of_birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
    years=st.integers(min_value=0, max_value=100),
)
def test_age_goes_up_on_the_birthday_and_not_the_day_before(date_of_birth, years):
    birthday = eighteenth_birthday(date_of_birth, years)
    assert age_on(date_of_birth, birthday) == years
    if years:
        assert age_on(date_of_birth, birthday - dt.timedelta(days=1)) == years - 1


# --- Examples ------------------------------------------------------------------------------------

PREGNANT = Rule(
    id=1,
    text="Are you pregnant or breastfeeding?",
    outcome=BLOCKS_BOOKING,
    patient_message="Microneedling is not offered during pregnancy or breastfeeding.",
)
KELOID = Rule(id=2, text="Do you tend to form keloid scars?", outcome=NEEDS_REVIEW)
NSAIDS = Rule(
    id=3,
    text="Do you take ibuprofen?",
    outcome=INSTRUCTION,
    instruction="Stop ibuprofen 3 days before your visit.",
)
ISOTRETINOIN_PAST = Rule(id=4, text="Isotretinoin in the past 12 months?", outcome=NONE)
ISOTRETINOIN_DATE = Rule(
    id=5,
    text="When did you take your last dose?",
    kind=DATE,
    outcome=NEEDS_REVIEW,
    waiting_days=180,
    parent_id=4,
    parent_answer="yes",
)
MICRONEEDLING = [PREGNANT, KELOID, NSAIDS, ISOTRETINOIN_PAST, ISOTRETINOIN_DATE]
ALL_NO = {1: "no", 2: "no", 3: "no", 4: "no"}


def test_a_patient_who_answers_no_to_everything_can_book():
    result = run(MICRONEEDLING, ALL_NO)
    assert result.can_book
    assert result.outcome == NONE
    assert result.reasons == result.instructions == []
    assert result.earliest_date is None


def test_a_pregnant_patient_cannot_book():
    result = run(MICRONEEDLING, {**ALL_NO, 1: "yes"})
    assert not result.can_book
    assert result.reasons == [PREGNANT.patient_message]


def test_a_pregnant_patient_cannot_book_even_with_review_answers():
    result = run(MICRONEEDLING, {**ALL_NO, 1: "yes", 2: "yes", 3: "yes"})
    assert result.outcome == BLOCKS_BOOKING


def test_a_keloid_former_needs_a_clinicians_review():
    result = run(MICRONEEDLING, {**ALL_NO, 2: "yes"})
    assert result.needs_review
    assert result.can_book
    assert result.reasons == [KELOID.text]


def test_an_ibuprofen_user_gets_the_instruction_and_can_book():
    result = run(MICRONEEDLING, {**ALL_NO, 3: "yes"})
    assert result.outcome == INSTRUCTION
    assert result.can_book
    assert result.instructions == [NSAIDS.instruction]


def test_a_recent_isotretinoin_dose_moves_the_earliest_date_and_needs_review():
    last_dose = TODAY - dt.timedelta(days=30)
    result = run(MICRONEEDLING, {**ALL_NO, 4: "yes", 5: last_dose})
    assert result.needs_review
    assert result.earliest_date == last_dose + dt.timedelta(days=180)


def test_an_isotretinoin_dose_older_than_the_waiting_period_does_not_apply():
    result = run(MICRONEEDLING, {**ALL_NO, 4: "yes", 5: TODAY - dt.timedelta(days=180)})
    assert result.outcome == NONE
    assert result.applies[5] is False
    assert result.earliest_date is None


def test_the_latest_of_several_waiting_periods_wins():
    filler = Rule(id=6, text="Last filler?", kind=DATE, outcome=INSTRUCTION, waiting_days=14)
    rules = [*MICRONEEDLING, filler]
    result = run(rules, {**ALL_NO, 4: "yes", 5: TODAY - dt.timedelta(days=179), 6: TODAY})
    assert result.earliest_date == TODAY + dt.timedelta(days=14)


def test_a_follow_up_is_ignored_when_its_parent_answer_does_not_match():
    blocking_follow_up = Rule(
        id=6, text="Active acne now?", outcome=BLOCKS_BOOKING, parent_id=2, parent_answer="yes"
    )
    result = run([*MICRONEEDLING, blocking_follow_up], {**ALL_NO, 6: "yes"})
    assert result.can_book
    assert 6 not in result.applies


def test_a_follow_up_of_an_unasked_follow_up_is_ignored():
    rules = [
        Rule(id=1, text="A?"),
        Rule(id=2, text="B?", parent_id=1, parent_answer="yes"),
        Rule(id=3, text="C?", outcome=BLOCKS_BOOKING, parent_id=2, parent_answer="yes"),
    ]
    # 2 is not asked (1 is "no"), so 3 is not asked although 2's stray answer matches.
    assert run(rules, {1: "no", 2: "yes", 3: "yes"}).can_book
    assert not run(rules, {1: "yes", 2: "yes", 3: "yes"}).can_book


def test_a_missing_follow_up_answer_blocks_when_its_parent_matches():
    follow_up = Rule(id=6, text="Is it active now?", parent_id=2, parent_answer="yes")
    result = run([*MICRONEEDLING, follow_up], {**ALL_NO, 2: "yes"})
    assert result.unanswered == [6]
    assert not result.can_book


def test_a_missing_date_follow_up_blocks():
    # "Yes, I took isotretinoin" without saying when cannot slip past the review.
    result = run(MICRONEEDLING, {**ALL_NO, 4: "yes"})
    assert not result.can_book
    assert result.unanswered == [5]


def test_of_several_dates_after_one_answer_at_least_one_must_be_given():
    # "Yes, some of these in the past 6 months": which one, and when, decides the wait.
    rules = [
        Rule(id=1, text="Any of these recently?"),
        *[
            Rule(
                id=rule_id,
                text=f"When was treatment {rule_id}?",
                kind=DATE,
                outcome=NEEDS_REVIEW,
                waiting_days=days,
                parent_id=1,
                parent_answer="yes",
            )
            for rule_id, days in ((2, 14), (3, 180))
        ],
    ]
    none_given = run(rules, {1: "yes"})
    assert not none_given.can_book
    assert none_given.unanswered == [2, 3]
    # One given, the other left empty: nothing missing; the one given sets the wait.
    one_given = run(rules, {1: "yes", 3: TODAY - dt.timedelta(days=30)})
    assert one_given.unanswered == []
    assert one_given.needs_review
    assert one_given.earliest_date == TODAY + dt.timedelta(days=150)
    over = run(rules, {1: "yes", 2: TODAY - dt.timedelta(days=30)})
    assert (over.unanswered, over.outcome) == ([], NONE)
    # "No": the dates are not asked, and one sent anyway does not count.
    assert run(rules, {1: "no", 3: TODAY}).outcome == NONE
    assert run(rules, {1: "no"}).unanswered == []


@pytest.mark.parametrize("garbage", ["maybe", 123, "", None, "Yes", True])
def test_a_garbage_yes_no_answer_blocks(garbage):
    result = run(MICRONEEDLING, {**ALL_NO, 1: garbage})
    assert result.unanswered == [1]
    assert not result.can_book


@pytest.mark.parametrize(
    "garbage", ["maybe", 123, "2027-01-01", dt.datetime(2027, 1, 1, 12, 0), TODAY.replace(day=15)]
)
def test_a_garbage_or_future_date_answer_blocks(garbage):
    result = run(MICRONEEDLING, {**ALL_NO, 4: "yes", 5: garbage})
    assert result.unanswered == [5]
    assert not result.can_book


def test_a_follow_up_of_a_rule_with_id_zero_is_asked():
    rules = [
        Rule(id=0, text="Parent?"),
        Rule(id=1, text="Follow-up?", outcome=BLOCKS_BOOKING, parent_id=0, parent_answer="yes"),
    ]
    assert not run(rules, {0: "yes", 1: "yes"}).can_book


def test_a_patient_without_a_date_of_birth_cannot_book():
    result = run(MICRONEEDLING, ALL_NO, date_of_birth=None)
    assert result.too_young
    assert not result.can_book


def test_a_patient_is_blocked_the_day_before_their_18th_birthday():
    born = dt.date(2009, 3, 14)
    assert age_on(born, dt.date(2027, 3, 13)) == 17
    assert not run([], {}, date_of_birth=born, today=dt.date(2027, 3, 13)).can_book


def test_a_patient_can_book_on_their_18th_birthday():
    born = dt.date(2009, 3, 14)
    assert age_on(born, dt.date(2027, 3, 14)) == 18
    assert run([], {}, date_of_birth=born, today=dt.date(2027, 3, 14)).can_book


def test_a_newborn_is_zero_on_their_birthday():
    assert age_on(TODAY, TODAY) == 0


def test_a_leap_day_birthday_comes_on_1_march_in_a_common_year():
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18
    assert not run([], {}, date_of_birth=born, today=dt.date(2026, 2, 28)).can_book
    assert run([], {}, date_of_birth=born, today=dt.date(2026, 3, 1)).can_book


def test_a_leap_day_birthday_comes_on_29_february_in_a_leap_year():
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2028, 2, 28)) == 19
    assert age_on(born, dt.date(2028, 2, 29)) == 20


def test_a_28_february_birthday_is_not_moved_by_a_leap_year():
    born = dt.date(2010, 2, 28)
    assert age_on(born, dt.date(2028, 2, 27)) == 17
    assert age_on(born, dt.date(2028, 2, 28)) == 18


# --- Date answers lie between the patient's birth and today -------------------------------------


@pytest.mark.parametrize(
    "impossible", [dt.date(1, 1, 1), ADULT - dt.timedelta(days=1), dt.date(1899, 12, 31)]
)
def test_a_dose_date_before_the_patients_birth_blocks_as_unanswered(impossible):
    """0001-01-01 would otherwise end any waiting period long ago."""
    result = run(MICRONEEDLING, {**ALL_NO, 4: "yes", 5: impossible})
    assert result.unanswered == [5]
    assert not result.can_book


@QUICK
@given(
    answer=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(2100, 12, 31)),
    date_of_birth=st.one_of(
        st.none(), st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2010, 1, 1))
    ),
)
def test_a_date_answer_is_possible_only_between_birth_and_today(answer, date_of_birth):
    problem = screening.date_answer_problem(answer, date_of_birth=date_of_birth, today=TODAY)
    floor = date_of_birth if date_of_birth and date_of_birth >= dt.date(1900, 1, 1) else None
    floor = floor or dt.date(1900, 1, 1)
    assert (problem is None) == (floor <= answer <= TODAY)


def test_date_answer_problems_say_what_to_check():
    def problem(answer, date_of_birth=ADULT):
        return screening.date_answer_problem(answer, date_of_birth=date_of_birth, today=TODAY)

    assert problem(TODAY) is None
    assert problem(ADULT) is None
    assert "future" in problem(TODAY + dt.timedelta(days=1))
    assert "before your date of birth" in problem(dt.date(1, 1, 1))
    assert "check the year" in problem(dt.date(1899, 12, 31), date_of_birth=None)
    assert problem(dt.date(1900, 1, 1), date_of_birth=None) is None
