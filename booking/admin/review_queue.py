"""The clinicians' review queue: requests awaiting review, oldest first."""

from collections import defaultdict

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.appointments import AppointmentAdmin, AppointmentList
from booking.admin.helpers import EMPTY, can_see_health, question_as_read
from booking.models import (
    AccessRecord,
    Appointment,
    AppointmentRequest,
    ScreeningAnswer,
    ScreeningQuestion,
    Status,
)
from clinic.markup import format_html, format_html_join

# The answers column shows each answer that applies, with its question as the patient read
# it and the question's wording now in each language: not the question's other fields.
QUESTION_TEXTS = [
    f"question__{field.name}"
    for field in ScreeningQuestion._meta.concrete_fields
    if field.name.startswith("text")
]


class ReviewQueueList(AppointmentList):
    """The queue's rows, each with the answers that need review (for the answers column).

    Whether an answer applies is encrypted like the answer itself, so the database cannot
    pick them. Each screening notes which of its answers apply (``positions_that_apply``,
    one decryption per request), and the page reads only those answers. Most of a
    questionnaire's answers apply to nobody: reading every answer's flag was most of the
    queue's time. One query however long the queue, none when nothing applies."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        screenings = {a.screening_id: a.screening for a in self.result_list if a.screening_id}
        # Screenings grouped by the answers that apply: a questionnaire's few questions that
        # need review make a short condition however long the queue.
        by_positions: defaultdict[tuple[int, ...], list[int]] = defaultdict(list)
        for screening in screenings.values():
            screening.answers_that_apply = []
            if screening.positions_that_apply:
                by_positions[tuple(screening.positions_that_apply)].append(screening.pk)
        if not by_positions:
            return
        applying = Q()
        for positions, screening_ids in by_positions.items():
            applying |= Q(screening_id__in=screening_ids, position__in=positions)
        answers = (
            ScreeningAnswer.objects.filter(applying)
            .select_related("question")
            .only("screening_id", "question_text", "answer", *QUESTION_TEXTS)
        )
        for answer in answers:  # in the questionnaire's order (ScreeningAnswer.Meta)
            screenings[answer.screening_id].answers_that_apply.append(answer)


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(AppointmentAdmin):
    """The clinicians' review queue: requests awaiting review, oldest first."""

    change_list_template = None
    list_display = ["age", "reference", "starts", "treatment", "practitioner", "patient_name"]
    list_filter = ["treatment", "practitioner"]
    date_hierarchy = None
    ordering = ["created_at"]
    actions = ["approve"]  # declining asks for a reason: from the request's page

    def has_add_permission(self, request) -> bool:
        # Requests come from bookings; a caller is booked from the appointment book.
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(status=Status.REQUESTED)
        if can_see_health(request):
            # The changelist adds list_select_related only to a queryset without any.
            queryset = queryset.select_related("screening", *self.list_select_related)
        return queryset

    def get_changelist(self, request, **kwargs):
        return ReviewQueueList if can_see_health(request) else AppointmentList

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
        answers = getattr(record, "answers_that_apply", []) if record else []
        if not answers:
            return EMPTY
        return format_html(
            '<ul class="booking-answers-list">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {}</li>",
                ((question_as_read(a, appointment.language), a.answer_as_read) for a in answers),
            ),
        )
