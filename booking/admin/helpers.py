"""What several back-office pages share: permissions, the clinic's time, the status badge."""

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.html import format_html

from booking.models import Appointment
from clinic.models import ClinicProfile

HEALTH_PERMISSION = "booking.view_health_answers"
REVIEW_PERMISSION = "booking.review_appointment"
EMPTY = "—"


def clinic_tz():
    return ClinicProfile.load().tzinfo


def local_time(value: dt.datetime | None, tz=None, fmt: str = "D j M Y, H:i") -> str:
    """A stored UTC time as the clinic's wall-clock time, e.g. “Tue 9 Mar 2027, 14:30”."""
    if value is None:
        return EMPTY
    return dateformat.format(timezone.localtime(value, tz or clinic_tz()), fmt)


def can_see_health(request) -> bool:
    return request.user.has_perm(HEALTH_PERMISSION)


def status_badge(appointment: Appointment):
    label = appointment.get_status_display()
    short = str(label).split(" (")[0]
    return format_html(
        '<span class="booking-status booking-status--{}" title="{}">{}</span>',
        appointment.status,
        label,
        short,
    )
