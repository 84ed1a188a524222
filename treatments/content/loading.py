"""Create the site's starting content that is missing: the clinic profile and the
microneedling page (sections, frequent questions, hero image).

Part of ``manage.py load_clinic_content`` (booking/management/commands/), which adds
booking's content to the same transaction. Never overwrites what staff have edited.
"""

from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile

from clinic.models import ClinicProfile
from treatments.content import clinic, microneedling, microneedling_es, previous
from treatments.content.fingerprints import (
    Change,
    bring_up_to_date,
    fingerprint,
    store_fingerprint,
    with_translation,
)
from treatments.content.hero_image import microneedling_hero_png
from treatments.models import FAQ, Section, Treatment

# The language the standard texts are written in next to English (the ``_es`` modules).
SPANISH = "es"

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


def fill_missing_translations(
    row: Any, shipped: Mapping[str, object], translations: Mapping[str, str]
) -> list[str]:
    """Write the shipped translation of each field whose translation is still empty and
    whose English is still as shipped (nobody edited it): content loaded before the
    translation existed gets it; a staff edit in either language stays. Returns the
    columns set (not saved)."""
    filled = []
    for name, text in translations.items():
        column = f"{name}_{SPANISH}"
        if not getattr(row, column) and getattr(row, name) == shipped[name]:
            setattr(row, column, text)
            filled.append(column)
    return filled


def load_profile(report: Report) -> None:
    profile = ClinicProfile.objects.filter(pk=1).first()
    if profile is not None and not profile_is_blank(profile):
        report.add(False, "clinic profile")
        filled = fill_missing_translations(profile, clinic.PROFILE, clinic.PROFILE_ES)
        if filled:
            profile.save(update_fields=filled)
            report.updated.append("clinic profile: Spanish texts")
        return
    profile = profile or ClinicProfile(pk=1)
    for field, value in clinic.PROFILE.items():
        setattr(profile, field, value)
    for field, text in clinic.PROFILE_ES.items():
        setattr(profile, f"{field}_{SPANISH}", text)
    profile.full_clean()
    profile.save()
    report.add(True, "clinic profile")


def treatment_values() -> dict[str, dict[str, object]]:
    """The treatment's fields as shipped, each fingerprinted on its own: a translated
    field together with its Spanish ("summary" with "summary_es")."""
    return {
        name: with_translation(
            {name: value},
            SPANISH,
            {name: microneedling_es.TREATMENT[name]} if name in microneedling_es.TREATMENT else {},
        )
        for name, value in microneedling.TREATMENT.items()
        if name != "slug"
    }


def load_treatment(report: Report) -> Treatment:
    treatment = Treatment.objects.filter(slug=microneedling.SLUG).first()
    wanted = treatment_values()
    if treatment is None:
        treatment = Treatment(slug=microneedling.SLUG)
        for values in wanted.values():
            for column, value in values.items():
                setattr(treatment, column, value)
        treatment.loaded_content = {
            "fields": {name: fingerprint(values) for name, values in wanted.items()}
        }
        treatment.full_clean()
        treatment.save()
        report.add(True, f"treatment “{treatment.name}”")
        return treatment
    report.add(False, f"treatment “{treatment.name}”")
    stored = treatment.loaded_content.setdefault("fields", {})
    before = dict(stored)
    updated: list[str] = []
    for name, values in wanted.items():
        change, stored[name] = bring_up_to_date(
            treatment,
            values,
            stored=stored.get(name, ""),
            previous=previous.TREATMENT_FIELDS.get(name, ()),
        )
        report.change(change, f"treatment “{treatment.name}”: {name}")
        if change == Change.UPDATED:
            updated.extend(values)
    if updated:
        treatment.full_clean(exclude=["hero_image"])  # the image is not the loader's to check
    if updated or stored != before:
        # Only these fields are written, so nothing an editor changes meanwhile is lost.
        treatment.save(update_fields=[*updated, "loaded_content", "updated_at"])
    return treatment


def section_values(kind: str, title: str, body: str) -> dict[str, object]:
    title_es, body_es = microneedling_es.SECTIONS[kind]
    return with_translation(
        {"title": title, "body": body}, SPANISH, {"title": title_es, "body": body_es}
    )


def load_sections(treatment: Treatment, report: Report) -> None:
    existing = {section.kind: section for section in treatment.sections.all()}
    created = 0
    for kind, title, body in microneedling.SECTIONS:
        wanted = section_values(kind, title, body)
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


def faq_values(key: str, question: str, answer: str) -> dict[str, object]:
    question_es, answer_es = microneedling_es.FAQS[key]
    return with_translation(
        {"question": question, "answer": answer},
        SPANISH,
        {"question": question_es, "answer": answer_es},
    )


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
        wanted = faq_values(key, question, answer)
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
    alt_texts = treatment_values()["hero_image_alt"]
    for column, text in alt_texts.items():
        if not str(getattr(treatment, column) or "").strip():
            setattr(treatment, column, text)
    # save() makes the WebP renditions; only these fields are written, so nothing
    # an editor changed meanwhile is overwritten.
    treatment.save(update_fields=["hero_image", *alt_texts, "hero_renditions", "updated_at"])
    report.add(True, "hero image")


def load_site_content(report: Report) -> Treatment:
    """The clinic profile and the microneedling page; returns the treatment."""
    load_profile(report)
    treatment = load_treatment(report)
    load_sections(treatment, report)
    load_faqs(treatment, report)
    load_hero_image(treatment, report)
    return treatment
