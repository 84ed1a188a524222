"""What booking shows on other apps' pages, so that they never import booking.

The treatment page (templates/treatments/treatment_detail.html) lists who should not
have the treatment, from the screening questions:

    {% load contraindications %}
    {% who_should_not_have treatment as who_should_not %}

The page is cached; ``booking.ScreeningQuestion`` is among the models the page cache
depends on (clinic/page_cache.py), so an edited question shows at once.
"""

from django import template

from booking.choices import Outcome
from booking.models import ScreeningQuestion
from treatments.models import Treatment

register = template.Library()


@register.simple_tag
def who_should_not_have(treatment: Treatment) -> dict[str, list[ScreeningQuestion]]:
    """The labels of the questions that stop booking ("blocks") and of those that need a
    clinician's review first ("review"), in the questionnaire's order. One query."""
    questions = list(ScreeningQuestion.objects.shown_on_treatment_page(treatment))
    return {
        "blocks": [q for q in questions if q.outcome == Outcome.BLOCKS_BOOKING],
        "review": [q for q in questions if q.outcome == Outcome.NEEDS_REVIEW],
    }
