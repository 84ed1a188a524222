"""The booking policy: one, edited in place."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from booking.models import BookingPolicy
from clinic.admin import SingletonModelAdmin


@admin.register(BookingPolicy)
class BookingPolicyAdmin(SingletonModelAdmin):
    """One policy only: it can be edited, never added twice or deleted."""

    fieldsets = [
        (
            _("When patients can book"),
            {
                "fields": [
                    "minimum_notice_hours",
                    "horizon_days",
                    "slot_interval_minutes",
                    "minimum_age",
                ]
            },
        ),
        (_("Cancelling"), {"fields": ["cancellation_cutoff_hours"]}),
        (
            _("Holding a time while booking"),
            {"fields": ["hold_minutes", "max_holds_per_person", "max_holds_per_ip"]},
        ),
        (_("Booking by phone"), {"fields": ["desk_hold_hours"]}),
    ]
