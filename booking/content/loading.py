"""Create booking's starting content that is missing: the microneedling questionnaire,
the demo practitioners with their hours, and the booking policy; bring the standard
questions up to date where staff have not edited them.

Part of ``manage.py load_clinic_content`` (booking/management/commands/). Never
overwrites what staff have edited: see treatments/content/fingerprints.py.
"""

from typing import Any

from booking.choices import Outcome, QuestionKind, YesNo
from booking.content import practitioners, previous, screening, screening_es
from booking.models import BookingPolicy, Practitioner, ScreeningQuestion, WorkingHours
from treatments.content.fingerprints import (
    Change,
    bring_up_to_date,
    fingerprint,
    store_fingerprint,
    values_of,
    with_translation,
)
from treatments.content.loading import (
    SPANISH,
    Report,
    created_keys,
    fill_missing_translations,
    remember_created,
)
from treatments.models import Treatment

# What a standard question is made of, with the model's defaults. Its place (parent,
# position) is not part of it: staff may move a question without it counting as an edit.
QUESTION_DEFAULTS: dict[str, Any] = {
    "text": "",
    "help_text": "",
    "public_label": "",
    "patient_message": "",
    "instruction": "",
    "kind": QuestionKind.YES_NO,
    "trigger_answer": YesNo.YES,
    "outcome": Outcome.NONE,
    "waiting_days": None,
    "parent_answer": "",
    "is_active": True,
}
# Its texts patients read, in Spanish too (booking/translation.py).
TRANSLATED_FIELDS = ("text", "help_text", "public_label", "patient_message", "instruction")
QUESTION_FIELDS = [*QUESTION_DEFAULTS, *(f"{name}_{SPANISH}" for name in TRANSLATED_FIELDS)]


def english_question_values(entry: dict[str, Any]) -> dict[str, Any]:
    """A standard question's fields as the loader wrote them before Spanish existed."""
    return QUESTION_DEFAULTS | {
        name: value for name, value in entry.items() if name not in ("key", "parent")
    }


def question_values(entry: dict[str, Any]) -> dict[str, Any]:
    """A standard question's fields as the loader writes them, Spanish included (a text
    the English leaves empty is empty in Spanish too)."""
    spanish = screening_es.QUESTIONS[entry["key"]]
    return with_translation(
        english_question_values(entry),
        SPANISH,
        {name: spanish.get(name, "") for name in TRANSLATED_FIELDS},
    )


def identify_questions(treatment: Treatment) -> list[ScreeningQuestion]:
    """Give the questions loaded before keys existed their key, recognised by their text
    (as shipped now or before); returns the treatment's questions."""
    questions = list(treatment.screening_questions.order_by("position", "id"))
    if questions and not any(question.content_key for question in questions):
        by_text = {
            fingerprint({"text": entry["text"]}): entry["key"] for entry in screening.QUESTIONS
        } | previous.QUESTION_TEXTS
        taken: set[str] = set()
        for question in questions:
            key = by_text.get(fingerprint({"text": question.text}), "")
            if key and key not in taken:
                taken.add(key)
                question.content_key = key
                ScreeningQuestion.objects.filter(pk=question.pk).update(content_key=key)
        # The loader of that time created all of them: one missing was removed by staff.
        loaded = set(previous.QUESTIONS)
        if not taken:
            # Not one of them is left: the questionnaire is the clinic's own, and nothing
            # standard is added to it.
            loaded |= {entry["key"] for entry in screening.QUESTIONS}
        remember_created(treatment, {f"question:{key}" for key in loaded})
    return questions


def unfollowed_new_parents(rows: dict[str, ScreeningQuestion], created: set[str]) -> list[str]:
    """The standard questions created in this run only to be followed by others (say,
    `recent_treatments`) that none of those follows."""
    parents = {entry["parent"] for entry in screening.QUESTIONS if entry.get("parent")}
    return [
        key
        for key in sorted(parents)
        if f"question:{key}" in created and not rows[key].follow_ups.exists()
    ]


def load_screening(treatment: Treatment, report: Report) -> None:
    """Add the standard questions not created before, correct the ones nobody edited,
    and stop asking the ones no longer in the standard set if nobody edited them."""
    rows = {q.content_key: q for q in identify_questions(treatment) if q.content_key}
    fresh = not rows and not created_keys(treatment)
    already = created_keys(treatment)
    created: set[str] = set()
    last_position = 0
    for index, entry in enumerate(screening.QUESTIONS, start=1):
        key = entry["key"]
        wanted = question_values(entry)
        parent = rows.get(entry["parent"]) if entry.get("parent") else None
        question = rows.get(key)
        if question is None:
            if f"question:{key}" in already or (entry.get("parent") and parent is None):
                continue  # staff deleted it, or the question it follows
            # On a fresh database every tenth place; later, right after the standard
            # question before it, wherever staff have put that one.
            position = index * 10 if fresh else last_position + 1
            question = ScreeningQuestion(
                treatment=treatment, content_key=key, parent=parent, position=position, **wanted
            )
            question.loaded_fingerprint = fingerprint(wanted)
            question.full_clean()
            question.save()
            rows[key] = question
            created.add(f"question:{key}")
            last_position = position
            continue
        change, loaded = bring_up_to_date(
            question,
            wanted,
            stored=question.loaded_fingerprint,
            previous=previous.QUESTIONS.get(key, ()),
        )
        report.change(change, f"screening question “{question.text}”")
        if change == Change.UPDATED:
            question.loaded_fingerprint = loaded
            if parent is not None and question.parent_id != parent.pk:
                question.position = parent.position + 1
            question.parent = parent
            question.full_clean()
            question.save()
        else:
            store_fingerprint(question, loaded)
        last_position = question.position
    for key in unfollowed_new_parents(rows, created):
        # Added for its follow-ups, and staff deleted or edited every one of them (an
        # edited one stays where they put it): nothing would follow it. Remembered as
        # created, so a later run does not add it again.
        rows.pop(key).delete()
        created.discard(f"question:{key}")
        remember_created(treatment, {f"question:{key}"})
    standard = {entry["key"] for entry in screening.QUESTIONS}
    for key, question in rows.items():
        if key in standard or not question.is_active:
            continue
        wanted = values_of(question, QUESTION_FIELDS) | {"is_active": False}
        change, loaded = bring_up_to_date(
            question,
            wanted,
            stored=question.loaded_fingerprint,
            previous=previous.QUESTIONS.get(key, ()),
        )
        report.change(change, f"screening question “{question.text}” (no longer asked)")
        if change == Change.UPDATED:
            question.loaded_fingerprint = loaded
            question.save()
        else:
            store_fingerprint(question, loaded)
    if created:
        remember_created(treatment, created)
        report.add(True, f"{len(created)} screening questions")
    if len(rows) > len(created):
        report.add(False, f"{len(rows) - len(created)} screening questions")


def load_practitioners(treatment: Treatment, report: Report) -> None:
    existing = Practitioner.objects.count()
    if existing:
        report.add(False, f"{existing} practitioners")
        shipped = {data["name"]: data for data in practitioners.PRACTITIONERS}
        for practitioner in Practitioner.objects.filter(name__in=shipped):
            data = shipped[practitioner.name]
            filled = fill_missing_translations(
                practitioner,
                data,
                {name: data[f"{name}_{SPANISH}"] for name in ("title", "bio")},
            )
            if filled:
                practitioner.save(update_fields=filled)
                report.updated.append(f"practitioner “{practitioner.name}”: Spanish texts")
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
