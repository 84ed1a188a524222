"""A property of the whole booking, not of one function: whatever the answers, the dates
of the last doses, and the order in which a patient changes their answers, holds times
(from a page loaded before or after the change), lets holds run out, confirms, and a
clinician approves, no confirmed or requested appointment ever violates a block or a
waiting period of the latest answers the patient gave before it was planned.

Hypothesis's stateful testing draws the sequences: several patients booking one after
the other, answers (with impossible dates among them), times chosen from a page loaded
before or after a change of answers, holds running out, confirmations, approvals,
answers posted from a tab of a booking confirmed meanwhile, and issue 10's race in
both orders the appointment's row lock allows. (The race itself, in threads on
PostgreSQL, is tests/booking/test_gate_race.py.)

The services are driven as the booking steps drive them (booking/flow.py), one call per
request. The expected outcome comes from the pure rules (``screening.assess``) applied
to the answers as the test gave them, not from anything the database stored. With the
gate ignoring the waiting period, this finds: answers, a time held, answers with a
waiting period, confirm.

Run with -s to see how many examples ran.
"""

import datetime as dt
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from booking import screening, services
from booking.models import PLANNED_STATUSES, Appointment, Status
from tests import clock as test_clock
from tests.factories import (
    ClinicProfileFactory,
    PractitionerFactory,
    TreatmentFactory,
    filler_question,
    questionnaire,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 150
DATE_OF_BIRTH = dt.date(1990, 4, 23)

# --- Strategies: answers, dates of last doses, and what the patient does ----------------------

yes_or_no = st.sampled_from(["no", "no", "yes"])
# Days before today; one in twenty an impossible date a forged request could send.
days_ago = st.integers(min_value=0, max_value=400)
dose_dates = st.one_of(*[days_ago] * 19, st.sampled_from([dt.date(1, 1, 1), "future"]))
answer_sets = st.fixed_dictionaries(
    {
        "pregnant": st.sampled_from(["no"] * 7 + ["yes"]),
        "keloid": yes_or_no,
        "nsaids": yes_or_no,
        "isotretinoin": st.none() | dose_dates,
        "filler": st.none() | dose_dates,
    }
)
# Answers that allow booking with a waiting period ending within the horizon
# (isotretinoin 4 to 6 months ago, filler in the last 14 days): the change of answers
# in the race of issue 10.
answers_with_a_wait = st.fixed_dictionaries(
    {
        "pregnant": st.just("no"),
        "keloid": yes_or_no,
        "nsaids": yes_or_no,
        "isotretinoin": st.none() | st.integers(min_value=120, max_value=179),
        "filler": st.integers(min_value=0, max_value=13),
    }
)
waits = st.sampled_from([3, 11, 90, 60 * 24 * 3])  # minutes: within a hold, past it, days


def as_date(value: int | dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    today = timezone.localdate()
    if value == "future":
        return today + dt.timedelta(days=3)
    return today - dt.timedelta(days=value)


def answers_by_question(questions, chosen: dict) -> dict[int, screening.Answer]:
    """What the screening form would hand the services (``ScreeningForm.answers``)."""
    isotretinoin = as_date(chosen["isotretinoin"])
    return {
        questions["pregnant"].pk: chosen["pregnant"],
        questions["keloid"].pk: chosen["keloid"],
        questions["nsaids"].pk: chosen["nsaids"],
        questions["isotretinoin_past"].pk: "yes" if isotretinoin else "no",
        questions["isotretinoin_date"].pk: isotretinoin,
        questions["filler"].pk: as_date(chosen["filler"]),
    }


class Patient:
    """One booking in progress, as the session and the open pages know it."""

    def __init__(self, treatment, questions, tally: Counter[str], session: str):
        self.tally = tally
        self.session = session
        self.treatment = treatment
        self.questions = questions
        self.ordered = list(questions.values())
        self.appointment_id: int | None = None
        self.screening = None  # the answers the pages now show
        self.earlier_screening = None  # on a page loaded before the last change
        # (answers, day given) of the latest answers accepted, and when each visit was
        # planned, the latest answers at that moment.
        self.latest: tuple[dict, dt.date] | None = None
        self.judged_on: dict[int, tuple[dict, dt.date]] = {}
        self.done = False

    def appointment(self) -> Appointment | None:
        if self.appointment_id is None:
            return None
        return Appointment.objects.filter(pk=self.appointment_id).first()

    def answer(self, chosen: dict) -> None:
        answers = answers_by_question(self.questions, chosen)
        assessment = services.assess_answers(
            self.treatment, self.ordered, answers, DATE_OF_BIRTH, timezone.localdate()
        )
        try:
            record = services.keep_answers(
                self.treatment,
                self.ordered,
                answers,
                DATE_OF_BIRTH,
                assessment,
                appointment_id=self.appointment_id,
                previous_screening_id=self.screening.pk if self.screening else None,
            )
        except services.AnswersArrivedTooLate:
            self.tally["answers refused once planned"] += 1
            appointment = self.appointment()
            assert appointment is not None and appointment.status in PLANNED_STATUSES
            return
        self.earlier_screening, self.screening = self.screening, record
        self.latest = (answers, timezone.localdate())

    def hold(self, pick: int, from_earlier_page: bool) -> None:
        page = self.earlier_screening if from_earlier_page else self.screening
        if page is None:
            self.tally["holds without answers to go on"] += 1
            return  # the time step is not reached without answers
        now = timezone.now()
        # The times that page offered: after the waiting period of the answers it knew.
        slots = services.free_slots_for(
            self.treatment, practitioner_id=None, now=now, earliest_date=page.earliest_date
        )
        if not slots:
            return
        try:
            held = services.hold_slot(
                appointment=self.appointment(),
                treatment=self.treatment,
                practitioner_id=None,
                start=slots[pick % len(slots)].start,
                record=page,
                session_key=self.session,
                client_ip="198.51.100.1",
                now=now,
            )
        except services.BookingError as refusal:
            self.tally[f"holds refused ({refusal})"] += 1
            return
        self.tally["holds taken"] += 1
        if held.pk != self.appointment_id:
            self.appointment_id = held.pk
            services.save_patient_details(
                held,
                name="Jane Doe",
                email="jane@example.com",
                phone="+1 619 555 0100",
                consents=[("privacy", "I agree.", "1")],
            )

    def confirm(self) -> None:
        if self.appointment_id is None:
            return
        try:
            services.confirm_booking(self.appointment_id)
        except services.BookingError as refusal:
            self.tally[f"confirmations refused ({type(refusal).__name__})"] += 1
            return
        assert self.latest is not None
        self.judged_on[self.appointment_id] = self.latest
        # The session's booking is done: only requests already on their way (answers
        # posted from another tab) can still reach it.
        self.done = True

    def approve(self) -> None:
        appointment = self.appointment()
        if appointment is None or appointment.status != Status.REQUESTED:
            return
        try:
            services.approve_request(appointment.pk, by=None)
        except services.BookingError:
            pass


def check(patients: list[Patient], rules: list[screening.Rule]) -> None:
    """No planned visit violates a block or a waiting period of the latest answers its
    patient gave before it was planned; and no answers were accepted after that."""
    judged = {pk: patient for patient in patients for pk in patient.judged_on}
    for appointment in Appointment.objects.filter(status__in=PLANNED_STATUSES):
        assert appointment.pk in judged, "planned without passing confirmation"
        patient = judged[appointment.pk]
        answers, day = patient.judged_on[appointment.pk]
        assert (answers, day) == patient.latest, "answers accepted after it was planned"
        expected = screening.assess(
            rules, answers, date_of_birth=DATE_OF_BIRTH, today=day, minimum_age=18
        )
        assert not expected.blocks_booking, "planned against a blocking answer"
        starts_on = timezone.localtime(appointment.starts_at).date()
        if expected.earliest_date:
            assert starts_on >= expected.earliest_date, "planned inside a waiting period"
        if expected.needs_review:
            assert appointment.status == Status.REQUESTED or appointment.changes.filter(
                action="approved"
            ), "an answer for review confirmed without a clinician"


def test_no_planned_visit_ever_violates_a_block_or_a_waiting_period(clock, capsys):
    ClinicProfileFactory()
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    questions["filler"] = filler_question(treatment)
    ran: Counter[str] = Counter()

    rules = services.rules_for(questions.values())

    class Bookings(RuleBasedStateMachine):
        """Patients booking one after the other, each in their own session; each run
        starts from the same clinic at the same instant, and is rolled back at the end."""

        def __init__(self):
            super().__init__()
            ran["examples"] += 1
            clock.move_to(test_clock.frozen_at())
            cache.clear()
            self.transaction = transaction.atomic()
            self.transaction.__enter__()
            self.patients = [Patient(treatment, questions, ran, "patient-0")]

        @property
        def patient(self) -> Patient:
            """The patient booking now; once their booking is done, the next one."""
            if self.patients[-1].done:
                session = f"patient-{len(self.patients)}"
                self.patients.append(Patient(treatment, questions, ran, session))
            return self.patients[-1]

        def teardown(self):
            planned = Appointment.objects.filter(status__in=PLANNED_STATUSES)
            ran["visits confirmed"] += planned.filter(status=Status.CONFIRMED).count()
            ran["requests made"] += planned.filter(status=Status.REQUESTED).count()
            transaction.set_rollback(True)
            self.transaction.__exit__(None, None, None)

        @initialize(chosen=answer_sets)
        def answer_first(self, chosen):
            self.patient.answer(chosen)

        @rule(chosen=answer_sets)
        def answer(self, chosen):
            ran["answer changes"] += 1
            self.patient.answer(chosen)

        @rule(chosen=answers_with_a_wait)
        def answer_with_a_wait(self, chosen):
            ran["answer changes"] += 1
            self.patient.answer(chosen)

        @precondition(lambda self: len(self.patients) > 1)
        @rule(chosen=answers_with_a_wait, pick=st.integers(min_value=0, max_value=100))
        def answers_from_an_earlier_tab(self, chosen, pick):
            """Answers posted from a page of a booking that was confirmed meanwhile."""
            ran["answer changes"] += 1
            done = [patient for patient in self.patients if patient.done]
            done[pick % len(done)].answer(chosen)

        @precondition(lambda self: self.patient.screening or self.patient.earlier_screening)
        @rule(
            pick=st.integers(min_value=0, max_value=10_000),
            from_earlier_page=st.sampled_from([False, False, True]),
        )
        def hold(self, pick, from_earlier_page):
            ran["holds"] += 1
            self.patient.hold(pick, from_earlier_page)

        @precondition(lambda self: self.patient.screening)
        @rule(pick=st.integers(min_value=0, max_value=10_000))
        def hold_and_confirm(self, pick):
            """The usual way through: a time from the page as it is, then confirm."""
            ran["holds"] += 1
            ran["confirmations"] += 1
            patient = self.patient
            patient.hold(pick, from_earlier_page=False)
            patient.confirm()

        @precondition(lambda self: self.patient.appointment_id)
        @rule(chosen=answers_with_a_wait, answers_first=st.booleans())
        def change_answers_as_confirming(self, chosen, answers_first):
            """Issue 10's race, in either of the two orders the row lock allows."""
            ran["answer changes"] += 1
            ran["confirmations"] += 1
            ran[f"races won by the {'answers' if answers_first else 'confirmation'}"] += 1
            patient = self.patient
            if answers_first:
                patient.answer(chosen)
                patient.confirm()
            else:
                patient.confirm()
                patient.answer(chosen)

        @precondition(lambda self: self.patient.appointment_id)
        @rule()
        def confirm(self):
            ran["confirmations"] += 1
            self.patient.confirm()

        @rule(pick=st.integers(min_value=0, max_value=100))
        def approve(self, pick):
            self.patients[pick % len(self.patients)].approve()

        @rule(minutes=waits)
        def wait(self, minutes):
            clock.shift(dt.timedelta(minutes=minutes))

        @invariant()
        def no_planned_visit_violates_its_answers(self):
            check(self.patients, rules)

    run_state_machine_as_test(
        Bookings,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

    with capsys.disabled():
        print(  # noqa: T201 - the figures for the closing note, shown with -s
            "\n[gate property] "
            + ", ".join(f"{count} {what}" for what, count in ran.items())
            + "; 0 violations"
        )
    assert ran["examples"] >= EXAMPLES
    assert ran["visits confirmed"] > 0 and ran["requests made"] > 0
