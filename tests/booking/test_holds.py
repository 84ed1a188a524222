"""Holding a time: how long, for whom, and why nobody can hold the whole calendar."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from booking import services
from booking.models import Appointment, BookingPolicy, Status
from tests.factories import PractitionerFactory, ScreeningFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def treatment():
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    return treatment


def free_starts(treatment, now=None):
    """Free starts at `now` (the clock's unless told)."""
    slots = services.free_slots_for(treatment, practitioner_id=None, now=now or timezone.now())
    return [slot.start for slot in slots]


def half_an_hour_apart(starts):
    """The first two starts half an hour apart (the same range of working hours)."""
    pairs = itertools.pairwise(starts)
    return next((a, b) for a, b in pairs if b - a == dt.timedelta(minutes=30))


def hold(treatment, start, *, session="s1", ip="198.51.100.1", appointment=None, now=None):
    return services.hold_slot(
        appointment=appointment,
        treatment=treatment,
        practitioner_id=None,
        start=start,
        record=ScreeningFactory(treatment=treatment),
        session_key=session,
        client_ip=ip,
        now=now,
    )


def test_a_hold_lasts_the_policy_minutes_and_takes_the_slot(treatment):
    now = timezone.now()
    start = free_starts(treatment, now)[0]

    held = hold(treatment, start, now=now)

    assert held.status == Status.HELD
    assert held.hold_expires_at == now + dt.timedelta(minutes=BookingPolicy.load().hold_minutes)
    assert start not in free_starts(treatment, now)
    assert held.changes.filter(action="held").exists()


def test_an_expired_hold_never_blocks_anybody(treatment):
    now = timezone.now()
    later = now + dt.timedelta(minutes=BookingPolicy.load().hold_minutes, seconds=1)
    # A start still bookable at `later` (the first one at `now` may not be).
    start = free_starts(treatment, later)[0]
    hold(treatment, start, now=now)

    assert start in free_starts(treatment, later)
    other = hold(treatment, start, session="s2", ip="198.51.100.2", now=later)

    assert other.status == Status.HELD
    assert Appointment.objects.filter(status=Status.HELD).count() == 1


def test_one_visitor_cannot_hold_two_times_at_once(treatment):
    first, second = free_starts(treatment)[0:20:10]
    hold(treatment, first)

    with pytest.raises(services.AlreadyHoldingAnotherTime, match="already holding a time"):
        hold(treatment, second, ip="198.51.100.9")


def test_moving_ones_own_hold_is_not_a_second_hold(treatment):
    first, second = free_starts(treatment)[0:20:10]
    held = hold(treatment, first)

    moved = hold(treatment, second, appointment=held)

    assert moved.pk == held.pk
    assert moved.starts_at == second
    assert first in free_starts(treatment)


def test_ones_own_hold_does_not_stop_moving_it_to_a_time_it_overlaps(treatment):
    # One practitioner: half an hour later overlaps the held visit.
    first, half_an_hour_later = half_an_hour_apart(free_starts(treatment))
    held = hold(treatment, first)

    again = hold(treatment, first, appointment=held)
    moved = hold(treatment, half_an_hour_later, appointment=held)

    assert again.pk == moved.pk == held.pk
    assert moved.starts_at == half_an_hour_later
    assert Appointment.objects.filter(status=Status.HELD).count() == 1


def test_another_patients_hold_still_blocks_an_overlapping_time(treatment):
    first, half_an_hour_later = half_an_hour_apart(free_starts(treatment))
    held = hold(treatment, first)
    mine = hold(treatment, free_starts(treatment)[10], session="s2", ip="198.51.100.2")

    with pytest.raises(services.SlotUnavailable):
        hold(treatment, half_an_hour_later, session="s2", ip="198.51.100.2", appointment=mine)
    held.refresh_from_db()
    assert held.starts_at == first


def test_one_address_cannot_hold_the_whole_calendar(treatment):
    starts = free_starts(treatment)
    policy = BookingPolicy.load()
    for index in range(policy.max_holds_per_ip):
        hold(treatment, starts[index * 4], session=f"session-{index}")

    # Several people can share an address: the refusal says so, and blames nobody.
    with pytest.raises(services.BusyNetwork, match="from your network") as refusal:
        hold(treatment, starts[-1], session="yet-another-session")
    assert "already holding" not in str(refusal.value)
    assert Appointment.objects.filter(status=Status.HELD).count() == policy.max_holds_per_ip


def test_holding_and_confirming_are_retried_on_a_transaction_conflict():
    """Both put an appointment at a time, so both follow booking/services/locking.py's
    rule: decorated with retry_on_conflict (whose functools.wraps leaves __wrapped__)."""
    from booking.services import holds

    for service in (holds.hold_slot, holds.confirm_booking):
        assert getattr(service, "__wrapped__", None) is not None, service.__name__
    assert not hasattr(holds.patient_language, "__wrapped__")
