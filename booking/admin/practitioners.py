"""Practitioners, with their hours and upcoming closures, and the closures' own page."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from booking.admin.filters import ClosureScopeFilter
from booking.admin.helpers import local_time
from booking.admin.inlines import ClosureInline, WorkingHoursInline
from booking.models import Closure, Practitioner


@admin.register(Practitioner)
class PractitionerAdmin(TranslationAdmin):
    list_display = ["name", "title", "is_active", "position"]
    list_editable = ["position"]
    list_filter = ["is_active", "treatments"]
    search_fields = ["name", "title"]
    filter_horizontal = ["treatments"]
    fields = ["name", "title", "bio", "treatments", "is_active", "position"]
    inlines = [WorkingHoursInline, ClosureInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["who", "starts", "ends", "reason"]
    list_filter = [ClosureScopeFilter, "practitioner"]
    date_hierarchy = "starts_at"
    search_fields = ["reason", "practitioner__name"]
    list_select_related = ["practitioner"]
    ordering = ["-starts_at"]
    fields = ["practitioner", "starts_at", "ends_at", "reason"]

    @admin.display(description=_("applies to"), ordering="practitioner__name")
    def who(self, closure: Closure) -> str:
        return closure.practitioner.name if closure.practitioner else gettext("Whole clinic")

    @admin.display(description=_("from"), ordering="starts_at")
    def starts(self, closure: Closure) -> str:
        return local_time(closure.starts_at)

    @admin.display(description=_("until"), ordering="ends_at")
    def ends(self, closure: Closure) -> str:
        return local_time(closure.ends_at)
