"""The back office for appointments, the review queue, practitioners and screening questions.

Least privilege (groups from migration 0005):

- An appointment's status never changes through a form: only the actions below, each of
  which calls a service in booking/services/ that re-checks what it must (the slot,
  under the database guarantee, when approving) and records who did it and when.
- Screening answers, the date of birth and the instructions derived from the answers are
  health data. They appear only on the change form and in the review queue, and only to
  staff with ``booking.view_health_answers``. They are never searchable, filterable or
  part of a change message (the history page), and the Screening and ScreeningAnswer
  models are not registered at all, so no admin URL reaches them directly.
- Approving and declining need ``booking.review_appointment`` (clinicians).
"""

import datetime as dt
from functools import partial

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.db.models.constants import LOOKUP_SEP
from django.forms import modelformset_factory
from django.http import JsonResponse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.models import (
    AccessRecord,
    Appointment,
    AppointmentChange,
    AppointmentRequest,
    BookingPolicy,
    Closure,
    Consent,
    PatientEmail,
    Practitioner,
    ScreeningAnswer,
    ScreeningQuestion,
    Status,
    WorkingHours,
)
from clinic.admin import SingletonModelAdmin
from clinic.models import ClinicProfile

HEALTH_PERMISSION = "booking.view_health_answers"
REVIEW_PERMISSION = "booking.review_appointment"
EMPTY = "—"


def clinic_tz():
    return ClinicProfile.load().tzinfo


def local_time(value: dt.datetime | None, tz=None, fmt: str = "D j M Y, H:i") -> str:
    """A stored UTC time as the clinic's wall-clock time, e.g. “Tue 9 Mar 2027, 14:30”."""
    if value is None:
        return EMPTY
    return dateformat.format(timezone.localtime(value, tz or clinic_tz()), fmt)


def can_see_health(request) -> bool:
    return request.user.has_perm(HEALTH_PERMISSION)


def status_badge(appointment: Appointment):
    label = appointment.get_status_display()
    short = str(label).split(" (")[0]
    return format_html(
        '<span class="booking-status booking-status--{}" title="{}">{}</span>',
        appointment.status,
        label,
        short,
    )


