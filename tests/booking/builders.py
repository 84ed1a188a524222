"""Small builders for booking tests: a treatment with questions and a practitioner's week."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from booking.models import BookingPolicy, Practitioner, ScreeningQuestion, WorkingHours
from treatments.models import Treatment

# How far past the minimum notice a start must be to stay bookable while a test runs.
NOTICE_MARGIN = dt.timedelta(minutes=5)


def make_treatment(**overrides) -> Treatment:
    values = {
        "name": "Microneedling",
        "slug": "microneedling",
        "summary": "Fine needles prompt the skin to renew itself.",
        "session_minutes": 30,
        "visit_minutes": 90,
        "buffer_minutes": 15,
        "price_from": Decimal("180"),
        "is_published": True,
    }
    values.update(overrides)
    return Treatment.objects.create(**values)


def make_practitioner(treatment: Treatment, *, name="Dr. Ana Ruiz", hours=None, position=0):
    practitioner = Practitioner.objects.create(name=name, position=position)
    practitioner.treatments.add(treatment)
    for weekday in range(7):
        for start, end in hours or [(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))]:
            WorkingHours.objects.create(
                practitioner=practitioner, weekday=weekday, starts_at=start, ends_at=end
            )
    return practitioner


def make_questions(treatment: Treatment) -> dict[str, ScreeningQuestion]:
    q = {}
    q["pregnant"] = ScreeningQuestion.objects.create(
        treatment=treatment,
        text="Are you pregnant or breastfeeding?",
        public_label="You are pregnant or breastfeeding",
        outcome="blocks_booking",
        patient_message="Microneedling is not offered during pregnancy or breastfeeding.",
        position=1,
    )
    q["keloid"] = ScreeningQuestion.objects.create(
        treatment=treatment,
        text="Do you tend to form keloid or raised scars?",
        public_label="You tend to form keloid scars",
        outcome="needs_review",
        position=2,
    )
    q["nsaids"] = ScreeningQuestion.objects.create(
        treatment=treatment,
        text="Do you take ibuprofen or similar painkillers?",
        outcome="instruction",
        instruction="Stop ibuprofen 3 days before your visit unless your doctor prescribed it.",
        position=3,
    )
    q["isotretinoin_past"] = ScreeningQuestion.objects.create(
        treatment=treatment,
        text="Have you taken isotretinoin in the past 12 months?",
        outcome="none",
        position=4,
    )
    q["isotretinoin_date"] = ScreeningQuestion.objects.create(
        treatment=treatment,
        text="When did you take your last dose?",
        kind="date",
        outcome="needs_review",
        waiting_days=180,
        parent=q["isotretinoin_past"],
        parent_answer="yes",
        position=5,
    )
    return q


def answers(questions, **chosen) -> dict[str, str]:
    """POST data for the screening step: every top-level question 'no' unless chosen."""
    data = {"date_of_birth": "1990-04-23"}
    for key, question in questions.items():
        if question.parent_id is None:
            data[f"question_{question.pk}"] = chosen.get(key, "no")
        elif key in chosen:
            data[f"question_{question.pk}"] = chosen[key]
    return data


def make_appointment(treatment: Treatment, practitioner: Practitioner, starts_at, **overrides):
    """An appointment of `treatment` at `starts_at` (aware), confirmed unless told otherwise."""
    appointment = appointment_at(treatment, practitioner, starts_at, **overrides)
    appointment.save()
    return appointment


def appointment_at(treatment: Treatment, practitioner: Practitioner, starts_at, **overrides):
    """The same, not saved (for `bulk_create`, which sends no signal)."""
    from booking.models import Appointment, Status

    ends_at = starts_at + dt.timedelta(minutes=treatment.visit_minutes)
    values = {
        "treatment": treatment,
        "practitioner": practitioner,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "occupied_until": ends_at + dt.timedelta(minutes=treatment.buffer_minutes),
        "status": Status.CONFIRMED,
        "patient_name": "Jane Doe",
        "patient_email": "jane@example.com",
    }
    values.update(overrides)
    return Appointment(**values)


def clear_of_the_notice(starts: Iterable[dt.datetime]) -> list[dt.datetime]:
    """The starts that stay bookable while a test runs on the real clock.

    The first free start can sit seconds after the minimum notice; when the clock
    passes it before the test holds it, the hold is rightly refused (409), so a test
    that picked it would fail a few times a day.
    """
    notice = dt.timedelta(hours=BookingPolicy.load().minimum_notice_hours)
    edge = timezone.now() + notice + NOTICE_MARGIN
    return [start for start in starts if start >= edge]


def first_bookable_start(client) -> dt.datetime:
    """The first start the time step offers that is clear of the notice (its first day,
    else the next one)."""
    url = reverse("booking:step", args=["time"])
    picker = client.get(url).context["picker"]
    for day in picker.days[:2]:
        times = client.get(url, {"day": day.iso}).context["picker"].times
        starts = clear_of_the_notice(time.start for time in times)
        if starts:
            return starts[0]
    raise AssertionError("the time step offers no start clear of the notice")
