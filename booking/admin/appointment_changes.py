"""The desk's changes on an appointment's own page: approve, decline, move, cancel, mark
completed or no-show.

Each is a page of its own (``admin:booking_appointment_<name>``, taking the appointment's
pk), shown as a button on the appointment's page only when it is possible for that
status and time (``Appointment.can_now``, ``Appointment.can_be_moved_by_staff``) and the
user may make it. Every change goes through its service in booking/services/staff.py,
which checks the same rules again under the appointment's lock. Cancel and decline ask
for a reason and a confirmation; the reason reaches the patient only when staff tick the
box.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.admin.helpers import REVIEW_PERMISSION, clinic_tz, local_time
from booking.models import Appointment, Practitioner, Transition

REASON_HELP = _(
    "Kept in the appointment's history with your name. Never write health information "
    "here: if you show it to the patient, it goes in an email."
)


class ReasonForm(forms.Form):
    """Why staff cancel or decline, and whether the patient's email gives the reason."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=REASON_HELP,
        max_length=1000,
    )
    show_to_patient = forms.BooleanField(
        label=_("Show this reason to the patient"),
        required=False,
        help_text=_("When ticked, the patient's email quotes the reason as you wrote it."),
    )


class ConfirmForm(forms.Form):
    """No question to ask: the button is the confirmation."""


@dataclass(frozen=True)
class DeskChange:
    """One change the desk makes from an appointment's page."""

    name: str  # the URL name's last part: admin:booking_appointment_<name>
    label: Any  # the button
    title: Any  # the page's heading, with %(reference)s
    confirm: Any  # the confirming button
    done: Any  # the message once made, with %(reference)s
    transition: Transition | None  # None: a move, not a status change
    review: bool = False  # needs the clinicians' review permission
    asks_reason: bool = False
    one_click: bool = False  # offered as a button that makes the change at once

    def is_possible(self, appointment: Appointment, now: dt.datetime) -> bool:
        if self.transition is None:
            return appointment.can_be_moved_by_staff
        return appointment.can_now(self.transition, now)


DESK_CHANGES = [
    DeskChange(
        "approve",
        _("Approve"),
        _("Approve request %(reference)s"),
        _("Approve the request"),
        _("Approved %(reference)s: the patient is emailed the confirmation."),
        Transition.APPROVE,
        review=True,
        one_click=True,
    ),
    DeskChange(
        "decline",
        _("Decline"),
        _("Decline request %(reference)s"),
        _("Decline the request"),
        _("Declined %(reference)s: the patient is emailed."),
        Transition.DECLINE,
        review=True,
        asks_reason=True,
    ),
    DeskChange(
        "reschedule",
        _("Reschedule"),
        _("Move appointment %(reference)s"),
        _("Move the appointment"),
        _("Moved %(reference)s: the patient is emailed the new time."),
        None,
    ),
    DeskChange(
        "cancel",
        pgettext_lazy("appointment", "Cancel"),
        _("Cancel appointment %(reference)s"),
        _("Cancel the appointment"),
        _("Cancelled %(reference)s: the patient is emailed."),
        Transition.CANCEL,
        asks_reason=True,
    ),
    DeskChange(
        "complete",
        _("Mark completed"),
        _("Mark %(reference)s completed"),
        _("Mark completed"),
        _("Marked %(reference)s completed."),
        Transition.COMPLETE,
        one_click=True,
    ),
    DeskChange(
        "no_show",
        _("Mark no-show"),
        _("Mark %(reference)s as a no-show"),
        _("Mark no-show"),
        _("Marked %(reference)s as a no-show."),
        Transition.NO_SHOW,
        one_click=True,
    ),
]
BY_NAME = {change.name: change for change in DESK_CHANGES}


def _service(change: DeskChange) -> Callable[..., Appointment]:
    by_name: dict[str, Callable[..., Appointment]] = {
        "approve": services.approve_request,
        "decline": services.decline_request,
        "cancel": services.cancel_appointment,
        "complete": services.mark_completed,
        "no_show": services.mark_no_show,
    }
    return by_name[change.name]


