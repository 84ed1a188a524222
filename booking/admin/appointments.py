"""The appointment book (AppointmentAdmin), and the record of who saw what."""

import datetime as dt
import functools
from typing import ClassVar

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models.constants import LOOKUP_SEP
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.actions import AppointmentActions
from booking.admin.appointment_changes import AppointmentChangeViews
from booking.admin.calendar import DeskCalendar
from booking.admin.desk_booking import desk_booking_view
from booking.admin.filters import HealthRecheckFilter, StatusFilter, WhenFilter
from booking.admin.helpers import (
    EMPTY,
    can_see_health,
    clinic_tz,
    local_time,
    question_as_read,
    status_badge,
)
from booking.admin.inlines import AppointmentChangeInline, ConsentInline, PatientEmailInline
from booking.book_count import BookPaginator
from booking.models import (
    CLINICAL_NOTE_CHANGED,
    DESK_NOTE_CHANGED,
    AccessRecord,
    Actor,
    Appointment,
    AppointmentChange,
    RecheckResult,
)


class AppointmentList(ChangeList):
    """The rows of the appointment book (and of the review queue) load what their columns,
    filters and actions read, not every field: the treatments' and practitioners' texts,
    the encrypted instructions and clinical note, and a dozen timestamps nobody sees were
    half the time of the rows' query."""

    not_listed = [
        "instructions",
        "clinical_note",
        "desk_note",
        "ends_at",
        "occupied_until",
        "hold_expires_at",
        "time_offered_at",
        "confirmed_at",
        "reminder_queued_at",
        "aftercare_queued_at",
        "recheck_queued_at",
        "health_reconfirmed_at",
        "manage_key",
        "session_key_hash",
        "client_ip",
        "patient_phone",
        *(
            f"treatment__{name}{suffix}"
            for name in ("summary", "hero_image_alt", "visit_instructions", "seo_description")
            for suffix in ("", "_es", "_en")
        ),
        "treatment__hero_image",
        "treatment__hero_renditions",
        "treatment__price_from",
        # A JSON document decoded on every row, never read here.
        "treatment__loaded_content",
        "treatment__updated_at",
        "practitioner__bio",
        "practitioner__bio_es",
        "practitioner__bio_en",
        # The review queue's answers column (for those with the health permission) reads
        # the screening's answers, never its date of birth: not decrypted 100 times a page.
        "screening__date_of_birth",
    ]

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*self.not_listed)


@functools.cache
def recheck_not_yet(language: str | None) -> SafeString:
    """The re-check column's "not yet", most rows' answer: written once per language."""
    return format_html(
        '<span class="booking-recheck booking-recheck--none">{}</span>', gettext("not yet")
    )


