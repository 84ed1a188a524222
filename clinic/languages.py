"""Text kept in every language (django-modeltranslation's columns): queries over it, and
showing it with its fallback marked."""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.utils import resolution_order

from clinic.markup import conditional_escape, format_html
from clinic.rendering import markdown_to_safe_html


def filled_in_any_language(field: str) -> Q:
    """Rows whose ``field`` has a text in at least one language: what a page shows, in
    the reader's language or, falling back, in the other (marked with its ``lang``)."""
    condition = Q()
    for code, _name in settings.LANGUAGES:
        column = f"{field}_{code}"
        condition |= Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})
    return condition


def fallback_language(obj: object, field: str) -> str:
    """The language ``field`` is shown in when the active one has no text yet (the first
    fallback that has one), or "" when it is shown in the active language (or is empty)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    if getattr(obj, f"{field}_{current}", None):
        return ""
    for code in resolution_order(current):
        if code != current and getattr(obj, f"{field}_{code}", None):
            return code
    return ""


def marked_translation(obj: object, field: str) -> SafeString:
    """A translated field in the active language, as safe HTML; where that language has
    no text yet, the text it falls back to, wrapped in its own ``lang``
    (``<span lang="en">`` inline, ``<div lang="en">`` for rendered HTML) so that screen
    readers switch voice. Fields ending in ``_html`` are already safe HTML.

    The one place that marks fallbacks: the ``{% translated %}`` template tag and form
    labels built from questions use it (``{% fallback_language %}`` where a template
    needs only the attribute)."""
    is_html = field.endswith("_html")
    # The active language's own column, when it has a text: what django-modeltranslation
    # returns then, read without its walk through the fallbacks (most of the cost of a
    # questionnaire's thirty labels).
    current = translation.get_language() or settings.LANGUAGE_CODE
    text = getattr(obj, f"{field}_{current}", None)
    code = ""
    if not text:
        code = fallback_language(obj, field)
        text = getattr(obj, field, None) or ""  # django-modeltranslation falls back itself
    body = mark_safe(text) if is_html else conditional_escape(text)
    if not code:
        return body
    element = "div" if is_html else "span"
    return format_html('<{0} lang="{1}">{2}</{0}>', element, code, body)


def render_markdown(instance: object, source: str, target: str, *, top_heading: int = 3) -> None:
    """Markdown ``source`` to safe HTML ``target``, in every language's column.

    Both are translated fields: each language's HTML comes from that language's Markdown,
    and an empty text stays empty, so a page falls back to the other language as a whole
    (and marks it). Columns are set directly: assigning the field itself would only write
    the active language's.
    """
    columns = instance.__dict__
    columns[target] = markdown_to_safe_html(columns.get(source) or "", top_heading=top_heading)
    for code, _name in settings.LANGUAGES:
        text = columns.get(f"{source}_{code}") or ""
        html = markdown_to_safe_html(text, top_heading=top_heading) if text else ""
        columns[f"{target}_{code}"] = html
