"""The `.ics` file attached to emails about an appointment's time.

It carries the time, place, reference, manage link and the treatment's general
preparation. Nothing from the screening goes in, not even the instructions
derived from it: calendars are often shared or synced to work accounts, and an
instruction such as "stop isotretinoin" would reveal a health detail there. The
email itself (private to the patient) carries those instructions.
"""

import datetime as dt
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.models import Appointment
from booking.tokens import manage_url
from clinic.models import ClinicProfile

PRODID = "-//Clinic website//Appointments//EN"


def event_uid(appointment: Appointment) -> str:
    """Stable across every email about this appointment, so calendars update one event."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{appointment.reference}@{host}"


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iCalendar file with one event for the appointment (METHOD:CANCEL when cancelled)."""
    clinic = ClinicProfile.load()
    tz = clinic.tzinfo
    treatment = appointment.treatment

    with translation.override(appointment.language):  # the patient's, whoever asks
        summary = _("%(treatment)s at %(clinic)s") % {
            "treatment": treatment.name,
            "clinic": clinic.name,
        }
        description = [
            _("Reference: %(reference)s") % {"reference": appointment.reference},
            _("View, cancel or move your appointment: %(url)s") % {"url": manage_url(appointment)},
        ]
        preparation = [
            line.strip() for line in treatment.visit_instructions.splitlines() if line.strip()
        ]
        if preparation:
            description += ["", _("Before your visit:"), *(f"- {line}" for line in preparation)]
        if appointment.instructions.strip():
            description += ["", _("Your personal preparation is in the email we sent you.")]

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")

    event = icalendar.Event()
    event.add("uid", event_uid(appointment))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(appointment.starts_at, tz))
    event.add("dtend", timezone.localtime(appointment.ends_at, tz))
    # Every recorded change (held, confirmed, moved, cancelled…) raises the sequence,
    # so a calendar replaces the copy from an earlier email with this one.
    event.add("sequence", appointment.changes.count())
    event.add("summary", summary)
    location = ", ".join([clinic.name, *clinic.address_lines])
    event.add("location", location)
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer_email = clinic.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if organizer_email:
        organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = icalendar.vText(clinic.name)
        event.add("organizer", organizer)
    calendar.add_component(event)

    # VTIMEZONE for the clinic's zone, so DTSTART;TZID=… resolves in every client. A year
    # either side of the visit is plenty and keeps the file small (the default is 1970–2038).
    calendar.add_missing_timezones(
        first_date=appointment.starts_at.date() - dt.timedelta(days=366),
        last_date=appointment.ends_at.date() + dt.timedelta(days=366),
    )
    return calendar.to_ical()
