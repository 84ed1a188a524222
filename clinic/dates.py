"""Dates and times the way each language writes them, in one place.

"martes 12 de enero de 2027, 10:00" in Spanish, "Tuesday 12 January 2027, 10:00" in
English. Code names a format in English (Django's date-format letters, "l j F Y, H:i");
`localised_format()` gives the active language's: clinic/clinic_time.py (every time a
patient reads, on pages and in emails), the time picker, the date hints. The active
language is the page's, or the appointment's for an email.
"""

from django.conf import settings
from django.utils import translation

# Django's date-format letters, per language and style. Spanish puts "de" between the
# parts ("\d\e": escaped letters are printed as they are).
FORMATS: dict[str, dict[str, str]] = {
    "es": {
        "weekday_day": r"l j \d\e F",
        "datetime": r"l j \d\e F \d\e Y, H:i",
        "date": r"l j \d\e F \d\e Y",
        "day_time": r"l j \d\e F, H:i",
        "day_month": r"j \d\e F \d\e Y",
        "day_month_time": r"j \d\e F \d\e Y, H:i",
        "time": "H:i",
    },
    "en": {
        "weekday_day": "l j F",
        "datetime": "l j F Y, H:i",
        "date": "l j F Y",
        "day_time": "l j F, H:i",
        "day_month": "j F Y",
        "day_month_time": "j F Y, H:i",
        "time": "H:i",
    },
}


# Each English format above, by the style it is: code that names a format in English
# ("l j F Y, H:i", as clinic/clinic_time.py and the templates do) gets the active
# language's.
_STYLE_OF = {fmt: style for style, fmt in FORMATS["en"].items()}


def localised_format(fmt: str) -> str:
    r"""``fmt`` as the active language writes it: "l j F Y, H:i" -> r"l j \d\e F \d\e Y, H:i"
    in Spanish. A format not listed in FORMATS is returned as it is."""
    style = _STYLE_OF.get(fmt)
    if style is None:
        return fmt
    return _formats()[style]


def _formats() -> dict[str, str]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return FORMATS.get(language.split("-")[0], FORMATS["en"])
