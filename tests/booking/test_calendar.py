"""The .ics file: parsed back with icalendar, as a calendar client would."""

import datetime as dt
import re

import icalendar
import pytest

from booking.calendar import appointment_ics
from booking.tokens import appointment_from_token
from clinic.models import ClinicProfile
from tests.factories import AppointmentChangeFactory

pytestmark = pytest.mark.django_db


def parse(ics: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_it_describes_the_appointment(confirmed_appointment):
    calendar, event = parse(appointment_ics(confirmed_appointment))

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert event["UID"] == f"{confirmed_appointment.reference}@clinic.example"
    assert event.decoded("DTSTART") == confirmed_appointment.starts_at
    assert event.decoded("DTEND") == confirmed_appointment.ends_at
    assert event["DTSTART"].params["TZID"] == "America/Tijuana"
    assert event["DTEND"].params["TZID"] == "America/Tijuana"
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-8)
    assert str(event["SUMMARY"]) == "Microneedling at Clínica Rosa"
    assert "Av. Revolución 1234" in str(event["LOCATION"])
    assert "Tijuana" in str(event["LOCATION"])
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:hola@clinica.example"
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_it_carries_the_time_zone_definition(confirmed_appointment):
    calendar, _event = parse(appointment_ics(confirmed_appointment))

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Tijuana"]


def test_its_description_has_reference_link_and_general_preparation(confirmed_appointment):
    _calendar, event = parse(appointment_ics(confirmed_appointment))
    description = str(event["DESCRIPTION"])

    assert confirmed_appointment.reference in description
    # The link's token carries a timestamp: compare what it opens, not its text.
    (token,) = re.findall(r"https://clinic\.example/en/book/manage/([^/\s]+)/", description)
    assert appointment_from_token(token) == confirmed_appointment
    assert "Arrive 15 minutes early." in description
    # Screening-derived instructions stay in the private email, out of shared calendars.
    assert "ibuprofen" not in description


def test_the_uid_is_stable_across_files(confirmed_appointment):
    _c, first = parse(appointment_ics(confirmed_appointment))
    _c, second = parse(appointment_ics(confirmed_appointment, cancelled=True))

    assert first["UID"] == second["UID"]


def test_a_cancellation_cancels_the_same_event_with_a_higher_sequence(confirmed_appointment):
    _c, before = parse(appointment_ics(confirmed_appointment))
    AppointmentChangeFactory(appointment=confirmed_appointment, actor="patient", action="cancelled")

    calendar, after = parse(appointment_ics(confirmed_appointment, cancelled=True))

    assert calendar["METHOD"] == "CANCEL"
    assert after["STATUS"] == "CANCELLED"
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_it_follows_a_move(confirmed_appointment):
    confirmed_appointment.starts_at += dt.timedelta(days=1)
    confirmed_appointment.ends_at += dt.timedelta(days=1)
    confirmed_appointment.occupied_until += dt.timedelta(days=1)
    confirmed_appointment.save()

    _c, event = parse(appointment_ics(confirmed_appointment))

    assert event.decoded("DTSTART") == confirmed_appointment.starts_at


def test_the_organizer_falls_back_to_the_sender_address(confirmed_appointment, settings):
    settings.DEFAULT_FROM_EMAIL = "Clinic <bookings@clinic.example>"
    profile = ClinicProfile.load()
    profile.email = ""
    profile.save()

    _c, event = parse(appointment_ics(confirmed_appointment))

    # Falls back to the address the emails come from, so replies reach the clinic.
    assert str(event["ORGANIZER"]) == "mailto:bookings@clinic.example"
