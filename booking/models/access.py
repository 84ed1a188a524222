"""Who on the staff looked at or exported whose data, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models.appointments import Appointment


class AccessRecord(models.Model):
    """Who looked at or exported an appointment or its answers, and when.

    Written by the admin, never editable there, readable by the manager. Changes to
    appointments themselves are in `AppointmentChange`.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("viewed the appointment")
        VIEWED_ANSWERS = "viewed_answers", _("viewed the screening answers")
        LISTED_ANSWERS = "listed_answers", _("saw the answers in the review queue")
        EXPORTED = "exported", _("exported the patient's data")
        ERASED = "erased", _("erased the patient's data")
        DELETED_ANSWERS = "deleted_answers", _("deleted the health answers on request")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    username = models.CharField(_("username"), max_length=150)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_records",
        verbose_name=_("appointment"),
    )
    reference = models.CharField(_("reference"), max_length=9)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        permissions = [("erase_patient_data", _("Can export and erase a patient's data"))]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.reference}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Access records are never changed.")
        super().save(*args, **kwargs)
