"""The private link in every email: signed, unguessable, expiring, and revocable.

The token carries the appointment's id and part of its random `manage_key`;
changing the key revokes every link sent before. It carries nothing about health.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from booking.models import Appointment

SALT = "booking.manage-link"


class InvalidLink(Exception):
    pass


def make_manage_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "k": appointment.manage_key[:16]}, salt=SALT)


def manage_url(
    appointment: Appointment, *, token: str | None = None, page: str = "booking:manage"
) -> str:
    """The full address of the appointment's private page (or of another of its private
    pages, such as the health re-check), for emails and calendar files."""
    path = reverse(page, kwargs={"token": token or make_manage_token(appointment)})
    return settings.SITE_URL + path


def appointment_from_token(token: str) -> Appointment:
    """The appointment a link points to, or InvalidLink if tampered with, expired or revoked."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.MANAGE_LINK_MAX_AGE)
        appointment = Appointment.objects.select_related("treatment", "practitioner").get(
            pk=int(data["a"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Appointment.DoesNotExist):
        raise InvalidLink from None
    if not appointment.manage_key.startswith(str(data.get("k", "")) or "\0"):
        raise InvalidLink
    return appointment
