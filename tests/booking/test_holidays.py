"""Public holidays as clinic closures: loaded from the `holidays` library for two years,
refreshed without touching what staff made or changed, and closed in the calendar."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from booking import public_holidays, services
from booking.models import BookingPolicy, Closure, ClosureSource
from tests.factories import TIJUANA, ClosureFactory, PractitionerFactory, TreatmentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:booking_closure_changelist")


def load() -> str:
    out = StringIO()
    call_command("load_holidays", stdout=out)
    return out.getvalue()


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TIJUANA)


def holiday(key: str) -> Closure:
    return Closure.objects.get(holiday_key=key)


def test_the_statutory_days_come_from_the_library_with_their_moving_mondays():
    days = {
        d.key: d for d in public_holidays.closing_days(dt.date(2027, 1, 1), dt.date(2030, 12, 31))
    }
    # Art. 74: first Monday of February, third Monday of March and of November.
    assert {"MX:2027-02-01", "MX:2027-03-15", "MX:2027-11-15", "MX:2028-02-07"} <= days.keys()
    assert {"MX:2027-01-01", "MX:2027-05-01", "MX:2027-09-16", "MX:2027-12-25"} <= days.keys()
    # 1 October only in the years power is handed over (2030), not in 2027–2029.
    assert "MX:2030-10-01" in days
    assert not any(key.endswith("-10-01") for key in days if not key.startswith("MX:2030"))
    year_end = days["year-end:2027"]
    assert (year_end.first, year_end.last) == (dt.date(2027, 12, 24), dt.date(2028, 1, 1))
    assert (
        public_holidays.YEAR_END_CLOSURE_FIRST_DAY,
        public_holidays.YEAR_END_CLOSURE_LAST_DAY,
    ) == ((12, 24), (1, 1))


def test_it_loads_two_years_of_whole_day_clinic_closures(clinic_profile):
    output = load()

    # Frozen on 4 January 2027: up to 4 January 2029.
    keys = set(Closure.objects.holidays().values_list("holiday_key", flat=True))
    assert "year-end:2026" not in keys and "MX:2027-01-01" not in keys  # already over
    assert {"MX:2027-02-01", "MX:2027-12-25", "MX:2028-01-01", "year-end:2028"} <= keys
    assert "MX:2029-02-05" not in keys
    christmas = holiday("MX:2027-12-25")
    assert christmas.practitioner is None and christmas.is_active
    assert christmas.source == ClosureSource.HOLIDAY
    assert christmas.reason == "Christmas Day (public holiday)"
    assert christmas.starts_at == midnight(dt.date(2027, 12, 25))
    assert christmas.ends_at == midnight(dt.date(2027, 12, 26))
    year_end = holiday("year-end:2027")
    assert (year_end.starts_at, year_end.ends_at) == (
        midnight(dt.date(2027, 12, 24)),
        midnight(dt.date(2028, 1, 2)),
    )
    assert "added: 2027-12-25 Christmas Day (public holiday)" in output
    assert f"holiday closures: {len(keys)} added, 0 updated, 0 removed, 0 kept" in output


def test_running_it_again_changes_nothing(clinic_profile):
    load()
    before = list(Closure.objects.values_list("pk", "starts_at", "ends_at", "reason"))

    output = load()

    assert list(Closure.objects.values_list("pk", "starts_at", "ends_at", "reason")) == before
    assert f"0 added, 0 updated, 0 removed, {len(before)} kept" in output
    assert "kept: 2027-12-25 Christmas Day (public holiday)" in output


def test_it_never_touches_closures_staff_made(clinic_profile):
    staff_christmas = ClosureFactory(
        starts_at=midnight(dt.date(2027, 12, 25)), ends_at=midnight(dt.date(2027, 12, 26))
    )
    staff_christmas.reason = "Staff party"
    staff_christmas.save()

    load()
    load()

    staff_christmas.refresh_from_db()
    assert staff_christmas.source == ClosureSource.STAFF
    assert staff_christmas.holiday_key is None
    assert staff_christmas.reason == "Staff party"
    assert Closure.objects.filter(source=ClosureSource.STAFF).count() == 1


def test_a_holiday_closure_staff_edited_is_kept_as_they_left_it(admin_client, clinic_profile):
    load()
    year_end = holiday("year-end:2027")
    response = admin_client.post(
        reverse("admin:booking_closure_change", args=[year_end.pk]),
        {
            "practitioner": "",
            "starts_at_0": "2027-12-22",
            "starts_at_1": "00:00",
            "ends_at_0": "2028-01-03",
            "ends_at_1": "00:00",
            "reason": "Longer break this year",
            "is_active": "on",
        },
    )
    assert response.status_code == 302

    output = load()

    year_end.refresh_from_db()
    assert year_end.starts_at == midnight(dt.date(2027, 12, 22))
    assert year_end.reason == "Longer break this year"
    assert "kept (as staff left it): 2027-12-22 – 2028-01-02 Longer break this year" in output


def test_deleting_a_holiday_closure_in_admin_switches_it_off_for_good(admin_client, clinic_profile):
    load()
    christmas = holiday("MX:2027-12-25")
    response = admin_client.post(
        reverse("admin:booking_closure_delete", args=[christmas.pk]), {"post": "yes"}, follow=True
    )
    assert "kept switched off" in response.text

    load()

    christmas.refresh_from_db()  # still there, so the refresh knows not to add it again
    assert not christmas.is_active
    assert Closure.objects.filter(holiday_key="MX:2027-12-25").count() == 1
    assert not Closure.objects.overlapping(
        midnight(dt.date(2027, 12, 25)), midnight(dt.date(2027, 12, 26))
    ).filter(holiday_key="MX:2027-12-25")


def test_deleting_several_in_admin_deletes_staff_rows_and_switches_off_holidays(
    admin_client, clinic_profile
):
    load()
    staff_closure = ClosureFactory(reason="Training day")
    labour_day = holiday("MX:2027-05-01")
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "_selected_action": [staff_closure.pk, labour_day.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Closure.objects.filter(pk=staff_closure.pk).exists()
    labour_day.refresh_from_db()
    assert not labour_day.is_active


def test_a_day_the_library_no_longer_lists_is_removed_unless_staff_changed_it(clinic_profile):
    load()
    stale = Closure(
        source=ClosureSource.HOLIDAY,
        holiday_key="MX:2027-06-01",
        starts_at=midnight(dt.date(2027, 6, 1)),
        ends_at=midnight(dt.date(2027, 6, 2)),
        reason="Withdrawn holiday",
    )
    stale.loaded_fingerprint = stale.fingerprint()
    stale.save()
    edited = Closure(
        source=ClosureSource.HOLIDAY,
        holiday_key="MX:2027-06-02",
        starts_at=midnight(dt.date(2027, 6, 2)),
        ends_at=midnight(dt.date(2027, 6, 3)),
        reason="Kept by staff",
        loaded_fingerprint="what the refresh once wrote",
    )
    edited.save()

    output = load()

    assert not Closure.objects.filter(holiday_key="MX:2027-06-01").exists()
    assert Closure.objects.filter(holiday_key="MX:2027-06-02").exists()
    assert "removed: 2027-06-01 Withdrawn holiday" in output


def test_the_closures_page_filters_by_who_made_them(admin_client, clinic_profile):
    load()
    ClosureFactory(reason="Training day")

    holidays_page = admin_client.get(CHANGELIST, {"source__exact": ClosureSource.HOLIDAY})
    staff_page = admin_client.get(CHANGELIST, {"source__exact": ClosureSource.STAFF})

    assert "Christmas Day (public holiday)" in holidays_page.text
    assert "Training day" not in holidays_page.text
    assert "Training day" in staff_page.text
    assert "Christmas Day (public holiday)" not in staff_page.text


def test_load_clinic_content_loads_the_holidays_too():
    out = StringIO()
    call_command("load_clinic_content", stdout=out)
    assert Closure.objects.holidays().filter(holiday_key="MX:2027-12-25").exists()
    assert "added: 2027-12-25 Christmas Day (public holiday)" in out.getvalue()


def test_christmas_and_new_year_offer_no_times_once_loaded(clinic_profile, clock):
    BookingPolicy(minimum_notice_hours=24, horizon_days=60, slot_interval_minutes=30).save()
    treatment = TreatmentFactory(microneedling=True, visit_minutes=60, buffer_minutes=15)
    PractitionerFactory(treatments=[treatment])  # works every day of the week
    clock.move_to(dt.datetime(2027, 12, 1, 9, tzinfo=TIJUANA))

    def offered_days() -> set[dt.date]:
        slots = services.free_slots_for(
            treatment, practitioner_id=None, now=dt.datetime.now(TIJUANA), earliest_date=None
        )
        return {slot.start.astimezone(TIJUANA).date() for slot in slots}

    christmas, new_year = dt.date(2027, 12, 25), dt.date(2028, 1, 1)
    before = offered_days()  # worked out and kept in the cache
    assert {christmas, new_year} <= before

    load()

    after = offered_days()
    assert christmas not in after and new_year not in after
    assert not any(dt.date(2027, 12, 24) <= day <= new_year for day in after)
    assert {dt.date(2027, 12, 23), dt.date(2028, 1, 2)} <= after


@pytest.mark.parametrize(
    ("language", "christmas"),
    [("es", "Navidad (día festivo)"), ("en", "Christmas Day (public holiday)")],
)
def test_a_holidays_name_is_in_one_language(language, christmas):
    """Refreshed from a command, in the clinic's language: the library's name for the day
    too, not "Christmas Day (día festivo)"."""
    with translation.override(language):
        days = public_holidays.closing_days(dt.date(2027, 12, 1), dt.date(2028, 1, 31))
    names = {day.key: day.name for day in days}

    assert names["MX:2027-12-25"] == christmas
    if language == "es":
        assert names["MX:2028-01-01"] == "Año Nuevo (día festivo)"
