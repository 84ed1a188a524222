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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    # More occupied intervals, already in microseconds since the epoch (``to_micros``):
    # how the calendar reads them from the database, without making datetimes of them.
    busy_micros: Sequence[tuple[int, int]] = ()

    def occupied_micros(self) -> list[tuple[int, int]]:
        """Every occupied interval, ``busy`` and ``busy_micros``, in microseconds."""
        return [(to_micros(start), to_micros(end)) for start, end in self.busy] + list(
            self.busy_micros
        )


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


# The arithmetic below counts in whole microseconds since the epoch: integers compare,
# hash and sort several times faster than aware datetimes, and exactly (a float timestamp
# would round the microseconds of a start "now plus the notice").
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def to_micros(instant: dt.datetime) -> int:
    return (instant - EPOCH) // MICROSECOND


def from_micros(micros: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=micros)


def _candidate_starts(
    day: dt.date, range_start: dt.time, range_end: dt.time, request: Request
) -> list[int]:
    """The starts one range of working hours offers on a day, in order (microseconds since
    the epoch): on the wall-clock grid, inside the request's limits, the treatment ending
    by the range's end.

    The same for every practitioner with that range, so worked out once per request.
    """
    step = request.interval // MICROSECOND
    offset = _offset_all_day(day, request.tz)
    if offset is not None:
        # The clocks do not change that day (every day but two a year): the wall-clock
        # grid is a plain UTC grid.
        opens = to_micros((dt.datetime.combine(day, range_start) - offset).replace(tzinfo=UTC))
        closes = (
            opens
            + (dt.datetime.combine(day, range_end) - dt.datetime.combine(day, range_start))
            // MICROSECOND
        )
        starts = list(range(opens, closes, step))
    else:
        starts, closes = _starts_on_a_changing_day(day, range_start, range_end, request)
    earliest = to_micros(request.earliest_start)
    latest = min(to_micros(request.latest_start), closes - request.duration // MICROSECOND)
    return starts[bisect.bisect_left(starts, earliest) : bisect.bisect_right(starts, latest)]


def _offset_all_day(day: dt.date, tz: ZoneInfo) -> dt.timedelta | None:
    """The zone's offset from UTC all that day; None if the clocks change that day."""
    midnight = dt.datetime.combine(day, dt.time())
    offset = tz.utcoffset(midnight)
    return offset if offset == tz.utcoffset(midnight + dt.timedelta(days=1)) else None


def _starts_on_a_changing_day(
    day: dt.date, range_start: dt.time, range_end: dt.time, request: Request
) -> tuple[list[int], int]:
    """A range's starts on a day the clocks change, and when the range closes."""
    opens = wall_time_to_utc(day, range_start, request.tz)
    closes = _range_close(day, range_end, request.tz)
    wall_length = dt.datetime.combine(day, range_end) - dt.datetime.combine(day, range_start)
    if opens is not None and closes - opens == wall_length:
        # Not inside this range: still a plain UTC grid.
        first, step = to_micros(opens), request.interval // MICROSECOND
        starts = list(range(first, first + wall_length // MICROSECOND, step))
    else:
        converted = (
            wall_time_to_utc(day, wall.time(), request.tz)
            for wall in _wall_starts(day, range_start, range_end, request.interval)
        )
        starts = sorted({to_micros(start) for start in converted if start is not None})
    return starts, to_micros(closes)


def _blocked_starts(
    closures: Iterable[tuple[dt.datetime, dt.datetime]],
    busy_micros: Iterable[tuple[int, int]],
    request: Request,
) -> tuple[list[int], list[int]]:
    """The starts a practitioner cannot take, as sorted, disjoint open intervals
    (returned as their lower and upper ends, in microseconds since the epoch).

    A start s is blocked by a closure [a, b) when the treatment meets it (a - duration
    < s < b), and by an occupied time [a, b) when the treatment or its buffer does
    (a - duration - buffer < s < b). Intervals that only touch are kept apart: the
    start where one ends and the next begins is free.
    """
    duration = request.duration // MICROSECOND
    with_buffer = duration + request.buffer // MICROSECOND
    blocked = sorted(
        [(to_micros(start) - duration, to_micros(end)) for start, end in closures]
        + [(start - with_buffer, end) for start, end in busy_micros]
    )
    lows: list[int] = []
    highs: list[int] = []
    for low, high in blocked:
        if high <= low:
            continue
        if highs and low < highs[-1]:
            highs[-1] = max(highs[-1], high)
        else:
            lows.append(low)
            highs.append(high)
    return lows, highs


def _free_among(starts: list[int], lows: list[int], highs: list[int]) -> list[int]:
    """The sorted candidate ``starts`` outside every blocked open interval (lows, highs)."""
    if not starts:
        return starts
    free: list[int] = []
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


# A free start: when (microseconds since the epoch) and which practitioners are free then.
FreeStart = tuple[int, tuple[int, ...]]


def free_starts(
    schedules: Iterable[Schedule],
    request: Request,
    *,
    clinic_closures: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> list[FreeStart]:
    """Every free start time between the request's limits, merged across practitioners,
    in order: ``free_slots`` without making a Slot of each (the shared calendar stores
    them as numbers, booking/free_times.py).

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
    found: dict[int, list[int]] = {}
    for schedule in schedules:
        lows, highs = _blocked_starts(
            [*schedule.closures, *clinic_closed], schedule.occupied_micros(), request
        )
        practitioner = schedule.practitioner_id
        for start in _free_among(_all_candidates(schedule, days, candidates), lows, highs):
            if start in found:
                found[start].append(practitioner)
            else:
                found[start] = [practitioner]
    # One tuple for each set of practitioners: most starts share one, and the shared
    # calendar pickles (and each request unpickles) a shared tuple once.
    teams: dict[tuple[int, ...], tuple[int, ...]] = {}
    merged = []
    for start in sorted(found):
        team = tuple(found[start])
        merged.append((start, teams.setdefault(team, team)))
    return merged


def _all_candidates(
    schedule: Schedule,
    days: list[dt.date],
    candidates: Callable[[dt.date, dt.time, dt.time], list[int]],
) -> list[int]:
    """Every candidate start of a practitioner's working hours over the days, in order
    and once each (then one walk against their blocked times covers the whole window)."""
    week = {weekday: sorted(ranges) for weekday, ranges in schedule.hours.items()}
    starts: list[int] = []
    for day in days:
        ranges = week.get(day.weekday(), ())
        for range_start, range_end in ranges:
            starts += candidates(day, range_start, range_end)
    if any(
        earlier[1] > later[0]
        for ranges in week.values()
        for earlier, later in zip(ranges, ranges[1:], strict=False)
    ):
        # Ranges of one day that overlap (the admin refuses them; older rows may have
        # them): their starts interleave.
        starts = sorted(set(starts))
    return starts


def free_slots(
    schedules: Iterable[Schedule],
    request: Request,
    *,
    clinic_closures: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> list[Slot]:
    """Every free start time between the request's limits, merged across practitioners,
    as Slots (``free_starts`` says which are free)."""
    return slots_of(
        free_starts(schedules, request, clinic_closures=clinic_closures), request.duration
    )


def slots_of(starts: Iterable[FreeStart], duration: dt.timedelta) -> list[Slot]:
    """Slots of ``duration`` at these free starts."""
    slots = []
    for micros, practitioner_ids in starts:
        start = from_micros(micros)
        slots.append(Slot(start, start + duration, practitioner_ids))
    return slots


def group_by_day(slots: Iterable[Slot], tz: ZoneInfo) -> dict[dt.date, list[Slot]]:
    """Slots grouped by their day on the clinic's calendar, in order."""
    days: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return days
