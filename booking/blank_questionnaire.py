"""The health questions as a new patient first sees them, every answer blank, stored as
HTML and shared by every patient booking the same treatment in the same language.

Thirty questions are the heaviest part of any booking page to put together, and until a
patient has answered, nothing on them is the patient's own: the CSRF token and the error
summary are put around the stored HTML by the step's template. A patient who comes back
to change their answers gets the form made afresh, with their answers in it.

New at once after any change to a question or a treatment (``QUESTIONNAIRE_VERSION``,
bumped at once and on commit like every cache version), and each day (the date
questions' example is a recent date).
"""

import datetime as dt

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from booking.forms import ScreeningForm
from booking.models import ScreeningQuestion
from clinic.cache_versions import CacheVersion
from treatments.models import Treatment

QUESTIONNAIRE_VERSION = CacheVersion(
    "booking:questionnaire-version",
    depends_on=["booking.ScreeningQuestion", "treatments.Treatment"],
)
TEMPLATE = "booking/includes/screening_questions.html"
MAX_AGE = dt.timedelta(days=1)


def questions_for(treatment: Treatment) -> list[ScreeningQuestion]:
    return list(ScreeningQuestion.objects.for_treatment(treatment).select_related("parent"))


def blank_questionnaire(treatment: Treatment) -> SafeString:
    """The questions of ``treatment`` with no answer given, as the screening step shows them
    (the fields of ``ScreeningForm`` in the active language)."""
    key = (
        f"booking:blank-questionnaire:{treatment.pk}:{translation.get_language()}:"
        f"{timezone.localdate().isoformat()}"
    )
    found = cache.get_many([QUESTIONNAIRE_VERSION.key, key])
    version = found.get(QUESTIONNAIRE_VERSION.key)
    stored = found.get(key)
    if version is not None and isinstance(stored, tuple) and stored[0] == version:
        return stored[1]
    if version is None:
        version = QUESTIONNAIRE_VERSION.current()
    html = render_to_string(TEMPLATE, {"form": ScreeningForm(questions=questions_for(treatment))})
    if version is not None:  # None: the cache is unavailable (clinic/redis_cache.py)
        cache.set(key, (version, html), MAX_AGE.total_seconds())
    return html
