import datetime as dt
import json

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from clinic import clinic_time as clinic_clock
from clinic.dates import localised_format
from clinic.models import ClinicProfile

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def structured_data(data: dict) -> SafeString:
    """Emit schema.org JSON-LD, escaped so no text can close the script element."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))


@register.filter
def local_date(value: dt.date | dt.datetime | None, fmt: str = "j F Y") -> str:
    """A day written the way the page's language writes it (clinic/dates.py):
    ``{{ day|local_date }}`` is "8 May 2027" in English, "8 de mayo de 2027" in Spanish.
    A datetime is read on the site's clock, as Django's ``date`` filter does."""
    if not value:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, localised_format(fmt))


@register.filter
def duration(minutes: int) -> str:
    """120 -> "2 hours", 90 -> "1 hour 30 minutes", 45 -> "45 minutes"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


@register.filter
def clinic_time(value: dt.datetime | None, fmt: str = "") -> str:
    """A time as patients see it, on the clinic's clock and saying whose clock it is
    (clinic/clinic_time.py), in the clinic profile's zone:

    - ``{{ appointment.starts_at|clinic_time:"l j F Y, H:i" }}``: "Tuesday 12 January
      2027, 10:00 Tijuana time (Pacific Standard Time, PST — same as San Diego)";
    - ``{{ start|clinic_time }}``: only whose clock, for the season of that time
      ("Tijuana time (Pacific Daylight Time, PDT — same as San Diego)");
    - ``{{ None|clinic_time }}``: whose clock, in no season ("Tijuana time (Pacific
      Time — same as San Diego)"), for opening hours.
    """
    tz = ClinicProfile.load().tzinfo
    if not isinstance(value, dt.datetime):
        return clinic_clock.zone_label(tz)
    if not fmt:
        return clinic_clock.zone_label(tz, value)
    return clinic_clock.time_label(value, tz, fmt)
