"""The appointment book's list actions. A status changes only through these and the
buttons on the appointment's own page (``appointment_changes.py``), each through a service
that re-checks what it must and records who did it.

Cancel and decline are not list actions: each needs its own reason (kept in the
history, shown to that patient if staff choose) and a confirmation, so they are made
from the appointment's page, one patient at a time."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.filters import StatusFilter
from booking.admin.helpers import REVIEW_PERMISSION, one_patient_email, patient_data_download
from booking.models import AccessRecord, Status, Transition


class AppointmentActions(admin.ModelAdmin):
    """The actions of the appointment book and of the review queue (``actions`` names
    those each page offers)."""

    # Each row's checkbox is Django's own, its widget rendered once per page
    # (booking/admin/rows.py).

    # The status change each action makes: the table (booking/models/statuses.py) says
    # from which statuses it is possible.
    action_transitions = {
        "approve": Transition.APPROVE,
        "mark_completed": Transition.COMPLETE,
        "mark_no_show": Transition.NO_SHOW,
    }

    def get_actions(self, request):
        """When the list shows one status, offer only the changes possible from it."""
        actions = super().get_actions(request)
        status = request.GET.get(StatusFilter.parameter_name)
        if status in Status.values:
            for name, transition in self.action_transitions.items():
                if name in actions and status not in transition.sources:
                    del actions[name]
        return actions

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_patient_data_permission(self, request) -> bool:
        return request.user.has_perm("booking.erase_patient_data")

    def _run(self, request, queryset, service, done_message: str, action_word: str) -> None:
        """Call the service for each selected appointment; report what worked and what not."""
        done, failed = [], []
        for appointment in queryset.order_by("starts_at"):
            try:
                service(appointment.pk, by=request.user)
            except services.BookingError as error:
                failed.append(str(error))
            else:
                done.append(appointment.reference)
                self.log_change(request, appointment, done_message)
        if done:
            self.message_user(
                request, f"{done_message}: {', '.join(done)}.", level=messages.SUCCESS
            )
        if failed:
            self.message_user(
                request,
                gettext("Could not %(action)s: %(reasons)s")
                % {"action": action_word, "reasons": " ".join(failed)},
                level=messages.ERROR,
            )

    @admin.action(
        description=_("Approve the selected requests (re-checks the time)"),
        permissions=["review"],
    )
    def approve(self, request, queryset):
        self._run(
            request, queryset, services.approve_request, gettext("Approved"), gettext("approve")
        )

    @admin.action(
        description=_("Mark the selected as completed (visits that have started)"),
        permissions=["change"],
    )
    def mark_completed(self, request, queryset):
        self._run(
            request,
            queryset,
            services.mark_completed,
            gettext("Marked completed"),
            gettext("mark as completed"),
        )

    @admin.action(
        description=_("Mark the selected as no-show (visits that have started)"),
        permissions=["change"],
    )
    def mark_no_show(self, request, queryset):
        self._run(
            request,
            queryset,
            services.mark_no_show,
            gettext("Marked no-show"),
            gettext("mark as no-show"),
        )

    def _one_patient_email(self, request, queryset) -> str | None:
        """The email of the one patient the selected appointments belong to, or a message."""
        return one_patient_email(self, request, (a.patient_email for a in queryset))

    @admin.action(description=_("Export the patient's data (JSON)"), permissions=["patient_data"])
    def export_patient_data(self, request, queryset):
        email = self._one_patient_email(request, queryset)
        if email is None:
            return None
        return patient_data_download(request, email)

    @admin.action(
        description=_("Erase the patient's data on request (keeps an anonymised row)"),
        permissions=["patient_data"],
    )
    def erase_patient_data(self, request, queryset):
        email = self._one_patient_email(request, queryset)
        if email is None:
            return
        services.record_access(
            request.user, services.patient_appointments(email), AccessRecord.Action.ERASED
        )
        count = services.erase_patient(email, by=request.user)
        self.message_user(
            request,
            gettext("Erased the data of %(count)s appointment(s).") % {"count": count},
            level=messages.SUCCESS,
        )
