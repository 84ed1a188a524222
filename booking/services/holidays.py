"""Public holidays kept as whole-clinic closures, refreshed by `manage.py load_holidays`.

The refresh owns only the rows it made (`source` = holiday, one per `holiday_key`) and
never touches closures staff made. Staff may still edit or switch off a holiday closure
in the admin (deleting one there switches it off, booking/admin/practitioners.py): each
loaded row keeps the fingerprint of what the refresh wrote, so a row whose fingerprint
no longer matches has been changed by staff and is kept exactly as they left it, and a
switched-off row stays in the table so the refresh does not bring the holiday back.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction

from booking import public_holidays
from booking.models import Closure, ClosureSource

YEARS_AHEAD = 2


@dataclass
class HolidayRefresh:
    """What one refresh did, one line per closure."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    kept_as_staff_left_them: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _describe(closure: Closure, tz: ZoneInfo) -> str:
    first = closure.starts_at.astimezone(tz).date()
    last = (closure.ends_at.astimezone(tz) - dt.timedelta(microseconds=1)).date()
    days = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    return f"{days} {closure.reason}"


@transaction.atomic
def refresh_holiday_closures(today: dt.date, tz: ZoneInfo) -> HolidayRefresh:
    """Make the clinic's holiday closures from `today` to `YEARS_AHEAD` years on match
    `public_holidays.closing_days()`, leaving staff-made and staff-changed rows alone.

    Idempotent: a second run adds, updates and removes nothing. Past rows are history
    and stay."""
    until = _years_later(today, YEARS_AHEAD)
    report = HolidayRefresh()
    existing = {
        closure.holiday_key: closure
        for closure in Closure.objects.holidays().select_for_update().order_by("pk")
    }
    for days in public_holidays.closing_days(today, until):
        closure = existing.pop(days.key, None)
        if closure is None:
            closure = Closure(source=ClosureSource.HOLIDAY, holiday_key=days.key)
            outcome = report.added
        elif closure.changed_by_staff:
            report.kept_as_staff_left_them.append(_describe(closure, tz))
            continue
        else:
            outcome = report.updated
        closure.practitioner = None
        closure.starts_at = _midnight(days.first, tz)
        closure.ends_at = _midnight(days.last + dt.timedelta(days=1), tz)
        closure.reason = days.name[: Closure._meta.get_field("reason").max_length]
        closure.is_active = True
        fingerprint = closure.fingerprint()
        if outcome is report.updated and fingerprint == closure.loaded_fingerprint:
            report.kept.append(_describe(closure, tz))
            continue
        closure.loaded_fingerprint = fingerprint
        closure.save()
        outcome.append(_describe(closure, tz))

    # Rows of the coming window the library no longer lists (a corrected date): gone,
    # unless staff changed them.
    window_start = _midnight(today, tz)
    for closure in existing.values():
        if window_start <= closure.starts_at < _midnight(until, tz):
            if closure.changed_by_staff:
                report.kept_as_staff_left_them.append(_describe(closure, tz))
            else:
                report.removed.append(_describe(closure, tz))
                closure.delete()
    return report
