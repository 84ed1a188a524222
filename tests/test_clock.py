"""The tests' clock (tests/clock.py, the `clock` fixture in tests/conftest.py): frozen at
one instant unless a test says otherwise, in every thread of the process."""

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone

from tests.clock import frozen_at


def test_every_test_starts_at_the_tests_instant():
    assert timezone.now() == frozen_at()
    assert time.time() == frozen_at().timestamp()
    assert dt.date.today() == frozen_at().astimezone().date()


def test_the_clock_stands_still_until_the_test_moves_it(clock):
    before = timezone.now()
    deadline = time.monotonic() + 0.05  # the monotonic clock still runs, for timeouts
    while time.monotonic() < deadline:
        pass
    assert timezone.now() == before

    clock.shift(dt.timedelta(minutes=6))

    assert timezone.now() == before + dt.timedelta(minutes=6)


def test_threads_share_the_clock():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(timezone.now()))
    thread.start()
    thread.join()

    assert seen == [frozen_at()]


@pytest.mark.ticking_clock
def test_a_ticking_clock_starts_at_the_instant_and_runs():
    first = timezone.now()
    assert frozen_at() <= first < frozen_at() + dt.timedelta(seconds=5)
    deadline = time.monotonic() + 5
    while timezone.now() == first and time.monotonic() < deadline:
        pass
    assert timezone.now() > first


@pytest.mark.real_clock
def test_a_real_clock_is_left_alone(clock):
    assert clock is None
    assert timezone.now() != frozen_at()
