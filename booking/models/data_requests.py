"""What patients ask about their data from their private link, and how it was handled."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models.appointments import Appointment


class DataRequestKind(models.TextChoices):
    COPY = "copy", _("A copy of their data")
    DELETE_HEALTH_ANSWERS = "delete_answers", _("Deletion of their health answers")


class DataRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class DataRequestQuerySet(models.QuerySet["DataRequest"]):
    def open(self) -> "DataRequestQuerySet":
        """Not handled yet: what the manager still owes a patient (LFPDPPP: an answer
        within 20 business days)."""
        return self.filter(status=DataRequestStatus.OPEN)


class DataRequest(models.Model):
    """A patient's request (LFPDPPP access or cancellation right) made from the manage link.

    One open request per appointment and kind: asking twice changes nothing. The manager
    handles it in admin (export, deletion of the health answers) and it is kept as the
    record of what was asked and done. It never holds health data.
    """

    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        related_name="data_requests",
        verbose_name=_("appointment"),
    )
    # Kept as they were when asked: the appointment may be anonymised later.
    reference = models.CharField(_("reference"), max_length=9)
    patient_email = models.EmailField(_("patient's email"))
    kind = models.CharField(_("request"), max_length=20, choices=DataRequestKind.choices)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DataRequestStatus.choices,
        default=DataRequestStatus.OPEN,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What was done, e.g. “Copy sent by email on 12 January”. No health data."),
    )
    manager_notified_at = models.DateTimeField(
        _("manager notified at"), null=True, blank=True, editable=False
    )

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("patient's data request")
        verbose_name_plural = _("patients' data requests")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(status="open"),
                name="one_open_data_request_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.reference}"

    def get_admin_url(self) -> str:
        return reverse("admin:booking_datarequest_change", args=[self.pk])
