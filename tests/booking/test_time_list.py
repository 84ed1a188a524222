"""The time step's list of days and times, stored as HTML and shared (booking/time_picker.py,
``shared_time_list``): made once for everybody offered the same times, per language, new
after any change to the schedule, and never carrying one patient's held time to another."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from booking import services, time_picker
from booking.models import BookingPolicy, Practitioner
from tests.booking.pages import DETAILS, answers, first_offered_start, step_url
from tests.factories import AppointmentFactory, PractitionerFactory, TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("America/Tijuana")
NOW = dt.datetime(2027, 1, 11, 8, tzinfo=TZ)
DAYS = (NOW.date(), NOW.date() + dt.timedelta(days=61))


@pytest.fixture
def treatment(clinic_profile):
    BookingPolicy(
        minimum_notice_hours=24, horizon_days=60, slot_interval_minutes=30, hold_minutes=10
    ).save()
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=15)
    PractitionerFactory(treatments=[treatment])
    return treatment


@pytest.fixture
def pickers_made(monkeypatch):
    """How many times the picker was worked out (each time the list was not stored)."""
    made = []
    real = time_picker.picker

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(time_picker, "picker", counting)
    return made


def time_list(treatment, *, now=NOW, day=None, held_start=None, ignore=None):
    offered = services.offered_times(
        treatment, practitioner_id=None, now=now, ignore_appointment_id=ignore
    )
    return time_picker.shared_time_list(
        offered, TZ, requested_day=day, held_start=held_start, days_offered=DAYS
    )


def test_the_list_is_made_once_and_then_shared(treatment, pickers_made):
    first = time_list(treatment)
    again = time_list(treatment, now=NOW + dt.timedelta(seconds=1))

    assert again == first
    assert len(pickers_made) == 1
    assert 'name="start"' in first.times


def test_each_language_has_its_own_list(treatment, pickers_made):
    with translation.override("en"):
        english = time_list(treatment)
    with translation.override("es"):
        spanish = time_list(treatment)

    assert len(pickers_made) == 2
    assert english.day.startswith("Tuesday")
    assert spanish.day.startswith("martes")


def test_each_day_asked_for_has_its_own_list_and_any_other_day_the_first_days(
    treatment, pickers_made
):
    first = time_list(treatment)
    wednesday = time_list(treatment, day="2027-01-13")
    assert wednesday.day.startswith("Wednesday") and wednesday != first

    # Days that cannot be offered (garbage, far away) all share one list: the first day's.
    for asked in ("nonsense", "2099-01-01", "1999-01-01", "2031-05-05"):
        assert time_list(treatment, day=asked).day == first.day
    assert len(pickers_made) == 3


def test_a_change_to_the_schedule_gives_a_new_list_at_once(treatment, pickers_made):
    first = time_list(treatment)
    start = dt.datetime.fromisoformat(
        first.times.split('value="', 1)[1].split('"', 1)[0]
    ).astimezone(dt.UTC)

    AppointmentFactory(
        treatment=treatment, practitioner=Practitioner.objects.get(), starts_at=start
    )

    after = time_list(treatment)
    assert len(pickers_made) == 2
    assert start.isoformat() in first.times
    assert start.isoformat() not in after.times


def test_a_held_time_shows_only_to_the_patient_holding_it(client, treatment):
    questions = questionnaire(treatment)
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    client.post(step_url("screening"), answers(questions))
    start = first_offered_start(client)
    client.post(step_url("time"), {"start": start.isoformat()})
    client.post(step_url("details"), DETAILS)

    own = client.get(step_url("time")).content.decode()
    assert "the time you are holding" in own
    assert f'value="{start.isoformat()}" class="btn btn-primary"' in own

    client.cookies.clear()
    client.post(step_url("treatment"), {"treatment": treatment.pk})
    client.post(step_url("screening"), answers(questions))
    other = client.get(step_url("time")).content.decode()
    assert "the time you are holding" not in other
    assert f'value="{start.isoformat()}"' not in other
