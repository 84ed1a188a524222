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


def _candidate_starts(
    day: dt.date, range_start: dt.time, range_end: dt.time, request: Request
) -> list[dt.datetime]:
    """The starts one range of working hours offers on a day, in UTC and in order: on the
    wall-clock grid, inside the request's limits, the treatment ending by the range's end.

    The same for every practitioner with that range, so worked out once per request.
    """
    opens = wall_time_to_utc(day, range_start, request.tz)
    closes = _range_close(day, range_end, request.tz)
    wall_length = dt.datetime.combine(day, range_end) - dt.datetime.combine(day, range_start)
    if opens is not None and closes - opens == wall_length:
        # The clocks do not change inside the range (every day but two a year): the
        # wall-clock grid is a plain UTC grid.
        count = -(-wall_length // request.interval)
        starts = [opens + n * request.interval for n in range(count)]
    else:
        converted = (
            wall_time_to_utc(day, wall.time(), request.tz)
            for wall in _wall_starts(day, range_start, range_end, request.interval)
        )
        starts = sorted({start for start in converted if start is not None})
    latest = min(request.latest_start, closes - request.duration)
    return starts[
        bisect.bisect_left(starts, request.earliest_start) : bisect.bisect_right(starts, latest)
    ]


def _blocked_starts(
    closures: Iterable[tuple[dt.datetime, dt.datetime]],
    busy: Iterable[tuple[dt.datetime, dt.datetime]],
    request: Request,
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """The starts a practitioner cannot take, as sorted, disjoint open intervals
    (returned as their lower and upper ends).

    A start s is blocked by a closure [a, b) when the treatment meets it (a - duration
    < s < b), and by an occupied time [a, b) when the treatment or its buffer does
    (a - duration - buffer < s < b). Intervals that only touch are kept apart: the
    start where one ends and the next begins is free.
    """
    blocked = sorted(
        [(start - request.duration, end) for start, end in closures]
        + [(start - request.duration - request.buffer, end) for start, end in busy]
    )
    lows: list[dt.datetime] = []
    highs: list[dt.datetime] = []
    for low, high in blocked:
        if high <= low:
            continue
        if highs and low < highs[-1]:
            highs[-1] = max(highs[-1], high)
        else:
            lows.append(low)
            highs.append(high)
    return lows, highs


def _free_among(
    starts: list[dt.datetime], lows: list[dt.datetime], highs: list[dt.datetime]
) -> list[dt.datetime]:
    """The sorted candidate ``starts`` outside every blocked open interval (lows, highs)."""
    if not starts:
        return starts
    free: list[dt.datetime] = []
    position = 0
    # The first blocked interval that may reach the first candidate, then walk both lists.
    index = bisect.bisect_right(highs, starts[0])
    while index < len(lows) and lows[index] < starts[-1]:
        until = bisect.bisect_right(starts, lows[index], position)
        free += starts[position:until]
        position = bisect.bisect_left(starts, highs[index], until)
        index += 1
    free += starts[position:]
    return free


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

    Interval arithmetic, not a check per candidate: each range's candidate starts are
    laid out once (shared by every practitioner working it), each practitioner's busy
    times and closures become sorted intervals of blocked starts, and one walk over
    both keeps the rest. The cost grows with the days and the appointments in the
    window, never with the whole book.
    """
    clinic_closed = list(clinic_closures)
    candidates = functools.cache(
        lambda day, start, until: _candidate_starts(day, start, until, request)
    )
    first_day = request.earliest_start.astimezone(request.tz).date()
    last_day = request.latest_start.astimezone(request.tz).date()
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    found: dict[dt.datetime, list[int]] = {}
    for schedule in schedules:
        lows, highs = _blocked_starts([*schedule.closures, *clinic_closed], schedule.busy, request)
        for day in days:
            for range_start, range_end in schedule.hours.get(day.weekday(), ()):
                for start in _free_among(candidates(day, range_start, range_end), lows, highs):
                    found.setdefault(start, []).append(schedule.practitioner_id)
    return [
        Slot(start, start + request.duration, tuple(ids)) for start, ids in sorted(found.items())
    ]


def group_by_day(slots: Iterable[Slot], tz: ZoneInfo) -> dict[dt.date, list[Slot]]:
    """Slots grouped by their day on the clinic's calendar, in order."""
    days: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return days
