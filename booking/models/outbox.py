"""The outbox of emails to patients (sent by the worker: ``booking/emails.py``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models.appointments import Appointment


class EmailKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Appointment confirmed")
    REQUEST_RECEIVED = "request_received", _("Request received")
    APPROVED = "approved", _("Request approved")
    DECLINED = "declined", _("Request declined")
    CANCELLED = "cancelled", _("Appointment cancelled")
    RESCHEDULED = "rescheduled", _("Appointment moved")
    REMINDER = "reminder", _("Reminder")
    AFTERCARE = "aftercare", _("Aftercare")
    RECHECK = "recheck", _("Health re-check before the visit")
    HEALTH_QUESTIONS = "health_questions", _("Health questions to answer (phone booking)")


class PatientEmailQuerySet(models.QuerySet["PatientEmail"]):
    def pending(self) -> "PatientEmailQuerySet":
        """Not sent yet and not given up: what the worker (or the sweep) still owes."""
        return self.filter(sent_at__isnull=True, attempts__lt=PatientEmail.MAX_ATTEMPTS)


class PatientEmail(models.Model):
    """An email to a patient: queued with the booking, sent by the worker, retried on failure.

    The body is rendered when it is sent, from the appointment; nothing of the
    screening answers is ever part of it.
    """

    MAX_ATTEMPTS = 8

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="emails", verbose_name=_("appointment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EmailKind.choices)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Empty: send now. Set while a send is under way and after a failure."),
    )

    objects = PatientEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("email to patient")
        verbose_name_plural = _("emails to patients")
        indexes = [models.Index(fields=["sent_at", "attempts"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.appointment}"
