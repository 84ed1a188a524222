"""Emails to the clinic's manager (not to patients): a patient's data request.

The request is recorded first (``DataRequest``, listed in admin, where the manager
handles it whatever happens to the email); once its transaction commits, the task
``notify_data_request`` is handed to the worker (django-tasks, as for patients' emails in
``booking/emails.py``), which sends one short email. It says which kind of request, the
booking reference and the admin address: never a name, an email address or health data.
A send that fails is logged, shows in admin (no "manager notified" time) and is tried
again by the sweep, ``manage.py send_pending_emails`` (cron, every few minutes).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django_tasks import task

from booking.models import DataRequest
from clinic.dates import localised_format
from clinic.models import ClinicProfile

logger = logging.getLogger(__name__)

# The sweep leaves a new request this long to the worker before sending it itself.
SWEEP_AFTER = dt.timedelta(minutes=10)


def manager_address() -> str:
    """Where data requests go: ``PRIVACY_REQUESTS_EMAIL``, else the clinic's email."""
    return settings.PRIVACY_REQUESTS_EMAIL or ClinicProfile.load().email


def hand_over_data_request(request_id: int) -> None:
    """Enqueue the manager's email for this request (after the request committed)."""
    try:
        notify_data_request.enqueue(request_id)
    except Exception as exc:
        logger.warning(
            "Data request %s: the manager's email could not be queued (%s)",
            request_id,
            type(exc).__name__,
        )


@task()
def notify_data_request(request_id: int) -> str:
    """The worker's task: email the manager about one data request, once."""
    return send_data_request_notice(request_id)


def send_data_request_notice(request_id: int) -> str:
    """Send the manager's email now; "sent", "skipped" (already sent, or nowhere to
    send it) or "failed" (logged, never raised)."""
    request = DataRequest.objects.filter(pk=request_id, manager_notified_at=None).first()
    to = manager_address()
    if request is None:
        return "skipped"
    if not to:
        logger.warning("Data request %s: no manager address to notify", request_id)
        return "skipped"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "kind": request.get_kind_display(),
            "reference": request.reference,
            "asked_at": formats.date_format(
                timezone.localtime(request.created_at, ClinicProfile.load().tzinfo),
                localised_format("j F Y, H:i"),
            ),
            "admin_url": settings.SITE_URL + request.get_admin_url(),
        }
        subject = " ".join(
            render_to_string("emails/staff/data_request_subject.txt", context).split()
        )
        body = render_to_string("emails/staff/data_request.txt", context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
    except Exception as exc:
        logger.warning(
            "Data request %s: the manager's email failed (%s)", request_id, type(exc).__name__
        )
        return "failed"
    DataRequest.objects.filter(pk=request_id).update(manager_notified_at=timezone.now())
    return "sent"


def send_pending_data_request_notices(now: dt.datetime | None = None) -> int:
    """The sweep: send the manager's email for every open request still not notified
    (the task was lost, or the send failed). Returns how many went out."""
    now = now or timezone.now()
    pending = DataRequest.objects.open().filter(
        manager_notified_at=None, created_at__lte=now - SWEEP_AFTER
    )
    return sum(
        send_data_request_notice(pk) == "sent" for pk in pending.values_list("pk", flat=True)
    )
