"""Free times: the booking window, and which starts are free for a treatment now.

Read-only. The calendar is worked out by the pure ``booking/availability.py`` from the
rota (the practitioners' hours and the closures: two queries, kept in the cache until
one of them changes) and the appointments in its window (one query), and shared through
the cache until the schedule changes (``booking/free_times.py``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Case, F, Func, Q, When

from booking import availability, free_times
from booking.models import (
    Appointment,
    BookingPolicy,
    Closure,
    Status,
    WorkingHours,
    occupies,
    overlaps_by_start,
)
from clinic.cache_versions import layout_fingerprint
from clinic.models import ClinicProfile
from treatments.models import Treatment


def booking_window(
    policy: BookingPolicy,
    now: dt.datetime,
    earliest_date: dt.date | None,
    tz: ZoneInfo,
    *,
    offered_at: dt.datetime | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """The first and last start time a patient may book now.

    The minimum notice and the horizon are measured from ``offered_at`` when given (the
    moment a time was offered to the patient and kept for them since: a live hold, a
    request awaiting review), from ``now`` otherwise; a start is never in the past.
    """
    since = min(offered_at, now) if offered_at is not None else now
    earliest = max(since + dt.timedelta(hours=policy.minimum_notice_hours), now)
    if earliest_date:
        earliest_date_start = availability.wall_time_to_utc(earliest_date, dt.time(0, 0), tz)
        if earliest_date_start:
            earliest = max(earliest, earliest_date_start)
    latest = since + dt.timedelta(days=policy.horizon_days)
    return earliest, latest


def booking_opens_on(
    policy: BookingPolicy, now: dt.datetime, earliest_date: dt.date | None, tz: ZoneInfo
) -> dt.date | None:
    """When a waiting period ends beyond the horizon: the day online booking opens for its
    first day (the horizon then reaches it). None when that day can be booked now."""
    if earliest_date is None:
        return None
    earliest, latest = booking_window(policy, now, earliest_date, tz)
    if earliest <= latest:
        return None
    return earliest_date - dt.timedelta(days=policy.horizon_days)


def free_slots_for(
    treatment: Treatment,
    *,
    practitioner_id: int | None,
    now: dt.datetime,
    earliest_date: dt.date | None = None,
    ignore_appointment_id: int | None = None,
    only_start: dt.datetime | None = None,
    offered_at: dt.datetime | None = None,
) -> list[availability.Slot]:
    """Free slots for a treatment with one practitioner or any.

    The calendar is shared through the cache until the schedule changes
    (booking/free_times.py). With `only_start`, just that start is considered (is it
    still offered?), read afresh from the database: the check before a hold, and the
    gate at confirmation (with `offered_at`, see ``booking_window``).
    """
    if only_start is None:
        return offered_times(
            treatment,
            practitioner_id=practitioner_id,
            now=now,
            earliest_date=earliest_date,
            ignore_appointment_id=ignore_appointment_id,
        ).slots
    policy = BookingPolicy.load()
    tz = ClinicProfile.load().tzinfo
    earliest, latest = booking_window(policy, now, earliest_date, tz, offered_at=offered_at)
    earliest, latest = max(earliest, only_start), min(latest, only_start)
    if earliest > latest:
        return []
    # The database has the last word here: the rota too is read afresh.
    rota = _rota(treatment, practitioner_id, earliest, _window_end(treatment, latest))
    starts, duration, _ = _compute_free_slots(
        treatment, rota, earliest, latest, now, ignore_appointment_id, policy, tz
    )
    return availability.slots_of(starts, duration)


def offered_times(
    treatment: Treatment,
    *,
    practitioner_id: int | None,
    now: dt.datetime,
    earliest_date: dt.date | None = None,
    ignore_appointment_id: int | None = None,
) -> free_times.Offered:
    """The free times offered now, from the shared calendar, with the key that names
    them (``free_times.Offered``)."""
    policy = BookingPolicy.load()
    tz = ClinicProfile.load().tzinfo
    earliest, latest = booking_window(policy, now, earliest_date, tz)
    if earliest > latest:
        return free_times.Offered(None, list)

    def whole_window() -> free_times.Computed:
        # From the notice of `now` to a horizon later than any request within the
        # calendar's life can ask for; no earliest date (each request applies its own).
        start, end = booking_window(policy, now, None, tz)
        end += free_times.MAX_AGE
        rota = _shared_rota(treatment, practitioner_id, start, _window_end(treatment, end))
        return _compute_free_slots(
            treatment, rota, start, end, now, ignore_appointment_id, policy, tz
        )

    name = (treatment.pk, practitioner_id or "any", ignore_appointment_id or "-")
    return free_times.shared(name, now, whole_window, earliest=earliest, latest=latest)


# Practitioner id -> weekday (Monday = 0) -> (from, until) wall-clock ranges.
WeeklyHours = dict[int, dict[int, list[tuple[dt.time, dt.time]]]]
Intervals = list[tuple[dt.datetime, dt.datetime]]


@dataclass(frozen=True)
class Rota:
    """Who works when: the weekly hours of every practitioner who performs a treatment,
    and the closures that meet ``covers`` (the clinic's, and each practitioner's)."""

    hours: WeeklyHours
    covers: tuple[dt.datetime, dt.datetime]
    clinic_closed: Intervals
    closed: dict[int, Intervals]

    def covering(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.covers[0] <= start and end <= self.covers[1]


# Part of the stored rota's key, from its layout (as free_times.FORMAT).
ROTA_FORMAT = layout_fingerprint(Rota)
# A stored rota covers a day more on each side than the calendar that read it first, so
# the calendars worked out after it (each a moment later) find theirs inside.
ROTA_MARGIN = dt.timedelta(days=1)


def _window_end(treatment: Treatment, latest: dt.datetime) -> dt.datetime:
    """Where the time a start at ``latest`` occupies ends: the visit and its buffer."""
    return latest + dt.timedelta(minutes=treatment.visit_minutes + treatment.buffer_minutes)


def _rota(
    treatment: Treatment, practitioner_id: int | None, start: dt.datetime, end: dt.datetime
) -> Rota:
    """The rota over [start, end), read from the database (two queries)."""
    hours = _working_hours(treatment, practitioner_id)
    clinic_closed, closed = _closures(start, end, hours.keys()) if hours else ([], {})
    return Rota(hours, (start, end), clinic_closed, closed)


def _shared_rota(
    treatment: Treatment, practitioner_id: int | None, start: dt.datetime, end: dt.datetime
) -> Rota:
    """``_rota`` from the cache while nobody changed the hours, the practitioners or the
    closures: a booking changes the calendar many times a day, the rota seldom
    (free_times.ROTA_VERSION)."""
    key = f"booking:rota:{ROTA_FORMAT}:{treatment.pk}:{practitioner_id or 'any'}"
    return free_times.ROTA_VERSION.cached(
        key,
        lambda: _rota(treatment, practitioner_id, start - ROTA_MARGIN, end + ROTA_MARGIN),
        free_times.MAX_AGE.total_seconds(),
        usable=lambda rota: rota.covering(start, end),
    )


def _compute_free_slots(
    treatment: Treatment,
    rota: Rota,
    earliest: dt.datetime,
    latest: dt.datetime,
    now: dt.datetime,
    ignore_appointment_id: int | None,
    policy: BookingPolicy,
    tz: ZoneInfo,
) -> free_times.Computed:
    """Free starts between two start times on the ``rota`` (which covers them), in one
    query, the treatment's duration, and when the first hold among the appointments in
    the way expires (that time comes free then)."""
    if not rota.hours:
        return [], dt.timedelta(minutes=treatment.visit_minutes), None
    busy, next_release = _busy_times(
        earliest, _window_end(treatment, latest), now, rota.hours.keys(), ignore_appointment_id
    )
    schedules = [
        availability.Schedule(
            practitioner_id=pid,
            hours=week,
            closures=rota.closed.get(pid, ()),
            busy_micros=busy.get(pid, ()),
        )
        for pid, week in rota.hours.items()
    ]
    request = availability.Request(
        duration=dt.timedelta(minutes=treatment.visit_minutes),
        buffer=dt.timedelta(minutes=treatment.buffer_minutes),
        interval=dt.timedelta(minutes=policy.slot_interval_minutes),
        earliest_start=earliest,
        latest_start=latest,
        tz=tz,
    )
    starts = availability.free_starts(schedules, request, clinic_closures=rota.clinic_closed)
    return starts, request.duration, next_release


def _working_hours(treatment: Treatment, practitioner_id: int | None) -> WeeklyHours:
    """The week of every active practitioner who performs the treatment (one query), in
    the practitioners' display order, so each slot lists them in that order too."""
    hours_qs = WorkingHours.objects.filter(
        practitioner__is_active=True, practitioner__treatments=treatment
    )
    if practitioner_id:
        hours_qs = hours_qs.filter(practitioner_id=practitioner_id)
    hours: WeeklyHours = {}
    for practitioner, weekday, start, end in hours_qs.values_list(
        "practitioner_id", "weekday", "starts_at", "ends_at"
    ).order_by("practitioner__position", "practitioner__name", "practitioner_id", "starts_at"):
        hours.setdefault(practitioner, {}).setdefault(weekday, []).append((start, end))
    return hours


