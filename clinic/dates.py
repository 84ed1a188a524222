"""Dates and times the way each language writes them, in one place.

"martes 12 de enero de 2027, 10:00" in Spanish, "Tuesday 12 January 2027, 10:00" in
English. Used by the emails and calendar files (`booking.emails.when_text`) and by the
templates (the ``when`` filter in clinic/templatetags/clinic_i18n.py), in the language
active at the time: the page's, or the appointment's for an email.
"""

import datetime as dt

from django.conf import settings
from django.utils import formats, translation

# Django's date-format letters, per language and style. Spanish puts "de" between the
# parts ("\d\e": escaped letters are printed as they are).
FORMATS: dict[str, dict[str, str]] = {
    "es": {
        "datetime": r"l j \d\e F \d\e Y, H:i",
        "date": r"l j \d\e F \d\e Y",
        "day_time": r"l j \d\e F, H:i",
        "day_month": r"j \d\e F \d\e Y",
        "time": "H:i",
    },
    "en": {
        "datetime": "l j F Y, H:i",
        "date": "l j F Y",
        "day_time": "l j F, H:i",
        "day_month": "j F Y",
        "time": "H:i",
    },
}


def format_when(value: dt.date | dt.datetime, style: str = "datetime") -> str:
    """`value` written in the active language (an aware datetime in the active zone)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    styles = FORMATS.get(language.split("-")[0], FORMATS["en"])
    return formats.date_format(value, styles[style])