@admin.register(Appointment)
class AppointmentAdmin(AppointmentChangeViews, DeskCalendar, AppointmentActions):
    """The appointment book. Statuses change only through the list actions and the
    buttons on the appointment's page (``appointment_changes.py``); the day and week
    calendar is ``calendar.py``."""

    change_list_template: ClassVar[str | None] = "admin/booking/appointment/change_list.html"
    # The review queue's pages too: the buttons of the desk's changes.
    change_form_template: ClassVar[str | None] = "admin/booking/appointment/change_form.html"
    list_display = [
        "starts",
        "reference",
        "status_badge",
        "patient_name",
        "practitioner",
        "treatment",
        "health_recheck_column",
    ]
    list_display_links = ["reference"]
    list_filter = [StatusFilter, WhenFilter, HealthRecheckFilter, "practitioner", "treatment"]
    # Year → month → day links in the clinic's time zone. The years are those from the
    # first start to the last (one MIN/MAX served by the starts_at index; the change list
    # template's tag, booking/templatetags/booking_admin.py), then Django's own levels.
    # "When" (today, tomorrow, this week, …) and the "Today's schedule" link are the
    # quicker date tools (docs/performance.md).
    date_hierarchy: ClassVar[str | None] = "starts_at"
    filterable_fields = {"starts_at", "practitioner", "treatment"}
    # Never any screening field here: search must not reveal who answered what.
    search_fields = ["reference", "patient_name", "patient_email"]
    search_help_text = _("Reference, patient name or email.")
    list_select_related = ["practitioner", "treatment"]
    ordering = ["starts_at"]
    list_per_page = 100
    # "12 results" instead of "12 results (50,000 total)": no second COUNT over every row.
    show_full_result_count = False
    # The one COUNT kept until an appointment changes (booking/book_count.py).
    paginator = BookPaginator
    view_on_site = False
    actions = [
        "approve",
        "mark_completed",
        "mark_no_show",
        "export_patient_data",
        "erase_patient_data",
    ]
    inlines = [ConsentInline, AppointmentChangeInline, PatientEmailInline]
    # Patient contact details can be corrected (save_model records who did it);
    # everything else, status above all, is read-only.
    editable_fields = ["patient_name", "patient_email", "patient_phone"]
    # The notes: reception's for everyone on the desk, the clinical one (health data) only
    # for those with the health permission. A change of either is kept in the history,
    # never the clinical note's text.
    note_fields = ["desk_note"]
    health_note_fields = ["clinical_note"]
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
        "health_recheck_column",
        "other_visits",
    ]
    health_readonly_fields = ["health_screening", "instructions"]

    class Media:
        css = {"all": ["booking/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return AppointmentList

    # Columns and fields -----------------------------------------------------------------

    def get_list_display(self, request):
        tz = clinic_tz()

        days: dict[dt.date, str] = {}

        def starts(appointment: Appointment) -> str:
            """local_time's "Tue 9 Mar 2027, 14:30", the day's words written once for
            each day on the page rather than for each row."""
            if appointment.starts_at is None:
                return local_time(None)
            local = timezone.localtime(appointment.starts_at, tz)
            day = days.get(local.date())
            if day is None:
                day = days[local.date()] = dateformat.format(local, "D j M Y")
            return f"{day}, {local:%H:%M}"

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

    @admin.display(description=_("health answers re-checked"), ordering="health_rechecked_at")
    def health_recheck_column(self, appointment: Appointment):
        """✓ with the time, "changed" (and what it led to), or "not yet": the day sheet's
        answer to "did this patient re-confirm their health answers?" (no answer shown)."""
        result = appointment.health_recheck
        if not result:
            return recheck_not_yet(translation.get_language())
        when = local_time(appointment.health_rechecked_at, fmt="D j M, H:i")
        if result == RecheckResult.UNCHANGED:
            return format_html(
                '<span class="booking-recheck booking-recheck--ok" title="{}">✓ {}</span>',
                RecheckResult.UNCHANGED.label,
                when,
            )
        return format_html(
            '<span class="booking-recheck booking-recheck--changed" title="{}">{} · {}</span>',
            appointment.get_health_recheck_display(),
            gettext("changed"),
            when,
        )

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
                    question_as_read(answer, appointment.language),
                    answer.answer_as_read or EMPTY,
                    answer.get_question_outcome_display() if answer.applies else EMPTY,
                )
                for answer in record.answers.select_related("question")
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
            (_("Notes"), {"fields": self.notes_of(request)}),
            (_("The patient's other visits"), {"fields": ["other_visits"]}),
            (
                _("Record"),
                {
                    "fields": [
                        ("created_local", "confirmed_local"),
                        "hold_expires_local",
                        "health_recheck_column",
                    ]
                },
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

    def notes_of(self, request) -> list[str]:
        if can_see_health(request):
            return self.note_fields + self.health_note_fields
        return list(self.note_fields)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.base_readonly_fields)
        if can_see_health(request):
            readonly += self.health_readonly_fields
        if not self.has_change_permission(request, obj):
            readonly += self.editable_fields + self.notes_of(request)
        return readonly

    @admin.display(description=_("other visits (same email or phone)"))
    def other_visits(self, appointment: Appointment):
        """The same patient's other appointments, newest first, so the desk can answer
        "when was my last session?" (one query, at most ``OTHER_VISITS_SHOWN``)."""
        visits = list(
            Appointment.objects.of_patient(appointment.patient_email, appointment.patient_phone)
            .booked()
            .exclude(pk=appointment.pk)
            .select_related("treatment", "practitioner")
            .order_by("-starts_at")[: self.OTHER_VISITS_SHOWN]
        )
        if not visits:
            return gettext("No other visits with this email or phone.")
        tz = clinic_tz()
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:booking_appointment_change", args=[visit.pk]),
                    local_time(visit.starts_at, tz),
                    visit.reference,
                    visit.treatment,
                    visit.practitioner,
                    status_badge(visit),
                )
                for visit in visits
            ),
        )
        return format_html(
            '<table class="booking-other-visits"><caption>{}</caption><thead><tr>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext("Newest first, times in %(zone)s") % {"zone": tz.key},
            gettext("When"),
            gettext("Reference"),
            gettext("Treatment"),
            gettext("Practitioner"),
            gettext("Status"),
            rows,
        )

    OTHER_VISITS_SHOWN = 20

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["desk_changes"] = self.desk_changes(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        # Whoever keeps the appointment book (Reception and above) books a caller, on the
        # desk booking page: the flow's free times, screening rules and gate, never a form.
        return request.user.has_perm("booking.change_appointment")

    def add_view(self, request, form_url="", extra_context=None):
        return desk_booking_view(self, request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # The schedule's history must stay true; cancel instead.
        return False

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
        """Only the patient's contact details and the notes are editable; who changed them
        is recorded in the history (the clinical note's text never is)."""
        notes = self.notes_of(request)
        allowed = self.editable_fields + notes
        changed = [name for name in form.changed_data if name in allowed]
        if not change or not changed:
            return
        obj.save(update_fields=changed)
        details = [name for name in changed if name not in notes]
        if details:
            labels = ", ".join(str(form.fields[name].label).lower() for name in details)
            self._record(request, obj, "details changed", f"Changed {labels}")
        if "desk_note" in changed:
            self._record(request, obj, DESK_NOTE_CHANGED, obj.desk_note)
        if "clinical_note" in changed:
            # Health data: that it changed, and who changed it; never the text.
            self._record(request, obj, CLINICAL_NOTE_CHANGED, "")

    def _record(self, request, obj: Appointment, action: str, note: str) -> None:
        AppointmentChange.objects.create(
            appointment=obj,
            by=request.user,
            actor=Actor.STAFF,
            action=action,
            from_status=obj.status,
            to_status=obj.status,
            note=note[:300],
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
