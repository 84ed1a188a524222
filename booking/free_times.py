"""The free times the booking calendar offers, shared through the cache.

Working out every free time of the next 60 days for every practitioner reads
hundreds of appointments and walks thousands of candidate starts: tens of
milliseconds. Everybody choosing a time for one treatment sees the same calendar,
so it is worked out once and kept in the cache (Redis in production, shared by
every app server) until the first of:

- the schedule changes: any write to a model ``SCHEDULE_VERSION`` names below
  (appointments, working hours, closures, practitioners and the treatments they do,
  treatments, the booking policy, the clinic profile), bulk updates included, bumps
  the schedule version (clinic/cache_versions.py);
- a time held in it is released because its hold expires;
- ``MAX_AGE`` passes: a safety net for changes made behind the ORM's back.

Each request then keeps only the times it may book (notice, horizon, the earliest
date after a waiting period). A calendar that is a moment stale can at worst offer
a time that was just taken: holding a time always reads the database afresh
(``services.hold_slot``) and the database has the last word, so the patient is
told kindly and chooses again. While Redis is unavailable each request works the free
times out afresh and nothing is stored (clinic/redis_cache.py).
"""

import bisect
import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from booking.availability import FreeStart, Slot, slots_of, to_micros
from clinic.cache_versions import CacheVersion, layout_fingerprint

# Every model the free times are worked out from (booking/services/slots.py);
# tests/clinic/test_cache_dependencies.py fails if the calendar reads one not here.
SCHEDULE_VERSION = CacheVersion(
    "booking:schedule-version",
    depends_on=[
        "booking.Appointment",  # and its proxy, the clinicians' review queue
        "booking.WorkingHours",
        "booking.Closure",
        "booking.Practitioner",  # and the treatments each performs
        "booking.BookingPolicy",
        "treatments.Treatment",
        "clinic.ClinicProfile",
    ],
    # Of an appointment, the calendar reads only when and with whom it takes time
    # (services/slots.py, busy_times): a patient's details, a consent, a reminder sent or
    # a note written do not move any free time, and leave every stored calendar usable.
    reads_only={
        "booking.Appointment": (
            "practitioner",
            "starts_at",
            "occupied_until",
            "status",
            "hold_expires_at",
        ),
    },
)
# The rota: the practitioners' weekly hours and the closures (the clinic's and each
# practitioner's time off). Read for every calendar worked out, it changes seldom and is
# kept apart, so a calendar worked out again after a booking reads only the appointments
# (booking/services/slots.py). Holding a time and confirming read it afresh.
ROTA_VERSION = CacheVersion(
    "booking:rota-version",
    depends_on=[
        "booking.WorkingHours",
        "booking.Closure",
        "booking.Practitioner",  # who is active, their order, the treatments each performs
    ],
)
MAX_AGE = dt.timedelta(minutes=5)

# Make every stored calendar stale (for writes behind the ORM's back, and tests).
schedule_changed = SCHEDULE_VERSION.bump


# Each free start as (microseconds since the epoch, the practitioners free then), in
# order, as the arithmetic gives them (availability.free_starts): plain tuples unpickle
# many times faster than Slot objects with aware datetimes (~1,200 starts in 60 days).
Starts = tuple[FreeStart, ...]


@dataclass(frozen=True)
class Calendar:
    version: int
    computed_at: dt.datetime
    valid_until: dt.datetime
    starts_us: Starts
    duration: dt.timedelta  # of the treatment: every slot's end is its start plus this

    def between(self, earliest: dt.datetime, latest: dt.datetime) -> tuple[int, int]:
        """The slice of ``starts_us`` between ``earliest`` and ``latest`` (both included)."""
        first = bisect.bisect_left(self.starts_us, (to_micros(earliest),))
        last = bisect.bisect_right(self.starts_us, (to_micros(latest), (math.inf,)))
        return first, last

    def slots(self, first: int, last: int) -> list[Slot]:
        return slots_of(self.starts_us[first:last], self.duration)


class Offered:
    """The free times one request may book, and a key that names exactly them.

    ``key`` is the same for every request that is offered the same times from the same
    stored calendar (its name, version and moment, and the slice of it), so what is
    worked out from them (the time picker's HTML, booking/time_picker.py) can be shared
    under it; None when the calendar is not stored (the cache is unavailable). The slots
    themselves are made only when asked for.
    """

    def __init__(self, key: str | None, make: Callable[[], list[Slot]]):
        self.key = key
        self._make = make

    @functools.cached_property
    def slots(self) -> list[Slot]:
        return self._make()


# Part of every key, from the layout of Calendar: a release that changes it never
# unpickles entries an older one stored.
FORMAT = layout_fingerprint(Calendar)


# What a computation returns: the free starts, the treatment's duration, and when the next
# hold among them expires.
Computed = tuple[list[FreeStart], dt.timedelta, dt.datetime | None]


def shared(
    name: tuple,
    now: dt.datetime,
    compute: Callable[[], Computed],
    *,
    earliest: dt.datetime,
    latest: dt.datetime,
) -> Offered:
    """The free times stored under ``name`` that start between ``earliest`` and
    ``latest``, computed (for ``now``) if there are none that are current. ``compute``
    must cover every window a request within MAX_AGE of ``now`` may ask for."""
    key = f"booking:free-times:{FORMAT}:" + ":".join(str(part) for part in name)
    # One round trip for the version and the calendar.
    found = cache.get_many([SCHEDULE_VERSION.key, key])
    version = found.get(SCHEDULE_VERSION.key)
    stored = found.get(key)
    if not (
        version is not None
        and isinstance(stored, Calendar)
        and stored.version == version
        and stored.computed_at <= now < stored.valid_until
    ):
        if version is None:
            version = SCHEDULE_VERSION.current()
        starts, duration, next_release = compute()
        if version is None:  # the cache is unavailable (clinic/redis_cache.py)
            low, high = to_micros(earliest), to_micros(latest)
            return Offered(
                None, lambda: slots_of((s for s in starts if low <= s[0] <= high), duration)
            )
        valid_until = now + MAX_AGE
        if next_release is not None:
            valid_until = min(valid_until, next_release)
        stored = Calendar(version, now, valid_until, tuple(starts), duration)
        cache.set(key, stored, MAX_AGE.total_seconds())
    calendar = stored
    first, last = calendar.between(earliest, latest)
    moment = calendar.computed_at.timestamp()
    return Offered(
        f"{key}:{calendar.version}:{moment}:{first}:{last}",
        lambda: calendar.slots(first, last),
    )
