"""Create the site's starting content that is missing: the clinic profile and the
microneedling page (sections, frequent questions, hero image).

Part of ``manage.py load_clinic_content`` (booking/management/commands/), which adds
booking's content to the same transaction. Never overwrites what staff have edited.
"""

from django.core.files.base import ContentFile

from clinic.models import ClinicProfile
from treatments.content import clinic, microneedling
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
    # Typed by hand: django-modeltranslation's run-time manager hides the model from mypy.
    profile: ClinicProfile | None = ClinicProfile.objects.filter(pk=1).first()  # type: ignore[assignment]
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


def load_site_content(report: Report) -> Treatment:
    """The clinic profile and the microneedling page; returns the treatment."""
    load_profile(report)
    treatment = load_treatment(report)
    load_sections(treatment, report)
    load_faqs(treatment, report)
    load_hero_image(treatment, report)
    return treatment
