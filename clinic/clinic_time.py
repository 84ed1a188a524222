"""How a time is labelled for patients: the clinic's wall clock, with its zone said plainly.

Many patients come from the United States, so "10:00 (America/Tijuana)" is not enough:
every time a patient sees says whose clock it is and, for Tijuana, that it is Pacific
Time, the same as San Diego, in the season of that very time:

    10:00 Tijuana time (Pacific Standard Time, PST — same as San Diego)    (winter)
    10:00 Tijuana time (Pacific Daylight Time, PDT — same as San Diego)    (summer)

"Same as San Diego" is said only of a zone that keeps Pacific Time's rules
(America/Los_Angeles: the same offsets, switching at the same instants). Any other zone is
named honestly by its place and abbreviation: "10:00 Mexico City time (CST)".

Pure (no database): the zone is passed in, the clinic profile's `tzinfo`. Templates use
the `clinic_time` filter (clinic/templatetags/clinic_tags.py), emails `time_label()`.
"""

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext

from clinic.dates import localised_format

PACIFIC = ZoneInfo("America/Los_Angeles")
_HOUR = dt.timedelta(hours=1)


@functools.lru_cache(maxsize=64)
def _keeps_pacific_rules(zone_key: str, year: int) -> bool:
    """Whether the zone shows Pacific Time's offset and abbreviation at every hour of the year."""
    tz = ZoneInfo(zone_key)
    instant = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    while instant < end:
        here, there = instant.astimezone(tz), instant.astimezone(PACIFIC)
        if here.utcoffset() != there.utcoffset() or here.tzname() != there.tzname():
            return False
        instant += _HOUR
    return True


def keeps_pacific_time(tz: ZoneInfo, year: int) -> bool:
    """Whether the zone's clocks read the same as San Diego's all through `year`."""
    return _keeps_pacific_rules(tz.key, year)


def _place(tz: ZoneInfo) -> str:
    """ "America/Tijuana" -> "Tijuana", "America/Mexico_City" -> "Mexico City"."""
    return tz.key.rsplit("/", 1)[-1].replace("_", " ")


def _abbreviation(local: dt.datetime) -> str:
    name = local.tzname() or ""
    # Zones without a common abbreviation carry their offset instead ("-03").
    return f"UTC{name}" if name[:1] in "+-" else name


def zone_label(tz: ZoneInfo, at: dt.datetime | None = None) -> str:
    """Whose clock a time is on, for the season of `at`: "Tijuana time (Pacific Standard
    Time, PST — same as San Diego)". Without `at`, the label of no season in particular
    ("Tijuana time (Pacific Time — same as San Diego)"), for opening hours."""
    place = _place(tz)
    year = (at or dt.datetime.now(tz)).astimezone(tz).year
    if keeps_pacific_time(tz, year):
        if at is None:
            return gettext("%(place)s time (Pacific Time — same as San Diego)") % {"place": place}
        local = at.astimezone(tz)
        if local.dst():
            return gettext("%(place)s time (Pacific Daylight Time, PDT — same as San Diego)") % {
                "place": place
            }
        return gettext("%(place)s time (Pacific Standard Time, PST — same as San Diego)") % {
            "place": place
        }
    if at is None:
        return gettext("%(place)s time") % {"place": place}
    return gettext("%(place)s time (%(abbreviation)s)") % {
        "place": place,
        "abbreviation": _abbreviation(at.astimezone(tz)),
    }


def time_label(value: dt.datetime, tz: ZoneInfo, fmt: str = "l j F Y, H:i") -> str:
    """The time on the clinic's clock, formatted with `fmt` (Django's date format, written
    in English and given the active language's word order by clinic/dates.py), and whose
    clock it is: "Tuesday 12 January 2027, 10:00 Tijuana time (Pacific Standard
    Time, PST — same as San Diego)"."""
    local = value.astimezone(tz)
    return gettext("%(time)s %(zone)s") % {
        "time": formats.date_format(local, localised_format(fmt)),
        "zone": zone_label(tz, local),
    }
