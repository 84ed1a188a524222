"""Create the site's starting content that is missing: the clinic profile and the
microneedling page (sections, frequent questions, hero image).

Part of ``manage.py load_clinic_content`` (booking/management/commands/), which adds
booking's content to the same transaction. Never overwrites what staff have edited.
"""

from django.core.files.base import ContentFile

from clinic.models import ClinicProfile
from treatments.content import clinic, microneedling, previous
from treatments.content.fingerprints import (
    Change,
    bring_up_to_date,
    fingerprint,
    store_fingerprint,
)
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
    """What the command created, corrected, and left as it was."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.updated: list[str] = []
        self.kept: list[str] = []
        self.staff_edits: list[str] = []

    def add(self, created: bool, what: str) -> None:
        (self.created if created else self.kept).append(what)

    def change(self, change: Change, what: str) -> None:
        """Record what `bring_up_to_date` did to `what` (nothing to say when unchanged)."""
        if change == Change.UPDATED:
            self.updated.append(what)
        elif change == Change.KEPT:
            self.staff_edits.append(what)


def created_keys(treatment: Treatment) -> set[str]:
    """The standard questions and FAQs the loader has ever created for `treatment`
    ("question:<key>", "faq:<key>"): one staff deleted is not brought back."""
    return set(treatment.loaded_content.get("created", []))


def remember_created(treatment: Treatment, keys: set[str]) -> None:
    treatment.loaded_content["created"] = sorted(created_keys(treatment) | keys)
    Treatment.objects.filter(pk=treatment.pk).update(loaded_content=treatment.loaded_content)


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


def treatment_values() -> dict[str, object]:
    """The treatment's fields as shipped, each fingerprinted on its own."""
    return {name: value for name, value in microneedling.TREATMENT.items() if name != "slug"}


def load_treatment(report: Report) -> Treatment:
    treatment = Treatment.objects.filter(slug=microneedling.SLUG).first()
    wanted = treatment_values()
    if treatment is None:
        treatment = Treatment(**microneedling.TREATMENT)
        treatment.loaded_content = {
            "fields": {name: fingerprint({name: value}) for name, value in wanted.items()}
        }
        treatment.full_clean()
        treatment.save()
        report.add(True, f"treatment “{treatment.name}”")
        return treatment
    report.add(False, f"treatment “{treatment.name}”")
    stored = treatment.loaded_content.setdefault("fields", {})
    before = dict(stored)
    updated = []
    for name, value in wanted.items():
        change, stored[name] = bring_up_to_date(
            treatment,
            {name: value},
            stored=stored.get(name, ""),
            previous=previous.TREATMENT_FIELDS.get(name, ()),
        )
        report.change(change, f"treatment “{treatment.name}”: {name}")
        if change == Change.UPDATED:
            updated.append(name)
    if updated:
        treatment.full_clean(exclude=["hero_image"])  # the image is not the loader's to check
    if updated or stored != before:
        # Only these fields are written, so nothing an editor changes meanwhile is lost.
        treatment.save(update_fields=[*updated, "loaded_content", "updated_at"])
    return treatment


def section_values(title: str, body: str) -> dict[str, object]:
    return {"title": title, "body": body}


def load_sections(treatment: Treatment, report: Report) -> None:
    existing = {section.kind: section for section in treatment.sections.all()}
    created = 0
    for kind, title, body in microneedling.SECTIONS:
        wanted = section_values(title, body)
        section = existing.get(kind)
        if section is None:
            section = Section(treatment=treatment, kind=kind, **wanted)
            section.loaded_fingerprint = fingerprint(wanted)
            section.full_clean()
            section.save()
            created += 1
            continue
        change, loaded = bring_up_to_date(
            section,
            wanted,
            stored=section.loaded_fingerprint,
            previous=previous.SECTIONS.get(kind, ()),
        )
        report.change(change, f"section “{section.title}”")
        if change == Change.UPDATED:
            section.loaded_fingerprint = loaded
            section.full_clean()
            section.save()
        else:
            store_fingerprint(section, loaded)
    if created:
        report.add(True, f"{created} sections")
    if existing:
        report.add(False, f"{len(existing)} sections")


def faq_values(question: str, answer: str) -> dict[str, object]:
    return {"question": question, "answer": answer}


def identify_faqs(treatment: Treatment) -> list[FAQ]:
    """Give the FAQs loaded before keys existed their key, recognised by their question
    (as shipped now or before); returns the treatment's FAQs."""
    faqs = list(treatment.faqs.all())
    if not any(faq.content_key for faq in faqs) and faqs:
        by_question = {
            fingerprint({"question": question}): key for key, question, _ in microneedling.FAQS
        } | previous.FAQ_QUESTIONS
        for faq in faqs:
            faq.content_key = by_question.get(fingerprint({"question": faq.question}), "")
            FAQ.objects.filter(pk=faq.pk).update(content_key=faq.content_key)
        # The loader of that time created all of them: one missing was removed by staff.
        # If none is left, the FAQs are the clinic's own and nothing standard is added.
        loaded = set(previous.FAQS)
        if not any(faq.content_key for faq in faqs):
            loaded |= {key for key, _question, _answer in microneedling.FAQS}
        remember_created(treatment, {f"faq:{key}" for key in loaded})
    return faqs


def load_faqs(treatment: Treatment, report: Report) -> None:
    by_key = {faq.content_key: faq for faq in identify_faqs(treatment) if faq.content_key}
    already = created_keys(treatment)
    created: set[str] = set()
    for position, (key, question, answer) in enumerate(microneedling.FAQS, start=1):
        wanted = faq_values(question, answer)
        faq = by_key.get(key)
        if faq is None:
            if f"faq:{key}" in already:
                continue  # staff deleted it
            faq = FAQ(treatment=treatment, content_key=key, position=position * 10, **wanted)
            faq.loaded_fingerprint = fingerprint(wanted)
            faq.full_clean()
            faq.save()
            created.add(f"faq:{key}")
            continue
        change, loaded = bring_up_to_date(
            faq, wanted, stored=faq.loaded_fingerprint, previous=previous.FAQS.get(key, ())
        )
        report.change(change, f"frequent question “{faq.question}”")
        if change == Change.UPDATED:
            faq.loaded_fingerprint = loaded
            faq.full_clean()
            faq.save()
        else:
            store_fingerprint(faq, loaded)
    if created:
        remember_created(treatment, created)
        report.add(True, f"{len(created)} frequent questions")
    if by_key:
        report.add(False, f"{len(by_key)} frequent questions")


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
