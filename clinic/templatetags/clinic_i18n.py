"""The page in each language: the switch, hreflang alternates, Open Graph locales.

Public pages, the booking flow and the manage links live under one prefix per language
(clinic/urls.py); the same page in another language is the same address under the
other prefix (`translate_url`). The address without a prefix is the `x-default`: it
sends each visitor to their language, as Django's sitemaps do (README, "Languages").
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import translate_url
from django.utils import translation
from django.utils.safestring import SafeString

from clinic.chrome import FRAGMENTS, content_of
from clinic.languages import fallback_language as _fallback_language
from clinic.languages import marked_translation

register = template.Library()

# Open Graph wants a territory: the clinic is in Mexico, its English readers mostly
# come from the United States.
OG_LOCALES = {"es": "es_MX", "en": "en_US"}
# Query parameters that choose what a page shows (the booking's treatment and day); the
# switch keeps these and drops anything else, so no page echoes arbitrary input.
KEPT_PARAMETERS = ("treatment", "day")


@dataclass(frozen=True)
class Alternate:
    """This page in one language."""

    code: str
    name: str  # in its own language: "Español", "English"
    path: str  # with the query string, for the switch
    canonical_path: str  # without it, for hreflang and canonical links
    og_locale: str
    current: bool


def _capitalised(name: str) -> str:
    """ "español" -> "Español": a language's name standing alone, as a label."""
    return name[:1].upper() + name[1:]


def _prefix(code: str) -> str:
    return f"/{code}/"


@lru_cache(maxsize=1024)  # a pure function of the URLconf; the query string varies
def _in_language(path: str, code: str, current: str) -> str:
    """`path` in language `code`; for an address no page answers (a 404), the same
    address under the other prefix, so the switch still changes the language."""
    translated = translate_url(path, code)
    if translated == path and code != current and path.startswith(_prefix(current)):
        return _prefix(code) + path.removeprefix(_prefix(current))
    return translated


@receiver(setting_changed)
def _urls_changed(setting: str, **_kwargs: object) -> None:
    if setting in ("ROOT_URLCONF", "LANGUAGES"):
        _in_language.cache_clear()
        FRAGMENTS.clear()


def _page_address(request) -> tuple[str, str]:
    """The page's path, and that path with the parameters the switch keeps."""
    path = request.path if request is not None else "/"
    kept = {
        name: request.GET[name]
        for name in KEPT_PARAMETERS
        if request is not None and request.GET.get(name)
    }
    return path, (f"{path}?{urlencode(kept)}" if kept else path)


@register.simple_tag(takes_context=True)
def language_alternates(context: template.Context) -> list[Alternate]:
    """The current page in every language of the site, the current one included."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    path, full_path = _page_address(context.get("request"))
    return [
        Alternate(
            code=code,
            name=_capitalised(translation.get_language_info(code)["name_local"]),
            path=_in_language(full_path, code, current),
            canonical_path=_in_language(path, code, current),
            og_locale=OG_LOCALES.get(code, code),
            current=code == current,
        )
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def x_default_path(context: template.Context) -> str:
    """The address without a language prefix, which sends a visitor to their language."""
    request = context.get("request")
    path = request.path if request is not None else "/"
    for code, _name in settings.LANGUAGES:
        if path.startswith(_prefix(code)):
            return "/" + path.removeprefix(_prefix(code))
    return path


@register.simple_tag
def translated(obj: object, field: str) -> SafeString:
    """``{% translated section "body_html" %}``: the field in the page's language, or its
    fallback marked with its ``lang`` (clinic/languages.py, ``marked_translation``)."""
    return marked_translation(obj, field)


@register.simple_tag
def fallback_language(obj: object, field: str) -> str:
    """``<ul{% fallback_language clinic "opening_hours" as lang %}{% if lang %} lang=…``:
    the language a field is shown in when it falls back, else ""."""
    return _fallback_language(obj, field)


@register.simple_tag(takes_context=True)
def chrome(context: template.Context, template_name: str, per_page: bool = False) -> SafeString:
    """``{% chrome "includes/footer.html" %}``: the include, rendered once per language and
    clinic profile (and, with ``per_page=True``, per address and kept parameters) and
    reused (clinic/chrome.py). Only for parts that hold nothing of the visitor's."""
    assert context.template is not None  # set while a template renders
    engine = context.template.engine
    request = context.get("request")
    if request is None:  # an error page rendered without its request: nothing to key on
        return SafeString(engine.get_template(template_name).render(context))
    key: tuple = (template_name, translation.get_language(), content_of(context.get("clinic")))
    if per_page:
        key += (_page_address(request),)
    html = FRAGMENTS.get(key)
    if html is None:
        html = engine.get_template(template_name).render(context)
        FRAGMENTS.put(key, html)
    return SafeString(html)
