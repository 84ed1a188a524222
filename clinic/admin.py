from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.models import ClinicProfile


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
    """One profile only: it can be edited, never added twice or deleted."""

    # Django 6 will assume https:// for a link typed without a scheme; say so now
    # (and silence the deprecation warning the map link field raises otherwise).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    fieldsets = [
        (None, {"fields": ["name", "tagline", "about"]}),
        (
            _("Address"),
            {
                "fields": [
                    "street_address",
                    ("postal_code", "locality"),
                    "region",
                    ("country", "country_code"),
                    "map_url",
                ]
            },
        ),
        (_("Contact and hours"), {"fields": ["phone", "email", "opening_hours"]}),
        (_("Settings"), {"fields": ["time_zone", "currency"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not ClinicProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
