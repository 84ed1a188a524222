"""Slot arithmetic: which start times are really free. No database here.

Working hours are wall-clock times in the clinic's zone; everything else is an
aware datetime. Candidate starts are laid out on the wall clock of each day and
only then converted to UTC, so a daylight-saving change never shifts a slot; a
wall time that does not exist that day (spring forward) is skipped and one that
happens twice (fall back) is offered once.
"""

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True)
class Schedule:
    """One practitioner's week, time off and busy times over the window asked for."""

    practitioner_id: int
    # weekday (Monday = 0) -> list of (from, until) wall-clock times
    hours: dict[int, list[tuple[dt.time, dt.time]]]
    closures: Sequence[tuple[dt.datetime, dt.datetime]] = ()
    # occupied intervals of active appointments: (start, end of buffer)
    busy: Sequence[tuple[dt.datetime, dt.datetime]] = ()


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    practitioner_ids: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Request:
    """What is being booked, and the limits in time."""

    duration: dt.timedelta
    buffer: dt.timedelta
    interval: dt.timedelta
    earliest_start: dt.datetime
    latest_start: dt.datetime
    tz: ZoneInfo


def wall_time_to_utc(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a wall-clock time, or None if that time does not exist that day."""
    local = dt.datetime.combine(day, at).replace(tzinfo=tz, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # skipped by a spring-forward change
    return instant


def _range_close(day: dt.date, until: dt.time, tz: ZoneInfo) -> dt.datetime:
    """When a range of working hours ends; hours ending inside a skipped (spring-forward)
    hour end when the clocks jump, the first instant the wall clock reads `until` or later."""
    instant = wall_time_to_utc(day, until, tz)
    if instant is not None:
        return instant
    # fold=0 maps the missing time with the old offset: an instant just after the jump.
    instant = dt.datetime.combine(day, until, tzinfo=tz).astimezone(UTC)
    wall_until = dt.datetime.combine(day, until)
    step = dt.timedelta(minutes=1)
    while (instant - step).astimezone(tz).replace(tzinfo=None) >= wall_until:
        instant -= step
    return instant


def _wall_starts(
    day: dt.date, start: dt.time, until: dt.time, step: dt.timedelta
) -> Iterator[dt.datetime]:
    cursor = dt.datetime.combine(day, start)
    end = dt.datetime.combine(day, until)
    while cursor < end:
        yield cursor
        cursor += step


class _Intervals:
    """Sorted, merged intervals with a fast 'does [a, b) meet any of them?'."""

    def __init__(self, intervals: Iterable[tuple[dt.datetime, dt.datetime]]):
        merged: list[list[dt.datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def meets(self, start: dt.datetime, end: dt.datetime) -> bool:
        index = bisect.bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start


def free_slots(
    schedules: Iterable[Schedule],
    request: Request,
    *,
    clinic_closures: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> list[Slot]:
    """Every free start time between the request's limits, merged across practitioners.

    A slot is free for a practitioner when the treatment (duration) fits inside
    one range of their working hours, neither it nor its buffer meets another
    active appointment's occupied time, and no closure meets the treatment.
    """
    clinic_closed = list(clinic_closures)
    # Practitioners share the clinic's wall clock: convert each (day, time) once.
    to_utc = functools.cache(lambda day, at: wall_time_to_utc(day, at, request.tz))
    range_close_at = functools.cache(lambda day, at: _range_close(day, at, request.tz))
    first_day = request.earliest_start.astimezone(request.tz).date()
    last_day = request.latest_start.astimezone(request.tz).date()
    found: dict[dt.datetime, list[int]] = {}
    for schedule in schedules:
        closed = _Intervals([*schedule.closures, *clinic_closed])
        busy = _Intervals(schedule.busy)
        day = first_day
        while day <= last_day:
            for range_start, range_end in schedule.hours.get(day.weekday(), ()):
                range_close = range_close_at(day, range_end)
                for wall in _wall_starts(day, range_start, range_end, request.interval):
                    start = to_utc(day, wall.time())
                    if start is None:
                        continue
                    end = start + request.duration
                    if end > range_close:
                        continue
                    if not request.earliest_start <= start <= request.latest_start:
                        continue
                    if closed.meets(start, end) or busy.meets(start, end + request.buffer):
                        continue
                    found.setdefault(start, []).append(schedule.practitioner_id)
            day += dt.timedelta(days=1)
    return [
        Slot(start, start + request.duration, tuple(ids)) for start, ids in sorted(found.items())
    ]


def group_by_day(slots: Iterable[Slot], tz: ZoneInfo) -> dict[dt.date, list[Slot]]:
    """Slots grouped by their day on the clinic's calendar, in order."""
    days: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return days
