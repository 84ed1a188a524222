"""Load the clinic's starting content: profile, microneedling page, screening, practitioners.

Safe to run again at any time: it only creates what is missing and never
overwrites what staff have edited in admin.
"""

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from booking.models import BookingPolicy, Practitioner, ScreeningQuestion, WorkingHours
from clinic.models import ClinicProfile
from treatments.content import clinic, microneedling, screening
from treatments.content.hero_image import microneedling_hero_png
from treatments.models import FAQ, Section, Treatment

# The text fields of a profile that nobody has filled in yet (as `ClinicProfile.load()`
# creates it on first use).
PROFILE_TEXT_FIELDS = (
    "tagline",
    "about",
    "street_address",
    "locality",
    "region",
    "postal_code",
    "country",
    "country_code",
    "map_url",
    "phone",
    "email",
    "opening_hours",
)


class Report:
    """What the command created and what it left as it was."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.kept: list[str] = []

    def add(self, created: bool, what: str) -> None:
        (self.created if created else self.kept).append(what)


def profile_is_blank(profile: ClinicProfile) -> bool:
    default_name = ClinicProfile._meta.get_field("name").default
    return profile.name in ("", default_name) and not any(
        getattr(profile, field) for field in PROFILE_TEXT_FIELDS
    )


def load_profile(report: Report) -> None:
    profile = ClinicProfile.objects.filter(pk=1).first()
    if profile is not None and not profile_is_blank(profile):
        report.add(False, "clinic profile")
        return
    profile = profile or ClinicProfile(pk=1)
    for field, value in clinic.PROFILE.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    report.add(True, "clinic profile")


def load_treatment(report: Report) -> Treatment:
    treatment = Treatment.objects.filter(slug=microneedling.SLUG).first()
    if treatment is not None:
        report.add(False, f"treatment “{treatment.name}”")
        return treatment
    treatment = Treatment(**microneedling.TREATMENT)
    treatment.full_clean()
    treatment.save()
    report.add(True, f"treatment “{treatment.name}”")
    return treatment


def load_sections(treatment: Treatment, report: Report) -> None:
    existing = set(treatment.sections.values_list("kind", flat=True))
    created = 0
    for kind, title, body in microneedling.SECTIONS:
        if kind in existing:
            continue
        section = Section(treatment=treatment, kind=kind, title=title, body=body)
        section.full_clean()
        section.save()
        created += 1
    if created:
        report.add(True, f"{created} sections")
    if existing:
        report.add(False, f"{len(existing)} sections")


def load_faqs(treatment: Treatment, report: Report) -> None:
    if treatment.faqs.exists():
        report.add(False, f"{treatment.faqs.count()} frequent questions")
        return
    for position, (question, answer) in enumerate(microneedling.FAQS, start=1):
        faq = FAQ(treatment=treatment, question=question, answer=answer, position=position * 10)
        faq.full_clean()
        faq.save()
    report.add(True, f"{len(microneedling.FAQS)} frequent questions")


def load_hero_image(treatment: Treatment, report: Report) -> None:
    if treatment.hero_image:
        report.add(False, "hero image")
        return
    treatment.hero_image.save(
        f"{treatment.slug}-hero.png", ContentFile(microneedling_hero_png()), save=False
    )
    if not treatment.hero_image_alt.strip():
        treatment.hero_image_alt = microneedling.TREATMENT["hero_image_alt"]
    # save() makes the WebP renditions; only these fields are written, so nothing
    # an editor changed meanwhile is overwritten.
    treatment.save(update_fields=["hero_image", "hero_image_alt", "hero_renditions", "updated_at"])
    report.add(True, "hero image")


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
    for data in clinic.PRACTITIONERS:
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
    report.add(True, f"{len(clinic.PRACTITIONERS)} practitioners with their working hours")


def load_booking_policy(report: Report) -> None:
    # Not BookingPolicy.load(): its cache could hide a missing row.
    _policy, created = BookingPolicy.objects.get_or_create(pk=1)
    report.add(created, "booking policy")


@transaction.atomic
def load_clinic_content() -> Report:
    """Create whatever starting content is missing, all or nothing."""
    report = Report()
    load_profile(report)
    treatment = load_treatment(report)
    load_sections(treatment, report)
    load_faqs(treatment, report)
    load_hero_image(treatment, report)
    load_screening(treatment, report)
    load_practitioners(treatment, report)
    load_booking_policy(report)
    return report


class Command(BaseCommand):
    help = (
        "Load the clinic profile, the microneedling page, its screening questions, demo "
        "practitioners and the booking policy. Creates only what is missing; never overwrites "
        "edits made in admin."
    )

    def handle(self, *args, **options) -> None:
        report = load_clinic_content()
        for what in report.created:
            self.stdout.write(self.style.SUCCESS(f"created: {what}"))
        for what in report.kept:
            self.stdout.write(f"kept:    {what}")
