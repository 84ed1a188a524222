"""Practitioners, with their hours and upcoming closures, and the closures' own page."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from booking.admin.filters import ClosureScopeFilter
from booking.admin.helpers import local_time
from booking.admin.inlines import ClosureInline, WorkingHoursInline
from booking.models import Closure, ClosureSource, Practitioner


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
    list_display = ["who", "starts", "ends", "reason", "is_active", "source"]
    list_filter = [ClosureScopeFilter, "source", "is_active", "practitioner"]
    date_hierarchy = "starts_at"
    search_fields = ["reason", "practitioner__name"]
    list_select_related = ["practitioner"]
    ordering = ["-starts_at"]
    fields = ["practitioner", "starts_at", "ends_at", "reason", "is_active", "source"]
    readonly_fields = ["source"]

    @admin.display(description=_("applies to"), ordering="practitioner__name")
    def who(self, closure: Closure) -> str:
        return closure.practitioner.name if closure.practitioner else gettext("Whole clinic")

    @admin.display(description=_("from"), ordering="starts_at")
    def starts(self, closure: Closure) -> str:
        return local_time(closure.starts_at)

    @admin.display(description=_("until"), ordering="ends_at")
    def ends(self, closure: Closure) -> str:
        return local_time(closure.ends_at)

    # A deleted holiday closure would come back with the next `load_holidays`: it is
    # switched off instead (kept, unticked), which the refresh respects. Staff-made
    # closures are deleted as usual.
    def delete_model(self, request, obj: Closure) -> None:
        if obj.source == ClosureSource.HOLIDAY:
            obj.is_active = False
            obj.save(update_fields=["is_active"])
            self._say_switched_off(request)
            return
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        if queryset.filter(source=ClosureSource.HOLIDAY).update(is_active=False):
            self._say_switched_off(request)
        super().delete_queryset(request, queryset.exclude(source=ClosureSource.HOLIDAY))

    def _say_switched_off(self, request) -> None:
        self.message_user(
            request,
            gettext(
                "Public-holiday closures are kept switched off (“in force” unticked) rather "
                "than deleted, so the holiday refresh does not bring them back. The clinic "
                "is open on those days."
            ),
            messages.WARNING,
        )
