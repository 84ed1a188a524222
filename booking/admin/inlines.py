"""Inlines: the appointment's records that never change (consents, history, emails),
and a practitioner's hours and closures."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.helpers import local_time
from booking.admin.schedule_forms import ClosureInlineForm, WorkingHoursFormSet
from booking.models import AppointmentChange, Closure, Consent, PatientEmail, WorkingHours

# --- Read-only records on the appointment ------------------------------------------------


class AppointmentRecordInline(admin.TabularInline):
    """Records that must never change from the admin: shown to whoever may see the
    appointment, never added, edited or deleted."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    template = "admin/booking/edit_inline/records.html"

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("booking.view_appointment") or request.user.has_perm(
            "booking.view_appointmentrequest"
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ConsentInline(AppointmentRecordInline):
    model = Consent
    fields = ["kind", "version", "privacy_notice", "given", "channel", "taken_by", "wording"]

    @admin.display(description=_("given at (clinic time)"))
    def given(self, consent: Consent) -> str:
        return local_time(consent.given_at)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("privacy_notice", "taken_by")


class AppointmentChangeInline(AppointmentRecordInline):
    model = AppointmentChange
    fields = [
        "when",
        "action",
        "actor",
        "by",
        "from_status",
        "to_status",
        "note",
        "reason",
        "reason_shown_to_patient",
    ]
    verbose_name_plural = _("history (who changed what, and when)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("when (clinic time)"))
    def when(self, change: AppointmentChange) -> str:
        return local_time(change.at)


class PatientEmailInline(AppointmentRecordInline):
    model = PatientEmail
    fields = ["kind", "created", "sent", "attempts", "last_error"]

    @admin.display(description=_("queued (clinic time)"))
    def created(self, email: PatientEmail) -> str:
        return local_time(email.created_at)

    @admin.display(description=_("sent (clinic time)"))
    def sent(self, email: PatientEmail) -> str:
        return local_time(email.sent_at)


class PractitionerPartInline(admin.TabularInline):
    """Hours and closures edited on the practitioner's page only by those who may change
    the practitioner (reception sees them read-only and keeps closures on their own page)."""

    extra = 0

    def _may_edit(self, request) -> bool:
        return request.user.has_perm("booking.change_practitioner")

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_edit(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit(request) and super().has_delete_permission(request, obj)


class WorkingHoursInline(PractitionerPartInline):
    """Two ranges that overlap on one day are refused (WorkingHoursFormSet); times as 10:00."""

    model = WorkingHours
    formset = WorkingHoursFormSet
    fields = ["weekday", "starts_at", "ends_at"]
    shown_fields = ["weekday", "from_time", "until_time"]

    def get_fields(self, request, obj=None):
        return self.fields if self._may_edit(request) else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if self._may_edit(request) else self.shown_fields

    @admin.display(description=_("from"))
    def from_time(self, hours: WorkingHours) -> str:
        return f"{hours.starts_at:%H:%M}"

    @admin.display(description=_("until"))
    def until_time(self, hours: WorkingHours) -> str:
        return f"{hours.ends_at:%H:%M}"


class ClosureInline(PractitionerPartInline):
    """Refused over visits that keep their time (ClosureInlineForm); times as 10:00."""

    model = Closure
    form = ClosureInlineForm
    fields = ["starts_at", "ends_at", "reason"]
    shown_fields = ["starts", "ends", "reason"]

    def get_fields(self, request, obj=None):
        return self.fields if self._may_edit(request) else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if self._may_edit(request) else self.shown_fields

    @admin.display(description=_("from"))
    def starts(self, closure: Closure) -> str:
        return local_time(closure.starts_at)

    @admin.display(description=_("until"))
    def ends(self, closure: Closure) -> str:
        return local_time(closure.ends_at)

    def get_queryset(self, request):
        # Upcoming closures only; the past ones are on the closures page.
        return super().get_queryset(request).filter(ends_at__gte=timezone.now())
