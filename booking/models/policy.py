"""The rules of online booking, editable by the manager."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.models import SingletonModel


class BookingPolicy(SingletonModel):
    """The rules of online booking, editable by the manager. There is exactly one."""

    READ_WITH_EVERY_REQUEST = True  # every booking page and the appointment book

    minimum_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=24,
        help_text=_("Patients cannot book a time sooner than this from now."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        help_text=_("How far ahead patients can book."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold time (minutes)"),
        default=10,
        help_text=_("How long a chosen time is kept for a patient who is finishing a booking."),
    )
    desk_hold_hours = models.PositiveSmallIntegerField(
        _("time held for a phone booking (hours)"),
        default=24,
        help_text=_(
            "When the front desk holds a time and emails the patient a private link to "
            "answer the health questions, the time is kept this long; unanswered, it is free "
            "again."
        ),
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours)"),
        default=24,
        help_text=_("Patients can cancel or reschedule online until this long before the visit."),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=18, help_text=_("Patients younger than this cannot book online.")
    )
    slot_interval_minutes = models.PositiveSmallIntegerField(
        _("start times every (minutes)"),
        default=30,
        help_text=_("Appointments can start on the hour and every this many minutes after."),
    )
    max_holds_per_person = models.PositiveSmallIntegerField(
        _("held times per person"),
        default=1,
        help_text=_("How many unconfirmed times one visitor may hold at once."),
    )
    max_holds_per_ip = models.PositiveSmallIntegerField(
        _("held times per network address"),
        default=5,
        help_text=_(
            "How many unconfirmed times may be held at once from one internet address "
            "(several people can share one, e.g. in an office)."
        ),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policy")

    def __str__(self) -> str:
        return str(_("Booking policy"))
