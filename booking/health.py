"""The email backlog for /healthz (clinic/health.py)."""

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from booking.models import PatientEmail
from clinic.health import Result, State


def email_backlog() -> Result:
    """Emails to patients still to be sent: how many, and how long the oldest has waited.
    Degraded (not down: pages and bookings work) once that is longer than
    ``HEALTH_EMAIL_BACKLOG_MINUTES``: emails are not going out as they should."""
    backlog = PatientEmail.objects.pending().aggregate(count=Count("id"), oldest=Min("created_at"))
    waited = None
    if backlog["oldest"] is not None:
        waited = max(0, round((timezone.now() - backlog["oldest"]).total_seconds()))
    too_long = waited is not None and waited > settings.HEALTH_EMAIL_BACKLOG_MINUTES * 60
    return Result(
        State.DEGRADED if too_long else State.OK,
        details={"pending": backlog["count"], "oldest_pending_seconds": waited},
    )
