"""The free times the booking calendar offers, shared through the cache.

Working out every free time of the next 60 days for every practitioner reads
hundreds of appointments and walks thousands of candidate starts: tens of
milliseconds. Everybody choosing a time for one treatment sees the same calendar,
so it is worked out once and kept in the cache (Redis in production, shared by
every app server) until the first of:

- the schedule changes: any save or delete of an appointment, working hours, a
  closure, a practitioner (or the treatments they do), a treatment, the booking
  policy or the clinic profile bumps the schedule version (signal receivers,
  connected in BookingConfig.ready(); the services that change appointments with a
  bulk update bump it themselves);
- a time held in it is released because its hold expires;
- ``MAX_AGE`` passes: a safety net for changes made behind the ORM's back.

Each request then keeps only the times it may book (notice, horizon, the earliest
date after a waiting period). A calendar that is a moment stale can at worst offer
a time that was just taken: holding a time always reads the database afresh
(``services.hold_slot``) and the database has the last word, so the patient is
told kindly and chooses again. While Redis is unavailable each request works the free
times out afresh and nothing is stored (clinic/redis_cache.py).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from booking.availability import Slot
from clinic.cache_versions import CacheVersion

SCHEDULE_VERSION = CacheVersion("booking:schedule-version")
MAX_AGE = dt.timedelta(minutes=5)
# Part of every key: change it when Calendar or Slot change shape, so that a new
# release never unpickles entries an older one stored.
FORMAT = "v1"

# Every model the free times are worked out from. A new one belongs here.
WATCHED_MODELS = [
    "booking.Appointment",
    "booking.AppointmentRequest",  # the clinicians' review queue (a proxy: its own signals)
    "booking.WorkingHours",
    "booking.Closure",
    "booking.Practitioner",
    "booking.BookingPolicy",
    "treatments.Treatment",
    "clinic.ClinicProfile",
]

schedule_changed = SCHEDULE_VERSION.bump


def connect_signals() -> None:
    SCHEDULE_VERSION.watch(WATCHED_MODELS)


@dataclass(frozen=True)
class Calendar:
    version: int
    computed_at: dt.datetime
    valid_until: dt.datetime
    slots: list[Slot]


# What a computation returns: the free times, and when the next hold in them expires.
Computed = tuple[list[Slot], dt.datetime | None]


def shared(name: tuple, now: dt.datetime, compute: Callable[[], Computed]) -> list[Slot]:
    """The free times stored under ``name``, computed (for ``now``) if there are none
    that are current. ``compute`` must cover every window a request within MAX_AGE of
    ``now`` may ask for."""
    key = f"booking:free-times:{FORMAT}:" + ":".join(str(part) for part in name)
    # One round trip for the version and the calendar.
    found = cache.get_many([SCHEDULE_VERSION.key, key])
    version = found.get(SCHEDULE_VERSION.key)
    stored = found.get(key)
    if (
        version is not None
        and isinstance(stored, Calendar)
        and stored.version == version
        and stored.computed_at <= now < stored.valid_until
    ):
        return stored.slots
    if version is None:
        version = SCHEDULE_VERSION.current()
    slots, next_release = compute()
    valid_until = now + MAX_AGE
    if next_release is not None:
        valid_until = min(valid_until, next_release)
    if version is not None:  # None: the cache is unavailable (clinic/redis_cache.py)
        cache.set(key, Calendar(version, now, valid_until, slots), MAX_AGE.total_seconds())
    return slots
