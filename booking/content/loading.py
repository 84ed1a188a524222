"""Create booking's starting content that is missing: the microneedling questionnaire,
the demo practitioners with their hours, and the booking policy.

Part of ``manage.py load_clinic_content`` (booking/management/commands/). Never
overwrites what staff have edited.
"""

from booking.content import practitioners, screening
from booking.models import BookingPolicy, Practitioner, ScreeningQuestion, WorkingHours
from treatments.content.loading import Report
from treatments.models import Treatment


def load_screening(treatment: Treatment, report: Report) -> None:
    existing = treatment.screening_questions.count()
    if existing:
        report.add(False, f"{existing} screening questions")
        return
    by_key: dict[str, ScreeningQuestion] = {}
    for position, data in enumerate(screening.QUESTIONS, start=1):
        fields = dict(data)
        key = fields.pop("key")
        parent_key = fields.pop("parent", None)
        question = ScreeningQuestion(
            treatment=treatment,
            parent=by_key[parent_key] if parent_key else None,
            position=position * 10,
            **fields,
        )
        question.full_clean()
        question.save()
        by_key[key] = question
    report.add(True, f"{len(by_key)} screening questions")


def load_practitioners(treatment: Treatment, report: Report) -> None:
    existing = Practitioner.objects.count()
    if existing:
        report.add(False, f"{existing} practitioners")
        return
    for data in practitioners.PRACTITIONERS:
        fields = dict(data)
        hours = fields.pop("hours")
        practitioner = Practitioner(**fields)
        practitioner.full_clean()
        practitioner.save()
        practitioner.treatments.add(treatment)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, weekday=day, starts_at=start, ends_at=end)
            for day, start, end in hours
        )
    report.add(True, f"{len(practitioners.PRACTITIONERS)} practitioners with their working hours")


def load_booking_policy(report: Report) -> None:
    # Not BookingPolicy.load(): its cache could hide a missing row.
    _policy, created = BookingPolicy.objects.get_or_create(pk=1)
    report.add(created, "booking policy")


def load_booking_content(treatment: Treatment, report: Report) -> None:
    """The questionnaire and the practitioners of this treatment, and the policy."""
    load_screening(treatment, report)
    load_practitioners(treatment, report)
    load_booking_policy(report)
