"""Slot arithmetic (booking/availability.py): which start times are free. No database."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from booking.availability import (
    Request,
    Schedule,
    Slot,
    _range_close,
    free_slots,
    free_starts,
    group_by_day,
    to_micros,
    wall_time_to_utc,
)

TZ = ZoneInfo("America/Tijuana")
UTC = dt.UTC
TUESDAY = dt.date(2027, 1, 12)
WORKDAY = [(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def every_day(*ranges: tuple[dt.time, dt.time]) -> dict[int, list[tuple[dt.time, dt.time]]]:
    return {weekday: list(ranges) for weekday in range(7)}


def schedule(practitioner_id: int = 1, hours=None, **kwargs) -> Schedule:
    return Schedule(practitioner_id=practitioner_id, hours=hours or every_day(*WORKDAY), **kwargs)


def request(
    first_day: dt.date = TUESDAY,
    last_day: dt.date | None = None,
    *,
    duration: int = 60,
    buffer: int = 0,
    interval: int = 30,
    earliest: dt.datetime | None = None,
    latest: dt.datetime | None = None,
) -> Request:
    return Request(
        duration=dt.timedelta(minutes=duration),
        buffer=dt.timedelta(minutes=buffer),
        interval=dt.timedelta(minutes=interval),
        earliest_start=earliest or at(first_day, 0),
        latest_start=latest or at(last_day or first_day, 23, 59),
        tz=TZ,
    )


def walls(slots: list[Slot]) -> list[str]:
    """Start times as the clinic's clock shows them."""
    return [slot.start.astimezone(TZ).strftime("%H:%M") for slot in slots]


def half_hours(first: str, last: str) -> list[str]:
    start = dt.datetime.strptime(first, "%H:%M")
    end = dt.datetime.strptime(last, "%H:%M")
    times = []
    while start <= end:
        times.append(start.strftime("%H:%M"))
        start += dt.timedelta(minutes=30)
    return times


def on(day: dt.date, slots: list[Slot]) -> list[Slot]:
    return group_by_day(slots, TZ).get(day, [])


# --- Working hours and breaks -------------------------------------------------------------------


def test_a_day_with_a_lunch_break_offers_times_before_and_after_it():
    slots = free_slots([schedule()], request())
    assert walls(slots) == half_hours("09:00", "12:00") + half_hours("14:00", "17:00")


def test_no_slot_spans_the_lunch_break():
    slots = free_slots([schedule()], request(duration=45))
    lunch = (at(TUESDAY, 13), at(TUESDAY, 14))
    assert all(slot.end <= lunch[0] or slot.start >= lunch[1] for slot in slots)
    assert "12:30" not in walls(slots)  # 12:30 + 45 minutes runs into the break
    assert "12:00" in walls(slots)


def test_a_slot_lasts_the_treatment_and_is_in_utc():
    [first, *_] = free_slots([schedule()], request(duration=90))
    assert first.start == dt.datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
    assert first.end - first.start == dt.timedelta(minutes=90)
    assert first.practitioner_ids == (1,)


def test_a_day_without_hours_offers_nothing():
    hours = {0: WORKDAY}  # Mondays only; TUESDAY is a Tuesday
    assert free_slots([schedule(hours=hours)], request()) == []


def test_a_treatment_longer_than_every_range_offers_nothing():
    assert free_slots([schedule()], request(duration=5 * 60)) == []


# --- Closures -----------------------------------------------------------------------------------


def test_a_clinic_closure_removes_every_slot_that_meets_it():
    closures = [(at(TUESDAY, 10), at(TUESDAY, 11))]
    slots = free_slots([schedule()], request(), clinic_closures=closures)
    assert walls(slots)[:3] == ["09:00", "11:00", "11:30"]


