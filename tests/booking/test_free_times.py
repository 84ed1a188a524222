"""The shared calendar of free times (booking/free_times.py): computed once, never stale
after a change made through the application, and never a way to double-book."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking import free_times, services
from booking.models import Appointment, BookingPolicy, Status, WorkingHours
from tests.booking.pages import answers, first_offered_start
from tests.factories import (
    AppointmentFactory,
    ClosureFactory,
    PractitionerFactory,
    TreatmentFactory,
    questionnaire,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("America/Tijuana")
MONDAY = dt.date(2027, 1, 11)
NOW = dt.datetime.combine(MONDAY, dt.time(8), tzinfo=TZ)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def setup(clinic_profile):
    BookingPolicy(
        minimum_notice_hours=24, horizon_days=60, slot_interval_minutes=30, hold_minutes=10
    ).save()
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=15)
    practitioner = PractitionerFactory(treatments=[treatment])
    return treatment, practitioner


def starts(treatment, *, now=NOW, **kwargs) -> list[dt.datetime]:
    slots = services.free_slots_for(treatment, practitioner_id=None, now=now, **kwargs)
    return [slot.start for slot in slots]


def queries_of(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_calendar_is_worked_out_once_and_then_read_without_queries(setup):
    treatment, _ = setup
    first = starts(treatment)

    assert queries_of(lambda: starts(treatment)) == 0
    assert starts(treatment) == first
    # Later requests within its life reuse it, each keeping only what it may book.
    later = NOW + dt.timedelta(minutes=4)
    assert queries_of(lambda: starts(treatment, now=later)) == 0
    assert starts(treatment, now=later) == [s for s in first if s >= later + dt.timedelta(hours=24)]


def test_each_request_applies_its_own_waiting_period_to_the_shared_calendar(setup):
    treatment, _ = setup
    everything = starts(treatment)
    earliest = MONDAY + dt.timedelta(days=20)

    after_wait = starts(treatment, earliest_date=earliest)

    assert after_wait
    assert min(after_wait).astimezone(TZ).date() == earliest
    assert after_wait == [s for s in everything if s.astimezone(TZ).date() >= earliest]


def test_a_new_appointment_takes_its_time_off_the_calendar_at_once(setup):
    treatment, practitioner = setup
    first = starts(treatment)[0]

    AppointmentFactory(treatment=treatment, practitioner=practitioner, starts_at=first)

    assert first not in starts(treatment)


def test_a_cancellation_gives_the_time_back_at_once(setup):
    treatment, practitioner = setup
    first = starts(treatment)[0]
    appointment = AppointmentFactory(
        treatment=treatment, practitioner=practitioner, starts_at=first
    )
    assert first not in starts(treatment)

    appointment.status = Status.CANCELLED
    appointment.save(update_fields=["status"])

    assert first in starts(treatment)


def test_a_time_comes_free_when_its_hold_expires_without_any_write(setup):
    treatment, practitioner = setup
    first = starts(treatment)[0]
    AppointmentFactory(
        treatment=treatment,
        practitioner=practitioner,
        starts_at=first,
        status=Status.HELD,
        hold_expires_at=NOW + dt.timedelta(minutes=10),
    )
    assert first not in starts(treatment)
    assert first not in starts(treatment, now=NOW + dt.timedelta(minutes=9))

    assert first in starts(treatment, now=NOW + dt.timedelta(minutes=10, seconds=1))


def test_a_booking_works_the_calendar_out_again_reading_only_the_appointments(setup):
    treatment, practitioner = setup
    first = starts(treatment)[0]
    AppointmentFactory(treatment=treatment, practitioner=practitioner, starts_at=first)

    # The rota (hours and closures) is kept apart (free_times.ROTA_VERSION).
    assert queries_of(lambda: starts(treatment)) == 1
    assert first not in starts(treatment)

    change_hours(treatment, practitioner)

    assert queries_of(lambda: starts(treatment)) == 3
    assert all(s.astimezone(TZ).hour >= 14 for s in starts(treatment))

    afternoon = starts(treatment)[0]
    ClosureFactory(practitioner=practitioner, starts_at=afternoon, ends_at=afternoon + HOUR)

    assert afternoon not in starts(treatment)


def test_a_rota_stored_for_a_shorter_window_is_read_again(setup):
    treatment, _ = setup
    day_100 = dt.datetime.combine(MONDAY + dt.timedelta(days=100), dt.time(0), tzinfo=TZ)
    ClosureFactory(starts_at=day_100, ends_at=day_100 + dt.timedelta(days=1))
    starts(treatment)  # 60 days: the rota stored covers them, not day 100
    policy = BookingPolicy.load()
    policy.horizon_days = 120  # a policy change does not touch the rota's version
    policy.save()

    later = starts(treatment)

    assert max(later) - min(later) > dt.timedelta(days=100)
    assert day_100.date() not in {s.astimezone(TZ).date() for s in later}


def test_holding_a_time_reads_the_rota_afresh_not_from_the_cache(setup):
    treatment, practitioner = setup
    first = starts(treatment)[0]
    # The practitioner's mornings end behind the ORM's back: nothing cached knows.
    mornings = list(
        WorkingHours.objects.filter(practitioner=practitioner, starts_at=dt.time(9)).values_list(
            "pk", flat=True
        )
    )
    assert mornings
    with connection.cursor() as cursor:
        for pk in mornings:
            cursor.execute(f"DELETE FROM {WorkingHours._meta.db_table} WHERE id = %s", [pk])
    assert first in starts(treatment)

    assert (
        services.practitioners_free_at(
            treatment, first, practitioner_id=None, now=NOW, earliest_date=None
        )
        == []
    )


def change_hours(treatment, practitioner):
    WorkingHours.objects.filter(practitioner=practitioner, starts_at=dt.time(9)).delete()


def close_the_clinic(treatment, practitioner):
    ClosureFactory(starts_at=NOW, ends_at=NOW + dt.timedelta(days=400), reason="Renovation")


def deactivate_practitioner(treatment, practitioner):
    practitioner.is_active = False
    practitioner.save()


def stop_offering_the_treatment(treatment, practitioner):
    practitioner.treatments.remove(treatment)


def lengthen_the_notice(treatment, practitioner):
    policy = BookingPolicy.load()
    policy.minimum_notice_hours = 24 * 30
    policy.save()


def lengthen_the_visit(treatment, practitioner):
    treatment.visit_minutes = 8 * 60
    treatment.save()


@pytest.mark.parametrize(
    "change",
    [
        change_hours,
        close_the_clinic,
        deactivate_practitioner,
        stop_offering_the_treatment,
        lengthen_the_notice,
        lengthen_the_visit,
    ],
)
def test_every_schedule_change_made_in_the_admin_is_seen_at_once(setup, change):
    treatment, practitioner = setup
    before = starts(treatment)
    assert before

    change(treatment, practitioner)

    after = starts(treatment)
    assert after != before
    # Exactly what a calendar worked out from scratch says.
    free_times.schedule_changed()
    assert after == starts(treatment)


def test_a_change_behind_the_orms_back_lives_no_longer_than_max_age(setup):
    treatment, practitioner = setup
    first = starts(treatment)[0]
    behind_the_orms_back(treatment, practitioner, first)

    assert first in starts(treatment)  # the shared calendar does not know yet
    assert first not in starts(treatment, now=NOW + free_times.MAX_AGE)


def test_a_request_from_before_the_calendar_was_worked_out_works_it_out_again(setup):
    treatment, _ = setup
    starts(treatment)

    assert queries_of(lambda: starts(treatment, now=NOW - dt.timedelta(minutes=1))) > 0


def behind_the_orms_back(treatment, practitioner, start) -> None:
    """A confirmed appointment written past the models' managers (Django's plain base
    manager, as raw SQL would): no signal, no new version."""
    Appointment._base_manager.bulk_create(
        [
            AppointmentFactory.build(
                treatment=treatment, practitioner=practitioner, starts_at=start, reference="BEHIND1"
            )
        ]
    )


# --- through the booking pages ---------------------------------------------------------


def step_url(step: str) -> str:
    return reverse("booking:step", kwargs={"step": step})


@pytest.fixture
def booking(clinic_profile):
    treatment = TreatmentFactory(microneedling=True)
    practitioner = PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    return treatment, practitioner, questions


def at_time_step(client, treatment, questions, **chosen):
    client.post(step_url("treatment"), {"treatment": treatment.pk, "practitioner": ""})
    assert client.post(step_url("screening"), answers(questions, **chosen)).status_code == 302
    response = client.get(step_url("time"))
    assert response.status_code == 200
    return response.context["picker"]


def offered(client, start) -> list:
    """The starts the time step offers on the day of `start`."""
    day = start.astimezone(TZ).date().isoformat()
    picker = client.get(step_url("time"), {"day": day}).context["picker"]
    return [time.start for time in picker.times] if picker.chosen_day.isoformat() == day else []


def test_a_stale_calendar_never_double_books(client, booking):
    treatment, practitioner, questions = booking
    at_time_step(client, treatment, questions)
    first = first_offered_start(client)
    # Somebody books that time behind the application's back (no signal, no new version).
    behind_the_orms_back(treatment, practitioner, first)
    assert first in offered(client, first)

    response = client.post(step_url("time"), {"start": first.isoformat()})

    assert response.status_code == 409
    assert "That time is no longer available. Please choose another." in response.content.decode()
    assert Appointment.objects.filter(starts_at=first).count() == 1


def test_a_time_held_by_one_patient_disappears_for_the_next_at_once(client, booking):
    from django.test import Client

    treatment, _, questions = booking
    at_time_step(client, treatment, questions)
    first = first_offered_start(client)
    other = Client()
    at_time_step(other, treatment, questions)
    assert first in offered(other, first)

    assert client.post(step_url("time"), {"start": first.isoformat()}).status_code == 302

    assert first not in offered(other, first)


def test_answering_the_questions_again_gives_the_held_time_back_at_once(client, booking):
    from django.test import Client

    treatment, _, questions = booking
    at_time_step(client, treatment, questions)
    first = first_offered_start(client)
    assert client.post(step_url("time"), {"start": first.isoformat()}).status_code == 302
    other = Client()
    at_time_step(other, treatment, questions)
    assert first not in offered(other, first)

    # The first patient changes an answer: their hold is released by a bulk update.
    assert client.post(step_url("screening"), answers(questions, nsaids="yes")).status_code == 302

    assert first in offered(other, first)


def test_the_time_step_reads_the_shared_calendar_in_one_query(client, booking):
    treatment, _, questions = booking
    at_time_step(client, treatment, questions)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(step_url("time")).status_code == 200

    # The booking's screening with its (published) treatment, in one query; hours,
    # closures and appointments come from the shared calendar.
    assert len(queries) == 1, [q["sql"] for q in queries]
