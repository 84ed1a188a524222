"""`services.free_slots_for`: free slots from the database, in a constant number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import services
from booking.availability import group_by_day
from booking.models import Appointment, BookingPolicy, Status
from tests.factories import (
    AppointmentFactory,
    ClosureFactory,
    PractitionerFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("America/Tijuana")
MONDAY = dt.date(2027, 1, 11)
TUESDAY = MONDAY + dt.timedelta(days=1)
NOW = dt.datetime.combine(MONDAY, dt.time(8), tzinfo=TZ)  # 24 h notice: Tuesday 08:00 on
MAX_QUERIES = 5  # policy, clinic profile (each once, then cached), hours, closures, appointments


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def policy(db) -> BookingPolicy:
    policy = BookingPolicy(
        minimum_notice_hours=24, horizon_days=60, slot_interval_minutes=30, hold_minutes=10
    )
    policy.save()
    return policy


@pytest.fixture
def setup(clinic_profile, policy):
    """Microneedling, 60 minutes plus 15 of buffer, with one practitioner working 9–13, 14–18."""
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=15)
    practitioner = PractitionerFactory(treatments=[treatment])
    return treatment, practitioner


def slots_for(treatment, practitioner=None, *, now=NOW, **kwargs):
    return services.free_slots_for(
        treatment,
        practitioner_id=practitioner.pk if practitioner else None,
        now=now,
        **kwargs,
    )


def times_on(day: dt.date, slots) -> list[str]:
    return [s.start.astimezone(TZ).strftime("%H:%M") for s in group_by_day(slots, TZ).get(day, [])]


def test_the_first_day_offers_the_working_hours_with_the_lunch_break(setup):
    treatment, practitioner = setup
    times = times_on(TUESDAY, slots_for(treatment, practitioner))
    assert times[0] == "09:00"
    assert "12:30" not in times  # would run into lunch
    assert times[-1] == "17:00"


@pytest.mark.parametrize(
    ("status", "expires_in", "blocks"),
    [
        (Status.HELD, dt.timedelta(minutes=5), True),
        (Status.HELD, -dt.timedelta(minutes=1), False),
        (Status.HELD, dt.timedelta(0), False),  # expires exactly now
        (Status.REQUESTED, None, True),
        (Status.CONFIRMED, None, True),
        (Status.CANCELLED, None, False),
        (Status.DECLINED, None, False),
        (Status.EXPIRED, None, False),
    ],
)
def test_only_active_appointments_take_their_slot(setup, status, expires_in, blocks):
    treatment, practitioner = setup
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=at(TUESDAY, 10),
        status=status,
        hold_expires_at=NOW + expires_in if expires_in is not None else None,
    )
    times = times_on(TUESDAY, slots_for(treatment, practitioner))
    taken = {"09:00", "09:30", "10:00", "10:30", "11:00"}  # buffers on both sides
    if blocks:
        assert not taken & set(times)
        assert "08:30" not in times and "11:30" in times
    else:
        assert taken <= set(times)


def test_a_hold_stops_blocking_once_it_expires(setup):
    treatment, practitioner = setup
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=at(TUESDAY, 10),
        status=Status.HELD,
        hold_expires_at=NOW + dt.timedelta(minutes=10),
    )
    assert "10:00" not in times_on(TUESDAY, slots_for(treatment, practitioner))
    later = NOW + dt.timedelta(minutes=10, seconds=1)
    assert "10:00" in times_on(TUESDAY, slots_for(treatment, practitioner, now=later))


def test_another_practitioners_appointment_does_not_block(setup):
    treatment, practitioner = setup
    colleague = PractitionerFactory(treatments=[treatment], name="Dr. Luis Ortega")
    AppointmentFactory(treatment=treatment, practitioner=colleague, starts_at=at(TUESDAY, 10))
    assert "10:00" in times_on(TUESDAY, slots_for(treatment, practitioner))
    any_slots = {s.start: s.practitioner_ids for s in slots_for(treatment)}
    assert any_slots[at(TUESDAY, 10)] == (practitioner.pk,)
    assert set(any_slots[at(TUESDAY, 14)]) == {practitioner.pk, colleague.pk}


def test_an_appointment_being_rescheduled_does_not_block_itself(setup):
    treatment, practitioner = setup
    appointment = AppointmentFactory(
        treatment=treatment, practitioner=practitioner, starts_at=at(TUESDAY, 10)
    )
    slots = slots_for(treatment, practitioner, ignore_appointment_id=appointment.pk)
    assert "10:00" in times_on(TUESDAY, slots)


def test_clinic_closures_remove_slots(setup):
    treatment, practitioner = setup
    ClosureFactory(starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 11, 1))
    times = times_on(TUESDAY, slots_for(treatment, practitioner))
    assert not {"09:30", "10:00", "10:30", "11:00"} & set(times)
    assert "09:00" in times and "11:30" in times


def test_a_practitioners_closure_removes_only_their_slots(setup):
    treatment, practitioner = setup
    colleague = PractitionerFactory(treatments=[treatment], name="Dr. Luis Ortega")
    ClosureFactory(practitioner=colleague, starts_at=at(TUESDAY, 0), ends_at=at(TUESDAY, 23, 59))
    assert times_on(TUESDAY, slots_for(treatment, colleague)) == []
    assert times_on(TUESDAY, slots_for(treatment, practitioner))
    assert {s.practitioner_ids for s in group_by_day(slots_for(treatment), TZ)[TUESDAY]} == {
        (practitioner.pk,)
    }


def test_minimum_notice_is_respected(setup, policy):
    treatment, practitioner = setup
    assert times_on(MONDAY, slots_for(treatment, practitioner)) == []
    policy.minimum_notice_hours = 2
    policy.save()
    assert times_on(MONDAY, slots_for(treatment, practitioner))[0] == "10:00"


def test_the_horizon_is_respected(setup, policy):
    treatment, practitioner = setup
    policy.horizon_days = 3
    policy.save()
    slots = slots_for(treatment, practitioner)
    assert max(s.start for s in slots) <= NOW + dt.timedelta(days=3)
    last_day = max(group_by_day(slots, TZ))
    assert last_day == MONDAY + dt.timedelta(days=2)  # Thursday 08:00 is before opening
    assert times_on(last_day, slots)[-1] == "17:00"


def test_the_earliest_treatment_date_moves_the_first_slot(setup):
    treatment, practitioner = setup
    friday = MONDAY + dt.timedelta(days=4)
    slots = slots_for(treatment, practitioner, earliest_date=friday)
    assert slots[0].start == at(friday, 9)


def test_an_earliest_date_beyond_the_horizon_offers_nothing(setup):
    treatment, practitioner = setup
    assert slots_for(treatment, practitioner, earliest_date=MONDAY + dt.timedelta(days=90)) == []


def test_an_inactive_practitioner_offers_nothing(setup):
    treatment, practitioner = setup
    practitioner.is_active = False
    practitioner.save()
    assert slots_for(treatment, practitioner) == []
    assert slots_for(treatment) == []


def add_appointments(treatment, practitioners, count: int) -> None:
    """`count` confirmed appointments, 90 minutes apart, none overlapping another."""
    starts = (dt.time(9), dt.time(10, 30), dt.time(12), dt.time(14), dt.time(15, 30))
    rows = []
    day = TUESDAY
    while len(rows) < count:
        for practitioner in practitioners:
            for start in starts:
                rows.append(
                    AppointmentFactory.build(
                        treatment=treatment,
                        practitioner=practitioner,
                        starts_at=dt.datetime.combine(day, start, tzinfo=TZ),
                    )
                )
        day += dt.timedelta(days=1)
    Appointment.objects.bulk_create(rows[:count])


def count_queries(treatment, practitioner) -> int:
    from django.core.cache import cache

    cache.clear()  # the policy and the clinic profile are loaded again
    with CaptureQueriesContext(connection) as queries:
        slots_for(treatment, practitioner)
    return len(queries)


@pytest.mark.parametrize("appointments", [10, 500])
def test_the_query_count_does_not_grow_with_the_appointments(
    setup, appointments, django_assert_max_num_queries
):
    treatment, practitioner = setup
    colleague = PractitionerFactory(treatments=[treatment], name="Dr. Luis Ortega")
    add_appointments(treatment, [practitioner, colleague], appointments)
    ClosureFactory(starts_at=at(TUESDAY, 0), ends_at=at(TUESDAY, 9))
    ClosureFactory(practitioner=colleague, starts_at=at(TUESDAY, 12), ends_at=at(TUESDAY, 13))
    assert count_queries(treatment, None) == count_queries(treatment, practitioner) == MAX_QUERIES
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        slots = slots_for(treatment)
    with django_assert_max_num_queries(3):  # policy and profile now come from the cache
        assert slots_for(treatment) == slots
    taken = {(a.practitioner_id, a.starts_at) for a in Appointment.objects.all()}
    for slot in slots:
        for pid in slot.practitioner_ids:
            assert (pid, slot.start) not in taken


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2027, 1, 12, 17, 0, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 12, 17, 0, 0, 1, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 14, 9, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(1999, 12, 31, 23, 30, 0, 120000, tzinfo=dt.UTC),
    ],
)
def test_the_calendar_reads_a_start_as_its_exact_microseconds(start):
    from booking.availability import to_micros
    from booking.services.slots import _EpochMicroseconds
    from tests.factories import AppointmentFactory

    appointment = AppointmentFactory(starts_at=start)
    read = Appointment.objects.filter(pk=appointment.pk).values_list(
        _EpochMicroseconds("starts_at"), flat=True
    )
    assert list(read) == [to_micros(start)]