class RescheduleForm(forms.Form):
    """A free time on the chosen day (each with its practitioner), and why."""

    slot = forms.ChoiceField(label=_("New time"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=REASON_HELP,
        max_length=1000,
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        slot = cast(forms.ChoiceField, self.fields["slot"])
        slot.choices = choices
        slot.error_messages["invalid_choice"] = gettext(
            "That time is no longer free. Please choose another."
        )

    def chosen(self) -> tuple[dt.datetime, int]:
        start, practitioner_id = self.cleaned_data["slot"].split("|")
        return dt.datetime.fromisoformat(start), int(practitioner_id)


class AppointmentChangeViews(admin.ModelAdmin):
    """The pages of the desk's changes, for the appointment book's ModelAdmin."""

    def url_name(self, name: str) -> str:
        """``booking_appointment_<name>`` (the review queue's own pages have theirs)."""
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path(
                f"<path:object_id>/{change.name}/",
                wrap(
                    self.reschedule_view
                    if change.name == "reschedule"
                    else partial(self.desk_change_view, change_name=change.name)
                ),
                name=self.url_name(change.name),
            )
            for change in DESK_CHANGES
        ]
        return urls + super().get_urls()

    # Which changes this user may make on this appointment now -------------------------

    def may_make(self, request, change: DeskChange, appointment: Appointment) -> bool:
        if change.review:
            return request.user.has_perm(REVIEW_PERMISSION)
        return self.has_change_permission(request, appointment)

    def desk_changes(self, request, appointment: Appointment) -> list[dict]:
        """The buttons for the appointment's page: each possible change, with its page."""
        now = timezone.now()
        return [
            {"change": change, "url": self.change_url(change, appointment)}
            for change in DESK_CHANGES
            if change.is_possible(appointment, now) and self.may_make(request, change, appointment)
        ]

    def _url(self, name: str, appointment: Appointment) -> str:
        return reverse(
            f"admin:{self.url_name(name)}", args=[appointment.pk], current_app=self.admin_site.name
        )

    def change_url(self, change: DeskChange, appointment: Appointment) -> str:
        return self._url(change.name, appointment)

    def _appointment_page(self, appointment: Appointment) -> HttpResponseRedirect:
        # The appointment book's page, also from the review queue's: a declined or
        # approved request is no longer in the queue.
        return HttpResponseRedirect(appointment.get_absolute_url())

    def _get_for_change(self, request, object_id: str, change: DeskChange) -> Appointment:
        appointment = self.get_object(request, unquote(object_id))
        if appointment is None:
            raise Http404(gettext("That appointment does not exist."))
        if not self.may_make(request, change, appointment):
            raise PermissionDenied
        return appointment

    def _render(self, request, appointment, change: DeskChange, template: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": appointment,
                "change": change,
                "title": change.title % {"reference": appointment.reference},
                "starts": local_time(appointment.starts_at),
                "appointment_url": self._appointment_page(appointment).url,
                **context,
            },
        )

    def _refuse_if_impossible(self, request, appointment, change: DeskChange):
        now = timezone.now()
        if change.is_possible(appointment, now):
            return None
        if change.transition is not None:
            message = services.refusal_for(appointment, change.transition, now)
        else:
            message = services.not_allowed_message(appointment)
        self.message_user(request, message, level=messages.ERROR)
        return self._appointment_page(appointment)

    # The pages ------------------------------------------------------------------------

    def desk_change_view(self, request, object_id: str, change_name: str):
        """Approve, decline, cancel, completed, no-show: confirm (with a reason for a
        decline or a cancel), then make the change through its service."""
        change = BY_NAME[change_name]
        appointment = self._get_for_change(request, object_id, change)
        refused = self._refuse_if_impossible(request, appointment, change)
        if refused:
            return refused
        form_class = ReasonForm if change.asks_reason else ConfirmForm
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            extra = {}
            if change.asks_reason:
                extra = {
                    "reason": form.cleaned_data["reason"],
                    "show_reason": form.cleaned_data["show_to_patient"],
                }
            try:
                _service(change)(appointment.pk, by=request.user, **extra)
            except services.BookingError as error:
                if not change.asks_reason:
                    self.message_user(request, str(error), level=messages.ERROR)
                    return self._appointment_page(appointment)
                form.add_error(None, str(error))
            else:
                return self._done(request, appointment, change)
        return self._render(
            request,
            appointment,
            change,
            "admin/booking/appointment/desk_change.html",
            form=form,
        )

    def reschedule_view(self, request, object_id: str):
        """Move a planned visit: a day and a practitioner, a free time on that day (the
        booking engine's), a reason; the patient is emailed the new time."""
        change = BY_NAME["reschedule"]
        appointment = self._get_for_change(request, object_id, change)
        refused = self._refuse_if_impossible(request, appointment, change)
        if refused:
            return refused
        tz = clinic_tz()
        practitioners = list(
            Practitioner.objects.active()
            .performing(appointment.treatment)
            .order_by("position", "name")
        )
        names = {p.pk: str(p) for p in practitioners}
        chosen_practitioner = _int_or_none(request.GET.get("practitioner"))
        if chosen_practitioner not in names:
            chosen_practitioner = None
        slots = services.free_slots_for(
            appointment.treatment,
            practitioner_id=chosen_practitioner,
            now=timezone.now(),
            earliest_date=appointment.earliest_treatment_date,
            ignore_appointment_id=appointment.pk,
        )
        days = sorted({slot.start.astimezone(tz).date() for slot in slots})
        day = _date_or_none(request.GET.get("day"))
        if day not in days:
            current = appointment.starts_at.astimezone(tz).date()
            day = current if current in days else (days[0] if days else None)
        # The day's free times, one group per practitioner (the current one first).
        by_practitioner: dict[int, list[tuple[str, str]]] = {
            pid: [] for pid in sorted(names, key=lambda pid: pid != appointment.practitioner_id)
        }
        for slot in slots:
            if slot.start.astimezone(tz).date() != day:
                continue
            for pid in slot.practitioner_ids:
                if pid in by_practitioner:
                    value = f"{slot.start.isoformat()}|{pid}"
                    by_practitioner[pid].append((value, local_time(slot.start, tz, "H:i")))
        choices = [choice for times in by_practitioner.values() for choice in times]
        form = RescheduleForm(request.POST if request.method == "POST" else None, choices=choices)
        radios = {radio.data["value"]: radio for radio in form["slot"]}
        slot_groups = [
            (names[pid], [radios[value] for value, _label in times])
            for pid, times in by_practitioner.items()
            if times
        ]
        if request.method == "POST" and form.is_valid():
            start, practitioner_id = form.chosen()
            try:
                services.reschedule_by_staff(
                    appointment.pk,
                    start,
                    practitioner_id,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except services.BookingError as error:
                form.add_error(None, str(error))
            else:
                return self._done(request, appointment, change)
        return self._render(
            request,
            appointment,
            change,
            "admin/booking/appointment/reschedule.html",
            form=form,
            days=[(d, local_day(d)) for d in days],
            day=day,
            day_label=local_day(day) if day else "",
            clinic_zone=tz.key,
            slot_groups=slot_groups,
            practitioners=practitioners,
            chosen_practitioner=chosen_practitioner,
            current_practitioner=appointment.practitioner,
        )

    def _done(self, request, appointment: Appointment, change: DeskChange):
        message = change.done % {"reference": appointment.reference}
        self.log_change(request, appointment, str(change.label))
        self.message_user(request, message, level=messages.SUCCESS)
        return self._appointment_page(appointment)


def local_day(day: dt.date) -> str:
    """A day as the desk reads it, e.g. “Tue 12 Jan 2027”."""
    return dateformat.format(day, "D j M Y")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
