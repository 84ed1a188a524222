"""Practitioners, with their hours and upcoming closures, and the closures' own page."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from booking import services
from booking.admin.filters import ClosureScopeFilter
from booking.admin.helpers import local_time
from booking.admin.inlines import ClosureInline, WorkingHoursInline
from booking.admin.schedule_forms import CANCEL_THEM, DECISION, ClosureForm
from booking.models import Closure, ClosureSource, Practitioner

# The closure page's fields for the choice about the visits inside (not the closure's).
REASON = "_cancel_reason"
SHOWN = "_visit_shown"
SHOW_REASON = "_reason_to_patients"


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
    form = ClosureForm

    @admin.display(description=_("applies to"), ordering="practitioner__name")
    def who(self, closure: Closure) -> str:
        return closure.practitioner.name if closure.practitioner else gettext("Whole clinic")

    @admin.display(description=_("from"), ordering="starts_at")
    def starts(self, closure: Closure) -> str:
        return local_time(closure.starts_at)

    @admin.display(description=_("until"), ordering="ends_at")
    def ends(self, closure: Closure) -> str:
        return local_time(closure.ends_at)

    # Visits inside a closure ----------------------------------------------------------------
    # Saving a closure in force over visits that keep their time first shows them, with two
    # choices: cancel them all (a reason, the patients emailed) and save, or go back to the
    # form without saving (ClosureForm then says which visits are in the way).

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and request.POST.get(DECISION) in (None, CANCEL_THEM):
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            allowed = (
                self.has_change_permission(request, obj)
                if object_id
                else self.has_add_permission(request)
            )
            if allowed and (obj is not None or not object_id):
                form_class = self.get_form(request, obj, change=obj is not None)
                form = form_class(request.POST, request.FILES, instance=obj)
                if not form.is_valid() and form.only_visits_in_the_way():
                    return self._visits_in_the_way(request, form, obj)
                if request.POST.get(DECISION) == CANCEL_THEM and form.is_valid():
                    shown = set(request.POST.getlist(SHOWN))
                    now_inside = {str(visit.pk) for visit in form.visits_in_the_way}
                    error = None
                    if now_inside != shown:
                        error = gettext(
                            "The visits inside this closure changed while you were deciding. "
                            "Here they are as they are now."
                        )
                    elif not request.POST.get(REASON, "").strip():
                        error = gettext("Say why the visits are cancelled (kept in their history).")
                    if error:
                        return self._visits_in_the_way(request, form, obj, error=error)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _visits_in_the_way(self, request, form, obj, error: str | None = None):
        """The page between the form and saving: the visits, cancel them or go back."""
        carried = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in {"csrfmiddlewaretoken", DECISION, REASON, SHOWN, SHOW_REASON}
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Visits inside this closure"),
            "closure": form.instance,
            "who": form.instance.practitioner or gettext("Whole clinic"),
            "starts": local_time(form.instance.starts_at),
            "ends": local_time(form.instance.ends_at),
            "visits": [
                {
                    "visit": visit,
                    "starts": local_time(visit.starts_at),
                    "ends": local_time(visit.ends_at, fmt="H:i"),
                    "cancellable": visit.is_planned,
                }
                for visit in form.visits_in_the_way
            ],
            "carried": carried,
            "decision": DECISION,
            "cancel_them": CANCEL_THEM,
            "reason_name": REASON,
            "shown_name": SHOWN,
            "reason": request.POST.get(REASON, ""),
            "show_reason_name": SHOW_REASON,
            "show_reason": bool(request.POST.get(SHOW_REASON)),
            "error": error,
            "original": obj,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/booking/closure/visits_in_the_way.html", context)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if request.POST.get(DECISION) != CANCEL_THEM:
            return
        note = request.POST.get(REASON, "").strip()[:300]
        cancelled = 0
        for visit in form.visits_in_the_way:
            if not visit.is_planned:
                continue  # a hold: it cannot be confirmed inside the closure (gate.judge)
            try:
                services.cancel_appointment(
                    visit.pk,
                    by=request.user,
                    reason=note,
                    show_reason=bool(request.POST.get(SHOW_REASON)),
                )
            except services.NotAllowed:
                continue  # already out of the diary (cancelled by the patient meanwhile)
            cancelled += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d visit inside the closure was cancelled and its patient emailed.",
                "%(count)d visits inside the closure were cancelled and their patients emailed.",
                cancelled,
            )
            % {"count": cancelled},
            messages.SUCCESS,
        )

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