def test_a_slot_overlapping_a_closure_by_one_minute_is_excluded():
    closure_at_the_end = [(at(TUESDAY, 9, 59), at(TUESDAY, 9, 59) + dt.timedelta(minutes=1))]
    slots = free_slots([schedule()], request(), clinic_closures=closure_at_the_end)
    assert "09:00" not in walls(slots)
    assert "09:30" not in walls(slots)
    assert "10:00" in walls(slots)

    closure_at_the_start = [(at(TUESDAY, 8), at(TUESDAY, 9, 1))]
    slots = free_slots([schedule()], request(), clinic_closures=closure_at_the_start)
    assert walls(slots)[0] == "09:30"


def test_a_closure_that_ends_as_a_slot_starts_does_not_remove_it():
    closures = [(at(TUESDAY, 8), at(TUESDAY, 9))]
    slots = free_slots([schedule()], request(), clinic_closures=closures)
    assert walls(slots)[0] == "09:00"


def test_a_clinic_closure_over_the_whole_day_closes_it_for_everybody():
    closures = [(at(TUESDAY, 0), at(TUESDAY + dt.timedelta(days=1), 0))]
    schedules = [schedule(1), schedule(2)]
    assert free_slots(schedules, request(), clinic_closures=closures) == []


def test_a_practitioners_closure_only_affects_that_practitioner():
    off = [(at(TUESDAY, 9), at(TUESDAY, 13))]
    schedules = [schedule(1, closures=off), schedule(2)]
    slots = free_slots(schedules, request())
    by_time = dict(zip(walls(slots), [slot.practitioner_ids for slot in slots], strict=True))
    assert by_time["09:00"] == (2,)
    assert by_time["12:00"] == (2,)
    assert by_time["14:00"] == (1, 2)
    assert free_slots([schedule(1, closures=off)], request())[0].start == at(TUESDAY, 14)


# --- Buffers ------------------------------------------------------------------------------------


def busy_10_to_11_with_15_minutes_buffer() -> Schedule:
    return schedule(busy=[(at(TUESDAY, 10), at(TUESDAY, 11, 15))])


def test_an_existing_appointment_and_its_buffer_are_not_offered():
    slots = free_slots([busy_10_to_11_with_15_minutes_buffer()], request(interval=15))
    times = walls(slots)
    for taken in ("09:15", "09:30", "09:45", "10:00", "10:30", "11:00"):
        assert taken not in times
    assert "09:00" in times  # 09:00–10:00 ends as the appointment starts
    assert "11:15" in times  # the room is free again after the buffer


def test_the_buffer_of_the_new_slot_counts_too():
    busy = busy_10_to_11_with_15_minutes_buffer()
    without_buffer = walls(free_slots([busy], request(interval=15, buffer=0)))
    with_buffer = walls(free_slots([busy], request(interval=15, buffer=15)))
    assert "09:00" in without_buffer
    assert "09:00" not in with_buffer  # 09:00–10:00 plus 15 minutes meets 10:00
    assert "08:45" not in with_buffer  # before opening
    assert "11:15" in with_buffer


def test_a_slot_whose_buffer_ends_as_the_next_appointment_starts_is_free():
    busy = schedule(busy=[(at(TUESDAY, 10, 15), at(TUESDAY, 11))])
    assert "09:00" in walls(free_slots([busy], request(interval=15, buffer=15)))


def test_a_treatment_that_exactly_fills_the_gap_between_two_appointments_is_offered():
    busy = [(at(TUESDAY, 9), at(TUESDAY, 10)), (at(TUESDAY, 11, 15), at(TUESDAY, 12))]
    times = walls(free_slots([schedule(busy=busy)], request(interval=15, buffer=15)))
    assert "10:00" in times  # 10:00–11:00, its buffer ends as the next one starts
    assert "09:45" not in times and "10:15" not in times


def test_busy_time_of_one_practitioner_leaves_the_other_free():
    schedules = [busy_10_to_11_with_15_minutes_buffer(), schedule(2)]
    slots = free_slots(schedules, request())
    by_time = {walls([s])[0]: s.practitioner_ids for s in slots}
    assert by_time["10:00"] == (2,)
    assert by_time["09:00"] == (1, 2)


