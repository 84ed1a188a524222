"""The instant the tests run at.

The autouse ``clock`` fixture (tests/conftest.py) freezes time with time-machine at
``frozen_at()`` for every test, in this process and its threads (the live server, the
concurrency tests' writers): ``timezone.now()``, ``date.today()`` and ``time.time()``
all answer that instant until the test moves it (``clock.shift(...)``,
``clock.move_to(...)``). ``time.monotonic()`` and ``time.perf_counter()`` are never
frozen, so timeouts and measured durations still work.

NOW sits mid-way between two half hours, on a Monday morning in Tijuana a week before
the fixed appointments the booking tests make (Tuesday 12 January 2027 and after).
To check that a test does not depend on the instant, run it at another one:

    TESTS_FROZEN_AT=2027-01-04T23:59:59-08:00 .venv/bin/python -m pytest tests/booking
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

TIJUANA = ZoneInfo("America/Tijuana")
NOW = dt.datetime(2027, 1, 4, 8, 40, tzinfo=TIJUANA)


def frozen_at() -> dt.datetime:
    """NOW, or the instant given in TESTS_FROZEN_AT (ISO 8601, with its UTC offset)."""
    given = os.environ.get("TESTS_FROZEN_AT")
    if not given:
        return NOW
    instant = dt.datetime.fromisoformat(given)
    if instant.tzinfo is None:
        raise ValueError("TESTS_FROZEN_AT needs a UTC offset, e.g. 2027-01-04T08:40:00-08:00")
    return instant
