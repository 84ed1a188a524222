"""Queries over text kept in every language (django-modeltranslation's columns)."""

from django.conf import settings
from django.db.models import Q


def filled_in_any_language(field: str) -> Q:
    """Rows whose ``field`` has a text in at least one language: what a page shows, in
    the reader's language or, falling back, in the other (marked with its ``lang``)."""
    condition = Q()
    for code, _name in settings.LANGUAGES:
        column = f"{field}_{code}"
        condition |= Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})
    return condition
