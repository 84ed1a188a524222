"""What several back-office pages share: permissions, the clinic's time, the status badge,
a patient's data as a download."""

import datetime as dt
import functools
from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.utils import dateformat, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from booking import services
from booking.models import AccessRecord, Appointment, ScreeningAnswer, Status
from clinic.markup import format_html
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


def status_badge(appointment: Appointment) -> SafeString:
    return status_badge_of(appointment.status, translation.get_language())


@functools.cache
def status_badge_of(status: str, language: str | None) -> SafeString:
    """The badge of a status in a language: the same few strings on every row of every
    list, written once per process."""
    # The enum's label, not get_status_display(), which rebuilds a dict of every choice
    # at each call (a tenth of the appointment list's time, once a row).
    label = Status(status).label
    short = str(label).split(" (")[0]
    return format_html(
        '<span class="booking-status booking-status--{}" title="{}">{}</span>',
        status,
        label,
        short,
    )


def one_patient_email(modeladmin, request, emails: Iterable[str]) -> str | None:
    """The one patient's email among the selected rows, or None after telling staff to
    select rows of exactly one patient."""
    distinct = {email.lower() for email in emails if email}
    if len(distinct) == 1:
        return distinct.pop()
    modeladmin.message_user(
        request,
        gettext("Select appointments of exactly one patient (one email address)."),
        level=messages.ERROR,
    )
    return None


def patient_data_download(request, email: str) -> JsonResponse:
    """Everything kept about the patient, as a JSON file; recorded as an export."""
    data = services.export_patient_data(email)
    services.record_access(
        request.user, services.patient_appointments(email), AccessRecord.Action.EXPORTED
    )
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="patient-data.json"'
    return response


def question_as_read(answer: ScreeningAnswer, language: str) -> SafeString:
    """The question's wording as the patient read it (kept on the answer, in the
    booking's ``language``); when that is not the language this page is in, the
    question's current wording in this page's language under it (when it has one).

    Needs ``answer.question`` loaded with the answer (``select_related("question")``).
    """
    page_language = translation.get_language() or settings.LANGUAGE_CODE
    if language == page_language:
        return format_html("{}", answer.question_text)
    as_read = format_html('<span lang="{}">{}</span>', language, answer.question_text)
    question = answer.question
    current = getattr(question, f"text_{page_language}", "") if question else ""
    if not current:
        return as_read
    name = dict(settings.LANGUAGES).get(page_language, page_language)
    return format_html(
        '{}<br><small class="booking-other-language">{}: {}</small>', as_read, name, current
    )