def _closures(
    start: dt.datetime, end: dt.datetime, practitioner_ids: Iterable[int]
) -> tuple[Intervals, dict[int, Intervals]]:
    """The clinic's closures, and each practitioner's, that meet the window (one query)."""
    clinic_closed: Intervals = []
    closed: dict[int, Intervals] = {}
    for practitioner, starts_at, ends_at in (
        Closure.objects.overlapping(start, end)
        .filter(Q(practitioner__isnull=True) | Q(practitioner__in=practitioner_ids))
        .values_list("practitioner_id", "starts_at", "ends_at")
    ):
        if practitioner is None:
            clinic_closed.append((starts_at, ends_at))
        else:
            closed.setdefault(practitioner, []).append((starts_at, ends_at))
    return clinic_closed, closed


class _EpochMicroseconds(Func):
    """A timestamp column as whole microseconds since 1970, exactly.

    The calendar reads hundreds of appointments' starts each time it is worked out;
    Django's PostgreSQL driver reads a timestamp in Python (about 5 µs each, half the
    calendar's time at 200,000 appointments), an integer in C.
    """

    output_field = BigIntegerField()
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"  # PostgreSQL

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # Stored as UTC text, "YYYY-MM-DD HH:MM:SS" with ".ffffff" when there are
        # microseconds: the whole seconds from strftime (given the seconds only, or it
        # rounds .999999 up), then the six digits as written. Its "%s" is doubled twice:
        # once for this template, once for the driver's parameters.
        template = (
            "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s || '.000000', 21, 6) AS INTEGER))"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


MicroIntervals = list[tuple[int, int]]


def _busy_times(
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    practitioner_ids: Iterable[int],
    ignore_appointment_id: int | None,
) -> tuple[dict[int, MicroIntervals], dt.datetime | None]:
    """Each practitioner's occupied times in the window, in microseconds since the epoch
    (``Schedule.busy_micros``), and when the first hold among them expires (one query)."""
    # One filter() (each call copies the query: a millisecond in all, chained): bounded
    # below by start too, as a clinic that never marks its past visits completed keeps
    # them "confirmed", and the whole history would be read otherwise.
    appointments = Appointment.objects.filter(
        occupies(now),
        overlaps_by_start(start - dt.timedelta(days=1), end),
        practitioner__in=practitioner_ids,
    ).order_by()  # the arithmetic sorts them itself
    if ignore_appointment_id:
        appointments = appointments.exclude(pk=ignore_appointment_id)
    # The times as numbers: Django's PostgreSQL driver reads a timestamp in Python (about
    # 5 µs each, half the calendar's time at 200,000 appointments), an integer in C, and
    # the arithmetic counts in microseconds anyway. Only a hold's expiry is read as a
    # timestamp, and only for holds.
    rows = appointments.values_list(
        "practitioner_id",
        _EpochMicroseconds("starts_at"),
        _EpochMicroseconds("occupied_until"),
        Case(When(status=Status.HELD, then=F("hold_expires_at"))),
    )
    busy: dict[int, MicroIntervals] = {}
    next_release: dt.datetime | None = None
    for practitioner, starts_us, until_us, hold_expires_at in rows:
        if practitioner in busy:
            busy[practitioner].append((starts_us, until_us))
        else:
            busy[practitioner] = [(starts_us, until_us)]
        if hold_expires_at is not None and (next_release is None or hold_expires_at < next_release):
            next_release = hold_expires_at
    return busy, next_release


def practitioners_free_at(
    treatment: Treatment,
    start: dt.datetime,
    *,
    practitioner_id: int | None,
    now: dt.datetime,
    earliest_date: dt.date | None,
    ignore_appointment_id: int | None = None,
    offered_at: dt.datetime | None = None,
) -> list[int]:
    """Practitioners for whom this start is an offered, free slot (display order): the one
    answer to "is this start offered to this patient?" (hours, closures, notice, horizon,
    the earliest date after a waiting period, and free)."""
    slots = free_slots_for(
        treatment,
        practitioner_id=practitioner_id,
        now=now,
        earliest_date=earliest_date,
        ignore_appointment_id=ignore_appointment_id,
        only_start=start,
        offered_at=offered_at,
    )
    return list(slots[0].practitioner_ids) if slots else []
