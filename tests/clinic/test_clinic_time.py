"""Times labelled for patients (clinic/clinic_time.py and the `clinic_time` filter): Tijuana
time said as Pacific Time, the same as San Diego, in the season of that very time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from clinic.clinic_time import keeps_pacific_time, time_label, zone_label
from tests.factories import ClinicProfileFactory

TIJUANA = ZoneInfo("America/Tijuana")
UTC = dt.UTC
PST = "Tijuana time (Pacific Standard Time, PST — same as San Diego)"
PDT = "Tijuana time (Pacific Daylight Time, PDT — same as San Diego)"


def tijuana(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TIJUANA).replace(fold=fold)


def test_winter_and_summer_times_say_standard_or_daylight_time():
    assert time_label(tijuana(2027, 1, 12, 10), TIJUANA) == f"Tuesday 12 January 2027, 10:00 {PST}"
    assert time_label(tijuana(2027, 7, 13, 10), TIJUANA) == f"Tuesday 13 July 2027, 10:00 {PDT}"


def test_the_label_changes_at_the_instant_the_clocks_change_in_spring():
    # Sunday 14 March 2027: 02:00 PST becomes 03:00 PDT.
    assert zone_label(TIJUANA, dt.datetime(2027, 3, 14, 9, 59, tzinfo=UTC)) == PST  # 01:59
    assert zone_label(TIJUANA, dt.datetime(2027, 3, 14, 10, 0, tzinfo=UTC)) == PDT  # 03:00
    assert time_label(tijuana(2027, 3, 14, 10), TIJUANA, "H:i") == f"10:00 {PDT}"
    assert time_label(tijuana(2027, 3, 13, 10), TIJUANA, "H:i") == f"10:00 {PST}"


def test_the_label_changes_at_the_instant_the_clocks_change_in_autumn():
    # Sunday 7 November 2027: 02:00 PDT becomes 01:00 PST, so 01:30 happens twice.
    assert time_label(tijuana(2027, 11, 7, 1, 30), TIJUANA, "H:i") == f"01:30 {PDT}"
    assert time_label(tijuana(2027, 11, 7, 1, 30, fold=1), TIJUANA, "H:i") == f"01:30 {PST}"
    assert time_label(tijuana(2027, 11, 6, 10), TIJUANA, "H:i") == f"10:00 {PDT}"
    assert time_label(tijuana(2027, 11, 7, 10), TIJUANA, "H:i") == f"10:00 {PST}"


def test_a_utc_time_is_shown_on_the_clinics_clock():
    assert time_label(dt.datetime(2027, 1, 12, 18, tzinfo=UTC), TIJUANA, "H:i") == f"10:00 {PST}"


def test_without_a_time_the_label_names_no_season():
    assert zone_label(TIJUANA) == "Tijuana time (Pacific Time — same as San Diego)"


def test_only_zones_on_pacific_time_are_said_to_be_like_san_diego():
    assert keeps_pacific_time(TIJUANA, 2027)
    assert keeps_pacific_time(ZoneInfo("America/Los_Angeles"), 2027)
    # Mexico City left daylight saving in 2022; Phoenix matches San Diego only in summer.
    assert not keeps_pacific_time(ZoneInfo("America/Mexico_City"), 2027)
    assert not keeps_pacific_time(ZoneInfo("America/Phoenix"), 2027)

    mexico_city = ZoneInfo("America/Mexico_City")
    at = dt.datetime(2027, 7, 13, 10, tzinfo=mexico_city)
    assert time_label(at, mexico_city, "H:i") == "10:00 Mexico City time (CST)"
    phoenix = ZoneInfo("America/Phoenix")
    assert zone_label(phoenix, dt.datetime(2027, 7, 13, 10, tzinfo=phoenix)) == "Phoenix time (MST)"
    assert zone_label(mexico_city) == "Mexico City time"
    # A zone without a common abbreviation shows its offset.
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    assert zone_label(sao_paulo, dt.datetime(2027, 7, 1, tzinfo=sao_paulo)) == (
        "Sao Paulo time (UTC-03)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/Tijuana", f"Tuesday 12 January 2027, 10:00 {PST}"),
        ("America/Mexico_City", "Tuesday 12 January 2027, 12:00 Mexico City time (CST)"),
    ],
)
def test_the_filter_uses_the_clinic_profiles_zone(zone, expected):
    ClinicProfileFactory(time_zone=zone)
    template = Template(
        '{% load clinic_tags %}{{ at|clinic_time:"l j F Y, H:i" }}|{{ at|clinic_time }}'
        "|{{ None|clinic_time }}"
    )
    at = tijuana(2027, 1, 12, 10)

    full, zone_only, no_season = template.render(Context({"at": at})).split("|")

    assert full == expected
    assert full.endswith(zone_only)
    assert no_season == zone_label(ZoneInfo(zone))