def test_overlapping_busy_intervals_are_merged():
    busy = [
        (at(TUESDAY, 9), at(TUESDAY, 10)),
        (at(TUESDAY, 9, 30), at(TUESDAY, 11)),
        (at(TUESDAY, 11), at(TUESDAY, 12)),
    ]
    slots = free_slots([schedule(busy=busy)], request())
    assert walls(slots)[0] == "12:00"


# --- Notice and horizon -------------------------------------------------------------------------


def test_minimum_notice_removes_earlier_starts():
    slots = free_slots([schedule()], request(earliest=at(TUESDAY, 10, 17)))
    assert walls(slots)[0] == "10:30"


def test_a_slot_exactly_at_the_earliest_start_is_offered():
    slots = free_slots([schedule()], request(earliest=at(TUESDAY, 10, 30)))
    assert walls(slots)[0] == "10:30"


def test_the_horizon_is_the_last_start_offered():
    last_day = TUESDAY + dt.timedelta(days=3)
    slots = free_slots([schedule()], request(TUESDAY, last_day, latest=at(last_day, 15)))
    days = group_by_day(slots, TZ)
    assert list(days) == [TUESDAY + dt.timedelta(days=n) for n in range(4)]
    assert walls(days[last_day])[-1] == "15:00"
    assert slots[-1].start == at(last_day, 15)


def test_an_earliest_start_after_the_latest_offers_nothing():
    req = request(earliest=at(TUESDAY, 12), latest=at(TUESDAY, 11))
    assert free_slots([schedule()], req) == []


def test_an_earliest_start_days_ahead_skips_the_days_before():
    later = TUESDAY + dt.timedelta(days=2)
    req = request(TUESDAY, later, earliest=at(later, 0))
    assert list(group_by_day(free_slots([schedule()], req), TZ)) == [later]


# --- Any practitioner ---------------------------------------------------------------------------


def test_any_practitioner_merges_start_times_and_lists_who_is_free():
    morning = schedule(1, hours=every_day((dt.time(9), dt.time(12))))
    midday = schedule(2, hours=every_day((dt.time(11), dt.time(14))))
    slots = free_slots([morning, midday], request())
    assert walls(slots) == half_hours("09:00", "13:00")
    assert len({slot.start for slot in slots}) == len(slots)
    by_time = {walls([s])[0]: s.practitioner_ids for s in slots}
    assert by_time["09:00"] == (1,)
    assert by_time["11:00"] == (1, 2)
    assert by_time["10:30"] == (1,)
    assert by_time["11:30"] == (2,)
    assert by_time["13:00"] == (2,)


def test_slots_come_sorted_across_days_and_practitioners():
    last_day = TUESDAY + dt.timedelta(days=2)
    slots = free_slots([schedule(2), schedule(1)], request(TUESDAY, last_day))
    assert [s.start for s in slots] == sorted(s.start for s in slots)


# --- Interval stepping --------------------------------------------------------------------------


def test_start_times_step_by_the_interval_from_the_start_of_each_range():
    hours = every_day((dt.time(9), dt.time(12)), (dt.time(13, 10), dt.time(15)))
    slots = free_slots([schedule(hours=hours)], request(interval=45))
    assert walls(slots) == ["09:00", "09:45", "10:30", "13:10", "13:55"]


def test_short_treatments_step_by_twenty_minutes():
    hours = every_day((dt.time(9), dt.time(10)))
    slots = free_slots([schedule(hours=hours)], request(duration=20, interval=20))
    assert walls(slots) == ["09:00", "09:20", "09:40"]


def test_group_by_day_uses_the_clinics_calendar():
    # 17:00 in Tijuana is 01:00 UTC the next day; it belongs to the Tijuana day.
    hours = every_day((dt.time(16), dt.time(18)))
    slots = free_slots([schedule(hours=hours)], request(TUESDAY, TUESDAY + dt.timedelta(days=1)))
    days = group_by_day(slots, TZ)
    assert walls(days[TUESDAY]) == ["16:00", "16:30", "17:00"]
    assert days[TUESDAY][-1].start.date() == TUESDAY + dt.timedelta(days=1)


