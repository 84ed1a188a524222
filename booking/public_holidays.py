"""The days the clinic closes every year: Mexico's statutory holidays and the year-end closure.

Pure (no database): `closing_days(first, last)` lists them, each with a stable key, for
`booking/services/holidays.py` to keep as clinic closures. The statutory holidays come
from the maintained `holidays` library (Ley Federal del Trabajo, art. 74: 1 January, the
first Monday of February, the third Monday of March, 1 May, 16 September, the third
Monday of November, 25 December, and 1 October every six years when power is handed
over), so moving Mondays and the six-yearly day need no code here.
"""

import datetime as dt
from dataclasses import dataclass

import holidays
from django.utils.translation import get_language, gettext

COUNTRY = "MX"

# The clinic's usual Christmas and New Year closure: from 24 December to 1 January,
# both days included. Staff can move or switch off one year's closure in the admin.
YEAR_END_CLOSURE_FIRST_DAY = (12, 24)  # (month, day) in the closing year
YEAR_END_CLOSURE_LAST_DAY = (1, 1)  # (month, day) in the following year


@dataclass(frozen=True)
class ClosingDays:
    """Whole days, clinic local dates, from `first` to `last` (both included)."""

    key: str  # stable across refreshes: "MX:2027-12-25", "year-end:2027"
    name: str
    first: dt.date
    last: dt.date


def holiday_language() -> str:
    """The `holidays` library's language for the one Django has active: a closure's
    name is one text ("Navidad (día festivo)"), written in the language of whoever
    refreshes them (the clinic's, from a command), not an English name in a Spanish
    sentence."""
    return "es" if (get_language() or "").startswith("es") else "en_US"


def closing_days(first: dt.date, last: dt.date) -> list[ClosingDays]:
    """Every statutory holiday and year-end closure that meets [first, last], by date."""
    years = range(first.year - 1, last.year + 1)
    found: list[ClosingDays] = []
    statutory = holidays.country_holidays(COUNTRY, years=years, language=holiday_language())
    for day, name in statutory.items():
        found.append(
            ClosingDays(
                key=f"{COUNTRY}:{day.isoformat()}",
                name=gettext("%(holiday)s (public holiday)") % {"holiday": name},
                first=day,
                last=day,
            )
        )
    for year in years:
        found.append(
            ClosingDays(
                key=f"year-end:{year}",
                name=gettext("Christmas and New Year closure"),
                first=dt.date(year, *YEAR_END_CLOSURE_FIRST_DAY),
                last=dt.date(year + 1, *YEAR_END_CLOSURE_LAST_DAY),
            )
        )
    return sorted(
        (days for days in found if days.last >= first and days.first <= last),
        key=lambda days: (days.first, days.key),
    )
