"""The health questions as a new patient first sees them, every answer blank, stored as
HTML and shared by every patient booking the same treatment in the same language.

Thirty questions are the heaviest part of any booking page to put together, and until a
patient has answered, nothing on them is the patient's own: the CSRF token and the error
summary are put around the stored HTML by the step's template. A patient who comes back
to change their answers gets the form made afresh, with their answers in it.

The questions themselves (``questions_for``: every patient's answers are read against
them) are shared the same way, per treatment.

New at once after any change to a question or a treatment (``QUESTIONNAIRE_VERSION``,
bumped at once and on commit like every cache version), and each day (the date
questions' example is a recent date).
"""

import datetime as dt
import functools

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from booking.forms import ScreeningForm
from booking.models import ScreeningQuestion
from clinic.cache_versions import CacheVersion, layout_fingerprint
from treatments.models import Treatment

QUESTIONNAIRE_VERSION = CacheVersion(
    "booking:questionnaire-version",
    depends_on=["booking.ScreeningQuestion", "treatments.Treatment"],
)
TEMPLATE = "booking/includes/screening_questions.html"
MAX_AGE = dt.timedelta(days=1)


@functools.cache
def _questions_format() -> str:
    # Once the model has all its columns (django-modeltranslation adds one per language).
    return layout_fingerprint(ScreeningQuestion)


def questions_for(treatment: Treatment) -> list[ScreeningQuestion]:
    """The questions asked for ``treatment``, in order, each follow-up with its parent:
    from the cache while ``QUESTIONNAIRE_VERSION`` is the one they were read under (each
    caller gets its own copies)."""
    key = f"booking:questions:{treatment.pk}:{_questions_format()}"
    return QUESTIONNAIRE_VERSION.cached(
        key, lambda: _read_questions(treatment), MAX_AGE.total_seconds()
    )


def _read_questions(treatment: Treatment) -> list[ScreeningQuestion]:
    """A follow-up's parent is one of the same treatment's questions (``clean``), nearly
    always among these: it is taken from the list rather than joined into the query, which
    would load every question twice; a parent no longer asked is read by its id."""
    questions = list(ScreeningQuestion.objects.for_treatment(treatment))
    by_id = {question.pk: question for question in questions}
    elsewhere = {q.parent_id for q in questions if q.parent_id and q.parent_id not in by_id}
    if elsewhere:
        by_id |= ScreeningQuestion.objects.in_bulk(elsewhere)
    parent = ScreeningQuestion._meta.get_field("parent")
    for question in questions:
        if question.parent_id:
            parent.set_cached_value(question, by_id.get(question.parent_id))
    return questions


def blank_questionnaire(treatment: Treatment) -> SafeString:
    """The questions of ``treatment`` with no answer given, as the screening step shows them
    (the fields of ``ScreeningForm`` in the active language)."""
    key = (
        f"booking:blank-questionnaire:{treatment.pk}:{translation.get_language()}:"
        f"{timezone.localdate().isoformat()}"
    )
    return QUESTIONNAIRE_VERSION.cached(
        key,
        lambda: render_to_string(
            TEMPLATE, {"form": ScreeningForm(questions=questions_for(treatment))}
        ),
        MAX_AGE.total_seconds(),
    )