# --- Daylight saving: America/Tijuana, 2027 ------------------------------------------------------

SPRING_FORWARD = dt.date(2027, 3, 14)  # Sunday: 02:00 PST -> 03:00 PDT
FALL_BACK = dt.date(2027, 11, 7)  # Sunday: 02:00 PDT -> 01:00 PST
NIGHT = every_day((dt.time(0), dt.time(6)))


def assert_no_duplicates_or_overlaps(slots: list[Slot]) -> None:
    starts = [slot.start for slot in slots]
    assert len(set(starts)) == len(starts)
    assert starts == sorted(starts)
    for before, after in zip(slots, slots[1:], strict=False):
        assert before.end <= after.start


def assert_wall_times_exist(slots: list[Slot]) -> None:
    for slot in slots:
        local = slot.start.astimezone(TZ)
        naive = local.replace(tzinfo=None)
        # Round trip through the wall clock: a non-existent time would come back shifted.
        assert naive.replace(tzinfo=TZ).astimezone(UTC) == slot.start


def test_spring_forward_skips_the_missing_hour_through_the_night():
    slots = free_slots([schedule(hours=NIGHT)], request(SPRING_FORWARD, duration=30))
    assert walls(slots) == half_hours("00:00", "01:30") + half_hours("03:00", "05:30")
    assert_no_duplicates_or_overlaps(slots)
    assert_wall_times_exist(slots)
    offsets = {walls([s])[0]: s.start.astimezone(TZ).strftime("%z") for s in slots}
    assert offsets["01:30"] == "-0800"
    assert offsets["03:00"] == "-0700"
    # 01:30 PST and 03:00 PDT are 30 real minutes apart.
    by_wall = {walls([s])[0]: s.start for s in slots}
    assert by_wall["03:00"] - by_wall["01:30"] == dt.timedelta(minutes=30)
    assert by_wall["03:00"] == dt.datetime(2027, 3, 14, 10, 0, tzinfo=UTC)


def test_spring_forward_an_hour_long_treatment_may_cross_the_change():
    slots = free_slots([schedule(hours=NIGHT)], request(SPRING_FORWARD, duration=60))
    assert walls(slots) == half_hours("00:00", "01:30") + half_hours("03:00", "05:00")
    assert_no_duplicates_or_overlaps(slots[:1])
    assert_wall_times_exist(slots)


def test_spring_forward_hours_ending_in_the_missing_hour_end_when_the_clocks_jump():
    for until in (dt.time(2), dt.time(2, 30)):
        hours = every_day((dt.time(0), until))
        slots = free_slots([schedule(hours=hours)], request(SPRING_FORWARD, duration=30))
        assert walls(slots) == half_hours("00:00", "01:30")
        assert slots[-1].end == dt.datetime(2027, 3, 14, 10, 0, tzinfo=UTC)


def test_fall_back_offers_the_repeated_hour_once():
    slots = free_slots([schedule(hours=NIGHT)], request(FALL_BACK, duration=30))
    assert walls(slots) == half_hours("00:00", "05:30")
    assert_no_duplicates_or_overlaps(slots)
    assert_wall_times_exist(slots)
    offsets = {walls([s])[0]: s.start.astimezone(TZ).strftime("%z") for s in slots}
    assert offsets["01:00"] == offsets["01:30"] == "-0700"  # the first 01:00–02:00
    assert offsets["02:00"] == "-0800"
    by_wall = {walls([s])[0]: s.start for s in slots}
    assert by_wall["01:00"] == dt.datetime(2027, 11, 7, 8, 0, tzinfo=UTC)
    assert by_wall["02:00"] == dt.datetime(2027, 11, 7, 10, 0, tzinfo=UTC)


def test_fall_back_an_hour_long_treatment_is_offered_once_per_wall_time():
    slots = free_slots([schedule(hours=NIGHT)], request(FALL_BACK, duration=60))
    assert walls(slots) == half_hours("00:00", "05:00")
    assert len({s.start for s in slots}) == len(slots)


