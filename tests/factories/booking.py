"""Booking's data: practitioners and their week, questions and screenings, appointments.

An appointment's end and the time it takes off the practitioner's diary (the visit,
then the buffer) always follow from its treatment's durations, as the services make
them, unless a test states them.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone, translation

from booking.models import (
    Appointment,
    AppointmentChange,
    Closure,
    Consent,
    ConsentKind,
    EmailKind,
    Outcome,
    PatientEmail,
    Practitioner,
    QuestionKind,
    Screening,
    ScreeningAnswer,
    ScreeningQuestion,
    Status,
    WorkingHours,
)
from tests.factories.treatments import TreatmentFactory

TIJUANA = ZoneInfo("America/Tijuana")

# Mornings and afternoons on every day of the week, so that a practitioner has free
# times whichever day the clock says it is.
EVERY_DAY = ((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18)))


class PractitionerFactory(factory.django.DjangoModelFactory):
    """Dr. Ana Ruiz, giving `treatments` (a list) and working `hours` on every day of the
    week: 9:00–13:00 and 14:00–18:00 unless told (`hours=[]` for a practitioner
    without working hours)."""

    class Meta:
        model = Practitioner
        skip_postgeneration_save = True

    name = "Dr. Ana Ruiz"
    position = 0

    @factory.post_generation
    def treatments(practitioner, create, extracted, **kwargs):
        if create and extracted:
            practitioner.treatments.add(*extracted)

    @factory.post_generation
    def hours(practitioner, create, extracted, **kwargs):
        if not create:
            return
        for weekday in range(7):
            for starts_at, ends_at in EVERY_DAY if extracted is None else extracted:
                WorkingHoursFactory(
                    practitioner=practitioner,
                    weekday=weekday,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    practitioner = factory.SubFactory(PractitionerFactory, hours=[])
    weekday = 0
    starts_at = dt.time(9)
    ends_at = dt.time(13)


class ClosureFactory(factory.django.DjangoModelFactory):
    """The whole clinic closed for a day from `starts_at` (now unless told)."""

    class Meta:
        model = Closure

    practitioner = None
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda closure: closure.starts_at + dt.timedelta(days=1))
    reason = ""


# --- Questions and screenings ---------------------------------------------------------


class ScreeningQuestionFactory(factory.django.DjangoModelFactory):
    """A yes/no question that changes nothing unless told (`outcome=`)."""

    class Meta:
        model = ScreeningQuestion

    treatment = factory.SubFactory(TreatmentFactory)
    text = factory.Sequence(lambda n: f"Health question number {n}?")
    outcome = Outcome.NONE
    position = factory.Sequence(lambda n: n)


def questionnaire(treatment) -> dict[str, ScreeningQuestion]:
    """The booking tests' questionnaire for `treatment`, one question of each outcome and
    a date follow-up with a waiting period: {key: question}."""
    question = ScreeningQuestionFactory
    questions = {
        "pregnant": question(
            treatment=treatment,
            text="Are you pregnant or breastfeeding?",
            public_label="You are pregnant or breastfeeding",
            outcome=Outcome.BLOCKS_BOOKING,
            patient_message="Microneedling is not offered during pregnancy or breastfeeding.",
            position=1,
        ),
        "keloid": question(
            treatment=treatment,
            text="Do you tend to form keloid or raised scars?",
            public_label="You tend to form keloid scars",
            outcome=Outcome.NEEDS_REVIEW,
            position=2,
        ),
        "nsaids": question(
            treatment=treatment,
            text="Do you take ibuprofen or similar painkillers?",
            outcome=Outcome.INSTRUCTION,
            instruction="Stop ibuprofen 3 days before your visit unless your doctor prescribed it.",
            position=3,
        ),
        "isotretinoin_past": question(
            treatment=treatment,
            text="Have you taken isotretinoin in the past 12 months?",
            outcome=Outcome.NONE,
            position=4,
        ),
    }
    questions["isotretinoin_date"] = question(
        treatment=treatment,
        text="When did you take your last dose?",
        kind=QuestionKind.DATE,
        outcome=Outcome.NEEDS_REVIEW,
        waiting_days=180,
        parent=questions["isotretinoin_past"],
        parent_answer="yes",
        position=5,
    )
    return questions


def filler_question(treatment) -> ScreeningQuestion:
    """A top-level date question with a 14-day waiting period that needs review ("when
    did you last have a filler injection?", empty if never): added to `questionnaire`
    by the tests of waiting periods (tests/booking/test_gate*.py)."""
    return ScreeningQuestionFactory(
        treatment=treatment,
        text="When did you last have a filler injection? Leave empty if never.",
        kind=QuestionKind.DATE,
        outcome=Outcome.NEEDS_REVIEW,
        waiting_days=14,
        position=6,
    )


class ScreeningFactory(factory.django.DjangoModelFactory):
    """A patient's answered questionnaire (born 1 January 1990) that changed nothing."""

    class Meta:
        model = Screening

    treatment = factory.SubFactory(TreatmentFactory)
    date_of_birth = dt.date(1990, 1, 1)
    outcome = Outcome.NONE


class ScreeningAnswerFactory(factory.django.DjangoModelFactory):
    """A "yes" that applies, to a question that needs a clinician's review."""

    class Meta:
        model = ScreeningAnswer
        skip_postgeneration_save = True

    screening = factory.SubFactory(ScreeningFactory)
    question_text = factory.Sequence(lambda n: f"Health question number {n}?")
    question_outcome = Outcome.NEEDS_REVIEW
    answer = "yes"
    applies = True

    @factory.post_generation
    def noted_on_the_screening(answer, create, extracted, **kwargs):
        """As ``record_screening`` does, the screening notes which of its answers apply."""
        if create and answer.applies:
            screening = answer.screening
            screening.note_answers_that_apply(screening.answers.all())
            screening.save(update_fields=["positions_that_apply"])


# --- Appointments -----------------------------------------------------------------------


def tomorrow_at_ten() -> dt.datetime:
    """10:00 in Tijuana on the day after the clock's."""
    tomorrow = timezone.localtime(timezone.now(), TIJUANA).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(10), tzinfo=TIJUANA)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A confirmed appointment of Jane Doe, tomorrow at 10:00 in Tijuana unless told
    (`starts_at=`), with a practitioner who gives the treatment. `screened=True` adds the
    patient's screening; `held=True` makes it a time held for ten minutes."""

    class Meta:
        model = Appointment

    class Params:
        screened = factory.Trait(
            screening=factory.SubFactory(
                ScreeningFactory, treatment=factory.SelfAttribute("..treatment")
            )
        )
        held = factory.Trait(
            status=Status.HELD,
            hold_expires_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(minutes=10)),
        )

    treatment = factory.SubFactory(TreatmentFactory)
    # `it` is the practitioner's post-generation step: its parent is the practitioner,
    # whose parent is this appointment.
    practitioner = factory.SubFactory(
        PractitionerFactory,
        hours=[],
        treatments=factory.LazyAttribute(lambda it: [it.factory_parent.factory_parent.treatment]),
    )
    starts_at = factory.LazyFunction(tomorrow_at_ten)
    ends_at = factory.LazyAttribute(
        lambda appointment: (
            appointment.starts_at + dt.timedelta(minutes=appointment.treatment.visit_minutes)
        )
    )
    occupied_until = factory.LazyAttribute(
        lambda appointment: (
            appointment.ends_at + dt.timedelta(minutes=appointment.treatment.buffer_minutes)
        )
    )
    status = Status.CONFIRMED
    confirmed_at = factory.LazyAttribute(
        lambda appointment: timezone.now() if appointment.status == Status.CONFIRMED else None
    )
    patient_name = "Jane Doe"
    patient_email = "jane@example.com"
    # The language active where it is made: English in the suite (tests/conftest.py).
    language = factory.LazyFunction(translation.get_language)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    appointment = factory.SubFactory(AppointmentFactory)
    kind = ConsentKind.PRIVACY
    wording = "I agree."
    version = "1"


class AppointmentChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentChange

    appointment = factory.SubFactory(AppointmentFactory)
    actor = "staff"
    action = "confirmed"


class PatientEmailFactory(factory.django.DjangoModelFactory):
    """An email queued about an appointment, as a service leaves it (not sent yet)."""

    class Meta:
        model = PatientEmail

    appointment = factory.SubFactory(AppointmentFactory)
    kind = EmailKind.CONFIRMED
