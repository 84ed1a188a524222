"""The clinicians' review queue: requests awaiting review, oldest first."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.appointments import AppointmentAdmin
from booking.admin.helpers import EMPTY, can_see_health, question_as_read
from booking.models import (
    AccessRecord,
    Appointment,
    AppointmentRequest,
    ScreeningAnswer,
    ScreeningQuestion,
    Status,
)


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(AppointmentAdmin):
    """The clinicians' review queue: requests awaiting review, oldest first."""

    change_list_template = None
    list_display = ["age", "reference", "starts", "treatment", "practitioner", "patient_name"]
    list_filter = ["treatment", "practitioner"]
    date_hierarchy = None
    ordering = ["created_at"]
    actions = ["approve"]  # declining asks for a reason: from the request's page

    # The answers column shows each answer that applies, with its question as the patient
    # read it and the question's wording now: not the rule and outcome kept with each
    # answer (a JSON document), nor the question's other texts.
    answers_not_shown = [
        "question_rule",
        "question_outcome",
        *(
            f"question__{field.name}"
            for field in ScreeningQuestion._meta.concrete_fields
            if not field.primary_key and not field.name.startswith("text")
        ),
    ]

    def has_add_permission(self, request) -> bool:
        # Requests come from bookings; a caller is booked from the appointment book.
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(status=Status.REQUESTED)
        if can_see_health(request):
            # The changelist adds list_select_related only to a queryset without any.
            queryset = queryset.select_related(
                "screening", *self.list_select_related
            ).prefetch_related(
                Prefetch(
                    "screening__answers",
                    queryset=ScreeningAnswer.objects.select_related("question").defer(
                        *self.answers_not_shown
                    ),
                    to_attr="all_answers",
                )
            )
        return queryset

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if can_see_health(request):
            columns = [*columns[:2], "answers_that_apply", *columns[2:]]
        return columns

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and can_see_health(request):
            services.record_access(
                request.user, changelist.result_list, AccessRecord.Action.LISTED_ANSWERS
            )
        return response

    @admin.display(description=_("waiting for"), ordering="created_at")
    def age(self, appointment: Appointment) -> str:
        return timesince(appointment.created_at)

    @admin.display(description=_("answers that need review"))
    def answers_that_apply(self, appointment: Appointment):
        record = appointment.screening
        answers = [a for a in getattr(record, "all_answers", []) if a.applies] if record else []
        if not answers:
            return EMPTY
        return format_html(
            '<ul class="booking-answers-list">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {}</li>",
                ((question_as_read(a, appointment.language), a.answer) for a in answers),
            ),
        )