def week_around(change: dt.date) -> dict[dt.date, list[Slot]]:
    """Normal hours on the Sunday before, the day of the change and the Monday after."""
    week_before = change - dt.timedelta(days=7)
    slots = free_slots([schedule()], request(week_before, change + dt.timedelta(days=1)))
    days = group_by_day(slots, TZ)
    return {day: days[day] for day in (week_before, change, change + dt.timedelta(days=1))}


def test_spring_forward_keeps_normal_hours_at_the_same_wall_clock_times():
    days = week_around(SPRING_FORWARD)
    before, change, after = days.values()
    expected = half_hours("09:00", "12:00") + half_hours("14:00", "17:00")
    assert walls(before) == walls(change) == walls(after) == expected
    assert {s.start.astimezone(TZ).strftime("%z") for s in before} == {"-0800"}
    assert {s.start.astimezone(TZ).strftime("%z") for s in change + after} == {"-0700"}
    assert before[0].start == dt.datetime(2027, 3, 7, 17, 0, tzinfo=UTC)
    assert change[0].start == dt.datetime(2027, 3, 14, 16, 0, tzinfo=UTC)
    assert after[0].start == dt.datetime(2027, 3, 15, 16, 0, tzinfo=UTC)


def test_fall_back_keeps_normal_hours_at_the_same_wall_clock_times():
    days = week_around(FALL_BACK)
    before, change, after = days.values()
    expected = half_hours("09:00", "12:00") + half_hours("14:00", "17:00")
    assert walls(before) == walls(change) == walls(after) == expected
    assert {s.start.astimezone(TZ).strftime("%z") for s in before} == {"-0700"}
    assert {s.start.astimezone(TZ).strftime("%z") for s in change + after} == {"-0800"}
    assert before[0].start == dt.datetime(2027, 10, 31, 16, 0, tzinfo=UTC)
    assert change[0].start == dt.datetime(2027, 11, 7, 17, 0, tzinfo=UTC)
    assert after[0].start == dt.datetime(2027, 11, 8, 17, 0, tzinfo=UTC)


def test_a_range_across_the_change_keeps_every_slot_inside_the_working_hours():
    for day in (SPRING_FORWARD, FALL_BACK):
        slots = free_slots([schedule(hours=NIGHT)], request(day, duration=60))
        close = dt.datetime.combine(day, dt.time(6), tzinfo=TZ)
        assert all(slot.end <= close for slot in slots)
        assert on(day, slots) == slots


# --- The interval arithmetic gives the answers of the plain rule -------------------------


def free_by_the_rule(schedules: list[Schedule], req: Request, clinic_closures) -> list[Slot]:
    """The rule of ``free_slots``'s docstring checked one candidate at a time (as the
    module did before it became interval arithmetic): every wall-clock start of every
    range, converted on its own, kept when the treatment ends by the range's end, the
    start lies in the request's limits, no closure meets the treatment and no busy time
    meets it or its buffer."""

    def meets(intervals, start, end):
        return any(a < end and b > start for a, b in intervals)

    found: dict[dt.datetime, list[int]] = {}
    for s in schedules:
        day = req.earliest_start.astimezone(req.tz).date()
        while day <= req.latest_start.astimezone(req.tz).date():
            for opens, closes in s.hours.get(day.weekday(), ()):
                range_close = _range_close(day, closes, req.tz)
                wall = dt.datetime.combine(day, opens)
                while wall < dt.datetime.combine(day, closes):
                    start = wall_time_to_utc(day, wall.time(), req.tz)
                    wall += req.interval
                    if start is None or start + req.duration > range_close:
                        continue
                    end = start + req.duration
                    if (
                        req.earliest_start <= start <= req.latest_start
                        and not meets([*s.closures, *clinic_closures], start, end)
                        and not meets(s.busy, start, end + req.buffer)
                        and s.practitioner_id not in found.get(start, [])
                    ):
                        found.setdefault(start, []).append(s.practitioner_id)
            day += dt.timedelta(days=1)
    return [Slot(start, start + req.duration, tuple(ids)) for start, ids in sorted(found.items())]