# --- Filters ---------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Status, hiding holds in progress and expired holds unless asked for."""

    title = _("status")
    parameter_name = "status"
    EVERYTHING = "all"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.booked()
        if value == self.EVERYTHING:
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset.none()

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Booked (without holds)"),
        }
        yield {
            "selected": value == self.EVERYTHING,
            "query_string": changelist.get_query_string({self.parameter_name: self.EVERYTHING}),
            "display": _("Everything, holds included"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class WhenFilter(admin.SimpleListFilter):
    """Days as the clinic counts them (its own time zone), not as UTC does."""

    title = _("when")
    parameter_name = "when"
    TODAY = "today"

    def lookups(self, request, model_admin):
        return [
            (self.TODAY, _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("This week")),
            ("upcoming", _("From now on")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        tz = clinic_tz()
        now = timezone.now()
        today = timezone.localtime(now, tz).date()

        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(0), tzinfo=tz)

        if value == self.TODAY:
            return queryset.filter(
                starts_at__gte=midnight(today),
                starts_at__lt=midnight(today + dt.timedelta(days=1)),
            )
        if value == "tomorrow":
            return queryset.filter(
                starts_at__gte=midnight(today + dt.timedelta(days=1)),
                starts_at__lt=midnight(today + dt.timedelta(days=2)),
            )
        if value == "week":
            monday = today - dt.timedelta(days=today.weekday())
            return queryset.filter(
                starts_at__gte=midnight(monday),
                starts_at__lt=midnight(monday + dt.timedelta(days=7)),
            )
        if value == "upcoming":
            return queryset.filter(starts_at__gte=now)
        if value == "past":
            return queryset.filter(starts_at__lt=now)
        return queryset.none()


class ClosureScopeFilter(admin.SimpleListFilter):
    title = _("applies to")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("clinic", _("Whole clinic")), ("practitioner", _("One practitioner"))]

    def queryset(self, request, queryset):
        if self.value() == "clinic":
            return queryset.filter(practitioner__isnull=True)
        if self.value() == "practitioner":
            return queryset.filter(practitioner__isnull=False)
        return queryset


# --- Read-only records on the appointment ------------------------------------------------


class AppointmentRecordInline(admin.TabularInline):
    """Records that must never change from the admin: shown to whoever may see the
    appointment, never added, edited or deleted."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

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
    fields = ["kind", "version", "given_at", "wording"]


class AppointmentChangeInline(AppointmentRecordInline):
    model = AppointmentChange
    fields = ["at", "action", "actor", "by", "from_status", "to_status", "note"]
    verbose_name_plural = _("history (who changed what, and when)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class PatientEmailInline(AppointmentRecordInline):
    model = PatientEmail
    fields = ["kind", "created_at", "sent_at", "attempts", "last_error"]


# --- Appointments --------------------------------------------------------------------------


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """The appointment book. Statuses change only through the actions."""

    change_list_template = "admin/booking/appointment/change_list.html"
    list_display = [
        "starts",
        "reference",
        "status_badge",
        "patient_name",
        "practitioner",
        "treatment",
    ]
    list_display_links = ["reference"]
    list_filter = [StatusFilter, WhenFilter, "practitioner", "treatment"]
    # Year → month → day links in the clinic's time zone. Two queries (the first and
    # last start, then the years/months/days that have appointments); the MIN/MAX is
    # served by the starts_at index. "When" (today, tomorrow, this week, …) and the
    # "Today's schedule" link are the quicker date tools (docs/performance.md).
    date_hierarchy = "starts_at"
    filterable_fields = {"starts_at", "practitioner", "treatment"}
    # Never any screening field here: search must not reveal who answered what.
    search_fields = ["reference", "patient_name", "patient_email"]
    search_help_text = _("Reference, patient name or email.")
    list_select_related = ["practitioner", "treatment"]
    ordering = ["starts_at"]
    list_per_page = 100
    # "12 results" instead of "12 results (50,000 total)": no second COUNT over every row.
    show_full_result_count = False
    view_on_site = False
    actions = [
        "approve",
        "decline",
        "cancel",
        "mark_completed",
        "mark_no_show",
        "export_patient_data",
        "erase_patient_data",
    ]
    inlines = [ConsentInline, AppointmentChangeInline, PatientEmailInline]
    # Patient contact details can be corrected (save_model records who did it);
    # everything else, status above all, is read-only.
    editable_fields = ["patient_name", "patient_email", "patient_phone"]
    base_readonly_fields = [
        "reference",
        "status_badge",
        "treatment",
        "practitioner",
        "starts_local",
        "ends_local",
        "occupied_until_local",
        "hold_expires_local",
        "created_local",
        "confirmed_local",
    ]
    health_readonly_fields = ["health_screening", "instructions"]

    class Media:
        css = {"all": ["booking/admin.css"]}

    # Columns and fields -----------------------------------------------------------------

    def get_list_display(self, request):
        tz = clinic_tz()

        def starts(appointment: Appointment) -> str:
            return local_time(appointment.starts_at, tz)

        # The column header names the zone the times are shown in.
        starts.short_description = gettext("Starts (%(zone)s)") % {"zone": tz.key}
        starts.admin_order_field = "starts_at"
        return [starts if name == "starts" else name for name in super().get_list_display(request)]

    @admin.display(description=_("starts (clinic time)"), ordering="starts_at")
    def starts(self, appointment: Appointment) -> str:
        # Replaced per request in get_list_display by a column named after the zone.
        return local_time(appointment.starts_at)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, appointment: Appointment):
        return status_badge(appointment)

    @admin.display(description=_("starts"))
    def starts_local(self, appointment: Appointment) -> str:
        return local_time(appointment.starts_at, fmt="l j F Y, H:i T")

    @admin.display(description=_("ends"))
    def ends_local(self, appointment: Appointment) -> str:
        return local_time(appointment.ends_at, fmt="H:i T")

    @admin.display(description=_("room free again"))
    def occupied_until_local(self, appointment: Appointment) -> str:
        return local_time(appointment.occupied_until, fmt="H:i T")

    @admin.display(description=_("hold expires"))
    def hold_expires_local(self, appointment: Appointment) -> str:
        return local_time(appointment.hold_expires_at, fmt="j M Y, H:i T")

    @admin.display(description=_("created"))
    def created_local(self, appointment: Appointment) -> str:
        return local_time(appointment.created_at, fmt="j M Y, H:i T")

    @admin.display(description=_("confirmed"))
    def confirmed_local(self, appointment: Appointment) -> str:
        return local_time(appointment.confirmed_at, fmt="j M Y, H:i T")

    @admin.display(description=_("screening answers"))
    def health_screening(self, appointment: Appointment):
        """The answers as the patient gave them, with each question as it was asked.

        Only ever listed in the fields of users with the health permission (get_fieldsets).
        """
        record = appointment.screening
        if record is None:
            return gettext("No screening answers are kept for this appointment.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    answer.question_text,
                    answer.answer or EMPTY,
                    answer.get_question_outcome_display() if answer.applies else EMPTY,
                )
                for answer in record.answers.all()
            ),
        )
        return format_html(
            "<p>{}: {}. {}: {}. {}: {}.</p>"
            '<table class="booking-answers"><thead><tr>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            gettext("Outcome"),
            record.get_outcome_display(),
            gettext("Date of birth"),
            record.date_of_birth.isoformat(),
            gettext("Earliest treatment date"),
            record.earliest_date.isoformat() if record.earliest_date else EMPTY,
            gettext("Question"),
            gettext("Answer"),
            gettext("Outcome that applies"),
            rows,
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        ("reference", "status_badge"),
                        ("treatment", "practitioner"),
                        "starts_local",
                        ("ends_local", "occupied_until_local"),
                    ]
                },
            ),
            (_("Patient"), {"fields": self.editable_fields}),
            (
                _("Record"),
                {"fields": [("created_local", "confirmed_local"), "hold_expires_local"]},
            ),
        ]
        if can_see_health(request):
            fieldsets.append(
                (
                    _("Health screening (confidential)"),
                    {"fields": self.health_readonly_fields},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.base_readonly_fields)
        if can_see_health(request):
            readonly += self.health_readonly_fields
        if not self.has_change_permission(request, obj):
            readonly += self.editable_fields
        return readonly

    # Permissions ------------------------------------------------------------------------

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        """Only the filters on the page, nothing hand-written into the URL.

        Django allows a lookup on any local field by default, so ``?instructions__icontains=``
        or ``?manage_key__startswith=`` would let anyone who can list appointments probe
        health data or secrets one guess at a time.
        """
        own_filters = {
            list_filter.parameter_name
            for list_filter in self.get_list_filter(request)
            if isinstance(list_filter, type) and issubclass(list_filter, admin.SimpleListFilter)
        }
        if lookup.split(LOOKUP_SEP)[0] not in self.filterable_fields | own_filters:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request) -> bool:
        # Appointments come from the booking flow, where the slot and answers are checked.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The schedule's history must stay true; cancel instead.
        return False

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_patient_data_permission(self, request) -> bool:
        return request.user.has_perm("booking.erase_patient_data")

    # Who saw what -------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        appointment = (
            (response.context_data or {}).get("original")
            if hasattr(response, "context_data")
            else None
        )
        if request.method == "GET" and appointment is not None:
            services.record_access(request.user, [appointment], AccessRecord.Action.VIEWED)
            if can_see_health(request) and appointment.screening_id:
                services.record_access(
                    request.user, [appointment], AccessRecord.Action.VIEWED_ANSWERS
                )
        return response

    # Saving -----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        """Only the patient's contact details are editable; who changed them is recorded."""
        changed = [name for name in form.changed_data if name in self.editable_fields]
        if not change or not changed:
            return
        obj.save(update_fields=changed)
        labels = ", ".join(str(form.fields[name].label).lower() for name in changed)
        AppointmentChange.objects.create(
            appointment=obj,
            by=request.user,
            actor="staff",
            action="details changed",
            from_status=obj.status,
            to_status=obj.status,
            note=f"Changed {labels}"[:300],
        )

    # Actions ----------------------------------------------------------------------------

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

    @admin.action(description=_("Decline the selected requests"), permissions=["review"])
    def decline(self, request, queryset):
        self._run(
            request, queryset, services.decline_request, gettext("Declined"), gettext("decline")
        )

    @admin.action(description=_("Cancel the selected appointments"), permissions=["change"])
    def cancel(self, request, queryset):
        self._run(
            request,
            queryset,
            services.cancel_appointment,
            gettext("Cancelled"),
            gettext("cancel"),
        )

    @admin.action(description=_("Mark the selected as completed"), permissions=["change"])
    def mark_completed(self, request, queryset):
        self._run(
            request,
            queryset,
            services.mark_completed,
            gettext("Marked completed"),
            gettext("mark as completed"),
        )

    @admin.action(description=_("Mark the selected as no-show"), permissions=["change"])
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
        emails = {a.patient_email for a in queryset if a.patient_email}
        if len(emails) == 1:
            return emails.pop()
        self.message_user(
            request,
            gettext("Select appointments of exactly one patient (one email address)."),
            level=messages.ERROR,
        )
        return None

    @admin.action(description=_("Export the patient's data (JSON)"), permissions=["patient_data"])
    def export_patient_data(self, request, queryset):
        email = self._one_patient_email(request, queryset)
        if email is None:
            return None
        data = services.export_patient_data(email)
        services.record_access(
            request.user, services.patient_appointments(email), AccessRecord.Action.EXPORTED
        )
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = 'attachment; filename="patient-data.json"'
        return response

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


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes who saw what."""

    list_display = ["at", "username", "action", "reference"]
    list_filter = ["action"]
    search_fields = ["username", "reference"]
    date_hierarchy = "at"
    list_select_related = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(AppointmentAdmin):
    """The clinicians' review queue: requests awaiting review, oldest first."""

    change_list_template = None
    list_display = ["age", "reference", "starts", "treatment", "practitioner", "patient_name"]
    list_filter = ["treatment", "practitioner"]
    date_hierarchy = None
    ordering = ["created_at"]
    actions = ["approve", "decline"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(status=Status.REQUESTED)
        if can_see_health(request):
            # The changelist adds list_select_related only to a queryset without any.
            queryset = queryset.select_related(
                "screening", *self.list_select_related
            ).prefetch_related(
                Prefetch(
                    "screening__answers",
                    queryset=ScreeningAnswer.objects.all(),
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
            format_html_join("", "<li>{}: {}</li>", ((a.question_text, a.answer) for a in answers)),
        )


# --- Practitioners and closures ---------------------------------------------------------------


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
    model = WorkingHours
    fields = ["weekday", "starts_at", "ends_at"]


class ClosureInline(PractitionerPartInline):
    model = Closure
    fields = ["starts_at", "ends_at", "reason"]

    def get_queryset(self, request):
        # Upcoming closures only; the past ones are on the closures page.
        return super().get_queryset(request).filter(ends_at__gte=timezone.now())


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
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


# --- Screening questions and the booking policy --------------------------------------------


@admin.register(ScreeningQuestion)
class ScreeningQuestionAdmin(admin.ModelAdmin):
    """Questions per treatment. Editors may reword them; only those who may add questions
    (the manager) may change what an answer does."""

    list_display = [
        "text",
        "treatment",
        "kind",
        "outcome",
        "waiting_days",
        "position",
        "is_active",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["treatment", "outcome", "kind", "is_active"]
    search_fields = ["text"]
    list_select_related = ["treatment"]
    ordering = ["treatment", "position", "id"]
    fieldsets = [
        (None, {"fields": ["treatment", "text", "help_text", "public_label"]}),
        (
            _("What the answer does"),
            {
                "fields": [
                    "kind",
                    "trigger_answer",
                    "outcome",
                    "waiting_days",
                    "instruction",
                    "patient_message",
                ]
            },
        ),
        (_("Follow-up question"), {"fields": [("parent", "parent_answer")]}),
        (None, {"fields": ["position", "is_active"]}),
    ]
    rule_fields = [
        "treatment",
        "kind",
        "trigger_answer",
        "outcome",
        "waiting_days",
        "parent",
        "parent_answer",
        "is_active",
    ]

    def may_edit_rules(self, request) -> bool:
        return request.user.has_perm("booking.add_screeningquestion")

    def get_readonly_fields(self, request, obj=None):
        return [] if self.may_edit_rules(request) else self.rule_fields

    def _list_editable(self, request):
        return self.list_editable if self.may_edit_rules(request) else ["position"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.list_editable = self._list_editable(request)
        return changelist

    def get_changelist_formset(self, request, **kwargs):
        defaults = {"formfield_callback": partial(self.formfield_for_dbfield, request=request)}
        return modelformset_factory(
            self.model,
            self.get_changelist_form(request),
            extra=0,
            fields=self._list_editable(request),
            **{**defaults, **kwargs},
        )


@admin.register(BookingPolicy)
class BookingPolicyAdmin(SingletonModelAdmin):
    """One policy only: it can be edited, never added twice or deleted."""

    fieldsets = [
        (
            _("When patients can book"),
            {
                "fields": [
                    "minimum_notice_hours",
                    "horizon_days",
                    "slot_interval_minutes",
                    "minimum_age",
                ]
            },
        ),
        (_("Cancelling"), {"fields": ["cancellation_cutoff_hours"]}),
        (
            _("Holding a time while booking"),
            {"fields": ["hold_minutes", "max_holds_per_person", "max_holds_per_ip"]},
        ),
    ]
