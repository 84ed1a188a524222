"""Patients' data requests (a copy, deleting health answers), handled by the manager.

Asked from the manage link (``services.request_patient_data``); never added, deleted or
re-opened here. The actions do what was asked through the same services as the
appointment book's (export, deletion of the answers), each recorded as an access, and
mark the requests done with who and when. Only staff with
``booking.erase_patient_data`` (the Manager group) may run them.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.helpers import local_time, one_patient_email, patient_data_download
from booking.models import AccessRecord, DataRequest, DataRequestKind

# The request as asked and as handled; only the note is written here.
FIELDS = (
    "kind",
    "appointment_link",
    "patient_email",
    "asked",
    "notified",
    "status",
    "handled_by",
    "handled",
    "note",
)


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = [
        "asked",
        "kind",
        "appointment_link",
        "status",
        "handled_by",
        "handled",
        "notified",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "patient_email"]
    search_help_text = _("Reference or the patient's email.")
    list_select_related = ["handled_by", "appointment"]
    fields = FIELDS
    readonly_fields = [name for name in FIELDS if name != "note"]
    actions = ["export_copy", "delete_health_answers", "mark_done"]

    @admin.display(description=_("asked"), ordering="created_at")
    def asked(self, data_request: DataRequest) -> str:
        return local_time(data_request.created_at)

    @admin.display(description=_("handled"), ordering="handled_at")
    def handled(self, data_request: DataRequest) -> str:
        return local_time(data_request.handled_at)

    @admin.display(description=_("manager notified"))
    def notified(self, data_request: DataRequest) -> str:
        return local_time(data_request.manager_notified_at)

    @admin.display(description=_("appointment"), ordering="reference")
    def appointment_link(self, data_request: DataRequest):
        if data_request.appointment_id is None:
            return data_request.reference
        url = reverse("admin:booking_appointment_change", args=[data_request.appointment_id])
        return format_html('<a href="{}">{}</a>', url, data_request.reference)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_patient_data_permission(self, request) -> bool:
        return request.user.has_perm("booking.erase_patient_data")

    def _one_patient_email(self, request, queryset) -> str | None:
        return one_patient_email(self, request, (r.patient_email for r in queryset))

    @admin.action(
        description=_("Download the patient's data (JSON), to send them a copy"),
        permissions=["patient_data"],
    )
    def export_copy(self, request, queryset):
        email = self._one_patient_email(request, queryset)
        if email is None:
            return None
        return patient_data_download(request, email)

    @admin.action(
        description=_("Delete the patient's health answers and mark the request done"),
        permissions=["patient_data"],
    )
    def delete_health_answers(self, request, queryset):
        email = self._one_patient_email(request, queryset)
        if email is None:
            return
        services.record_access(
            request.user,
            services.patient_appointments(email),
            AccessRecord.Action.DELETED_ANSWERS,
        )
        count = services.erase_health_answers(email, by=request.user)
        requests = queryset.open().filter(kind=DataRequestKind.DELETE_HEALTH_ANSWERS)
        services.close_data_requests(
            requests, by=request.user, note=gettext("Health answers deleted.")
        )
        self.message_user(
            request,
            gettext("Deleted the health answers of %(count)s appointment(s).") % {"count": count},
            level=messages.SUCCESS,
        )

    @admin.action(description=_("Mark the selected requests done"), permissions=["change"])
    def mark_done(self, request, queryset):
        closed = services.close_data_requests(queryset.open(), by=request.user)
        self.message_user(
            request,
            gettext("Marked %(count)s request(s) done.") % {"count": closed},
            level=messages.SUCCESS,
        )
