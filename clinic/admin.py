from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.models import ClinicProfile


class SingletonModelAdmin(admin.ModelAdmin):
    """The one row of a SingletonModel: edited, never added or deleted.

    The row is created with its defaults on first use (`load()`), also when staff open
    the list first, so there is never anything to add. No query either: the admin
    asks "may I add?" on every page (for the sidebar) and this answer needs none.
    """

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        self.model.load()
        return super().changelist_view(request, extra_context)


@admin.register(ClinicProfile)
class ClinicProfileAdmin(SingletonModelAdmin):
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