# Days around both changes of the clocks (14 March and 7 November 2027) and a plain week.
FIRST_DAYS = [dt.date(2027, 3, 13), dt.date(2027, 11, 6), dt.date(2027, 6, 1)]
minutes = st.integers(min_value=0, max_value=4 * 24 * 60)


@st.composite
def intervals(draw, first_day, most: int):
    origin = dt.datetime.combine(first_day, dt.time(0), tzinfo=UTC)
    found = []
    for _ in range(draw(st.integers(0, most))):
        start = origin + dt.timedelta(minutes=5 * (draw(minutes) // 5))
        length = dt.timedelta(minutes=draw(st.sampled_from([0, 10, 30, 60, 75, 300])))
        found.append((start, start + length))
    return found


@st.composite
def week_of_hours(draw):
    """Up to two ranges a day, some of them inside the hours the clocks change in."""
    week = {}
    for weekday in range(7):
        ranges, opens = [], draw(st.sampled_from([0, 30, 60, 90, 120, 480, 540]))
        for _ in range(draw(st.integers(0, 2))):
            closes = opens + draw(st.sampled_from([15, 45, 60, 90, 150, 300]))
            if closes >= 24 * 60:
                break
            ranges.append((dt.time(opens // 60, opens % 60), dt.time(closes // 60, closes % 60)))
            opens = closes + draw(st.sampled_from([0, 15, 30]))
            if opens >= 24 * 60:
                break
        week[weekday] = ranges
    return week


@st.composite
def calendars(draw):
    first_day = draw(st.sampled_from(FIRST_DAYS))
    schedules = [
        Schedule(
            practitioner_id=pid,
            hours=draw(week_of_hours()),
            closures=draw(intervals(first_day, 2)),
            busy=draw(intervals(first_day, 12)),
        )
        for pid in (1, 2)
    ]
    origin = dt.datetime.combine(first_day, dt.time(0), tzinfo=UTC)
    earliest = origin + dt.timedelta(minutes=draw(minutes))
    req = Request(
        duration=dt.timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90]))),
        buffer=dt.timedelta(minutes=draw(st.sampled_from([0, 10, 15]))),
        interval=dt.timedelta(minutes=draw(st.sampled_from([10, 15, 30, 45]))),
        earliest_start=earliest,
        latest_start=earliest + dt.timedelta(minutes=draw(minutes)),
        tz=TZ,
    )
    return schedules, req, draw(intervals(first_day, 1))


@settings(max_examples=300, deadline=None)
@given(calendars())
def test_the_interval_arithmetic_gives_the_answers_of_the_rule_candidate_by_candidate(calendar):
    schedules, req, clinic_closures = calendar

    def as_compared(slots):  # Slot's own == leaves the practitioners out
        return [(slot.start, slot.end, slot.practitioner_ids) for slot in slots]

    assert as_compared(free_slots(schedules, req, clinic_closures=clinic_closures)) == (
        as_compared(free_by_the_rule(schedules, req, clinic_closures))
    )


@settings(max_examples=100, deadline=None)
@given(calendars(), st.data())
def test_busy_times_given_in_microseconds_block_the_same_starts(calendar, data):
    """The calendar reads occupied times from the database as microseconds since the epoch
    (``Schedule.busy_micros``): any split of them between the two fields answers alike."""
    schedules, req, clinic_closures = calendar
    split = []
    for s in schedules:
        in_micros = data.draw(st.lists(st.booleans(), min_size=len(s.busy), max_size=len(s.busy)))
        split.append(
            dataclasses.replace(
                s,
                busy=[b for b, micros in zip(s.busy, in_micros, strict=True) if not micros],
                busy_micros=[
                    (to_micros(start), to_micros(end))
                    for (start, end), micros in zip(s.busy, in_micros, strict=True)
                    if micros
                ],
            )
        )
    assert free_starts(split, req, clinic_closures=clinic_closures) == free_starts(
        schedules, req, clinic_closures=clinic_closures
    )
