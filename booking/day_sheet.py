"""The desk calendar's layout: one practitioner's day as a list of what happens when.

Pure (no database): the view (booking/admin/calendar.py) loads the week in a fixed number
of queries and hands the rows here. Every time is an aware datetime; a day is a day on
the clinic's wall clock, so a daylight-saving change never shifts the hours (working
hours become instants through ``availability.wall_time_to_utc``, as the slot engine does).

A day is a list rather than a drawn grid: each visit, break, closure and run of free
start times is one entry in time order, read the same by eye, keyboard, screen reader
and printer.
"""

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from booking import availability

Hours = Sequence[tuple[dt.time, dt.time]]
Interval = tuple[dt.datetime, dt.datetime]


class Kind(enum.StrEnum):
    VISIT = "visit"
    BREAK = "break"
    CLOSED = "closed"
    FREE = "free"
    NOW = "now"


# Entries starting at the same instant: "now" first, then closures, breaks, visits, free.
_ORDER = {Kind.NOW: 0, Kind.CLOSED: 1, Kind.BREAK: 2, Kind.VISIT: 3, Kind.FREE: 4}


@dataclass(frozen=True)
class Entry:
    kind: Kind
    start: dt.datetime
    end: dt.datetime
    label: str = ""
    visit: Any = None
    # A run of free times: every start the slot engine offers in it, with where it leads.
    starts: tuple[tuple[dt.datetime, str], ...] = ()


@dataclass(frozen=True)
class Column:
    """One practitioner on one day."""

    practitioner: Any
    day: dt.date
    hours: tuple[tuple[dt.time, dt.time], ...]
    entries: tuple[Entry, ...]
    is_today: bool

    @property
    def visits(self) -> list[Any]:
        return [entry.visit for entry in self.entries if entry.kind == Kind.VISIT]

    @property
    def works(self) -> bool:
        return bool(self.hours)


def day_bounds(day: dt.date, tz: ZoneInfo) -> Interval:
    """From the day's first instant on the clinic's clock to the next day's."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end.astimezone(dt.UTC)


def week_of(day: dt.date) -> list[dt.date]:
    """Monday to Sunday of the week that holds ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=offset) for offset in range(7)]


def _instant(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """A wall-clock time as an instant; a time skipped by spring-forward as the jump."""
    instant = availability.wall_time_to_utc(day, at, tz)
    if instant is None:
        instant = dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)
    return instant


def breaks(day: dt.date, hours: Hours, tz: ZoneInfo) -> list[Interval]:
    """The gaps between one day's ranges of working hours."""
    ranges = sorted(hours)
    return [
        (_instant(day, earlier_end, tz), _instant(day, later_start, tz))
        for (_, earlier_end), (later_start, _) in zip(ranges, ranges[1:], strict=False)
        if later_start > earlier_end
    ]


def free_runs(starts: Iterable[dt.datetime], interval: dt.timedelta, duration: dt.timedelta):
    """Free start times grouped into runs of consecutive starts: (first start, end of the
    last visit that fits, the starts)."""
    runs: list[list[dt.datetime]] = []
    for start in sorted(starts):
        if runs and start - runs[-1][-1] == interval:
            runs[-1].append(start)
        else:
            runs.append([start])
    return [(run[0], run[-1] + duration, tuple(run)) for run in runs]


def build_column(
    *,
    practitioner: Any,
    day: dt.date,
    tz: ZoneInfo,
    hours: Hours,
    closures: Iterable[tuple[dt.datetime, dt.datetime, str]],
    visits: Iterable[Any],
    free_starts: Iterable[dt.datetime] = (),
    interval: dt.timedelta = dt.timedelta(minutes=30),
    duration: dt.timedelta = dt.timedelta(minutes=60),
    now: dt.datetime,
    book_url: Callable[[dt.datetime], str] = lambda start: "",
) -> Column:
    """One practitioner's day: visits (objects with ``starts_at`` and ``ends_at``), breaks
    between working hours, closures cut to the day, runs of free times (each start with
    ``book_url(start)``, the clinic's wall clock) and, today, now."""
    day_start, day_end = day_bounds(day, tz)
    entries = [
        Entry(Kind.VISIT, visit.starts_at, visit.ends_at, visit=visit)
        for visit in visits
        if visit.starts_at < day_end and visit.ends_at > day_start
    ]
    entries += [Entry(Kind.BREAK, start, end) for start, end in breaks(day, hours, tz)]
    entries += [
        Entry(Kind.CLOSED, max(start, day_start), min(end, day_end), label=label)
        for start, end, label in closures
        if start < day_end and end > day_start
    ]
    entries += [
        Entry(Kind.FREE, first, end, starts=tuple((start, "") for start in run))
        for first, end, run in free_runs(
            (start for start in free_starts if day_start <= start < day_end), interval, duration
        )
    ]
    is_today = day_start <= now < day_end
    if is_today:
        entries.append(Entry(Kind.NOW, now, now))
    entries.sort(key=lambda entry: (entry.start, _ORDER[entry.kind]))
    return Column(
        practitioner=practitioner,
        day=day,
        hours=tuple(sorted(hours)),
        entries=tuple(
            Entry(
                entry.kind,
                entry.start.astimezone(tz),
                entry.end.astimezone(tz),
                entry.label,
                entry.visit,
                tuple((start, book_url(start)) for start in _on_clock(entry.starts, tz)),
            )
            for entry in entries
        ),
        is_today=is_today,
    )


def _on_clock(starts: Iterable[tuple[dt.datetime, str]], tz: ZoneInfo) -> list[dt.datetime]:
    return [start.astimezone(tz) for start, _ in starts]
