"""The front desk's day and week calendar (``admin:booking_appointment_calendar``).

One column per practitioner and day: visits, breaks, closures and the free times, laid
out by the pure ``booking/day_sheet.py``. The week is read in a fixed number of queries
whatever the number of visits (practitioners, working hours, closures, visits with their
treatment, the treatments to book, who performs the chosen one).

Free times are the slot engine's own (``availability.free_slots``: working hours,
closures, visits with their buffers, the policy's start interval) for the chosen
treatment, inside the booking window (``slots.booking_window``: the minimum notice and
the horizon): exactly the times the staff booking page offers, as patients see them, so
every one the calendar shows can be booked there. Each links to that page at its time
(``?treatment=&practitioner=&start=YYYY-MM-DDTHH:MM``, clinic time), which checks the
time again under the database guarantee. Gaps in the hours too short for the treatment
simply show no free time.

The table's body is put together in Python (booking/admin/calendar_grid.py).

Nothing from the screening is read here, nor any other health data (the visits' query
reads the fields the page shows): Reception uses this page.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from booking import availability, day_sheet
from booking.admin import calendar_grid
from booking.models import (
    ACTIVE_STATUSES,
    Appointment,
    BookingPolicy,
    Closure,
    Practitioner,
    Status,
    WorkingHours,
)
from booking.services import slots
from clinic.dates import localised_format
from clinic.models import ClinicProfile
from treatments.models import Treatment

DAY, WEEK = "day", "week"
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
# Shown on the calendar: what is or was a visit, and holds still keeping their time.
SHOWN_STATUSES = (Status.REQUESTED, Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)


class CalendarQuery(forms.Form):
    """What the calendar shows; anything unreadable in the address falls back to today,
    all practitioners and the first published treatment."""

    date = forms.DateField(required=False)
    view = forms.ChoiceField(choices=[(DAY, DAY), (WEEK, WEEK)], required=False)
    practitioner = forms.IntegerField(required=False)
    treatment = forms.IntegerField(required=False)

    def clean_date(self) -> dt.date | None:
        # A day the clock can work with (year 9999 would overflow the week's end).
        value = self.cleaned_data["date"]
        if value and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError("out of range")
        return value


def add_urls(
    treatment_id: int, practitioner_ids: Iterable[int]
) -> dict[int, Callable[[dt.datetime], str]]:
    """The staff booking page at each free time of one treatment, by practitioner (the
    contract with the staff booking page): ``?treatment=&practitioner=&start=``, the start
    as YYYY-MM-DDTHH:MM on the clinic's clock. The page's address is reversed once."""
    page = reverse("admin:booking_appointment_add")
    return {
        pid: _at_start(
            f"{page}?{urlencode({'treatment': str(treatment_id), 'practitioner': str(pid)})}&start="
        )
        for pid in practitioner_ids
    }


def _at_start(prefix: str) -> Callable[[dt.datetime], str]:
    # As urlencode writes it: the colon is the only character to escape ("%3A").
    return lambda start: prefix + start.strftime("%Y-%m-%dT%H%%3A%M")


def _translated(name: str) -> list[str]:
    """A translated field and its column in each language (modeltranslation falls back
    from one to another)."""
    return [name, *(f"{name}_{code}" for code, _ in settings.LANGUAGES)]


# What the cells read of a visit (the printable sheet adds the phone and the reference):
# never the health data (instructions, clinical note) nor the treatment's texts.
VISIT_FIELDS = [
    "practitioner",
    "starts_at",
    "ends_at",
    "occupied_until",
    "status",
    "hold_expires_at",
    "patient_name",
    "patient_phone",
    "reference",
    *(f"treatment__{name}" for name in _translated("name")),
]


def _week_rows(
    practitioners: list[Practitioner],
    days: list[dt.date],
    treatment: Treatment | None,
    tz: ZoneInfo,
    now: dt.datetime,
    policy: BookingPolicy,
) -> list[tuple[Practitioner, list[day_sheet.Column]]]:
    """Every column of the days asked for, in three queries: working hours, closures, and
    the visits with their treatment."""
    range_start = day_sheet.day_bounds(days[0], tz)[0]
    range_end = day_sheet.day_bounds(days[-1], tz)[1]
    ids = [practitioner.pk for practitioner in practitioners]

    hours: dict[int, dict[int, list[tuple[dt.time, dt.time]]]] = {}
    for pid, weekday, starts_at, ends_at in WorkingHours.objects.filter(
        practitioner__in=ids
    ).values_list("practitioner_id", "weekday", "starts_at", "ends_at"):
        hours.setdefault(pid, {}).setdefault(weekday, []).append((starts_at, ends_at))

    clinic_closed: list[tuple[dt.datetime, dt.datetime, str]] = []
    closed: dict[int, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    for pid, closed_from, closed_until, reason in (
        Closure.objects.overlapping(range_start, range_end)
        .filter(Q(practitioner__isnull=True) | Q(practitioner__in=ids))
        .values_list("practitioner_id", "starts_at", "ends_at", "reason")
    ):
        label = reason or gettext("Closed")
        (clinic_closed if pid is None else closed.setdefault(pid, [])).append(
            (closed_from, closed_until, label)
        )

    visits: dict[int, list[Appointment]] = {}
    for visit in (
        Appointment.objects.filter(practitioner__in=ids)
        .filter(Q(status__in=SHOWN_STATUSES) | Q(status=Status.HELD, hold_expires_at__gt=now))
        .overlapping_by_start(range_start, range_end)
        .select_related("treatment")
        .only(*VISIT_FIELDS)
        .order_by("starts_at")
    ):
        visits.setdefault(visit.practitioner_id, []).append(visit)

    free: dict[int, list[dt.datetime]] = {}
    duration = dt.timedelta(minutes=treatment.visit_minutes) if treatment else dt.timedelta(0)
    interval = dt.timedelta(minutes=policy.slot_interval_minutes)
    window_opens, window_closes = slots.booking_window(policy, now, None, tz)
    if treatment is not None and window_opens < range_end and range_start <= window_closes:
        # ``performs``: annotated by calendar_view (whether they give the chosen treatment).
        performing = {p.pk for p in practitioners if getattr(p, "performs", False)}
        schedules = [
            availability.Schedule(
                practitioner_id=pid,
                hours=hours.get(pid, {}),
                closures=[(start, end) for start, end, _ in closed.get(pid, ())],
                busy=[
                    (visit.starts_at, visit.occupied_until)
                    for visit in visits.get(pid, ())
                    if visit.status in ACTIVE_STATUSES
                ],
            )
            for pid in ids
            if pid in performing
        ]
        request = availability.Request(
            duration=duration,
            buffer=dt.timedelta(minutes=treatment.buffer_minutes),
            interval=interval,
            earliest_start=max(range_start, window_opens),
            latest_start=min(range_end - dt.timedelta(microseconds=1), window_closes),
            tz=tz,
        )
        clinic_intervals = [(start, end) for start, end, _ in clinic_closed]
        for slot in availability.free_slots(schedules, request, clinic_closures=clinic_intervals):
            for pid in slot.practitioner_ids:
                free.setdefault(pid, []).append(slot.start)

    links = add_urls(treatment.pk, ids) if treatment else {}
    return [
        (
            practitioner,
            [
                day_sheet.build_column(
                    practitioner=practitioner,
                    day=day,
                    tz=tz,
                    hours=hours.get(practitioner.pk, {}).get(day.weekday(), []),
                    closures=[*clinic_closed, *closed.get(practitioner.pk, ())],
                    visits=visits.get(practitioner.pk, ()),
                    free_starts=free.get(practitioner.pk, ()),
                    interval=interval,
                    duration=duration,
                    now=now,
                    book_url=links.get(practitioner.pk, _no_link),
                )
                for day in days
            ],
        )
        for practitioner in practitioners
    ]


def _no_link(start: dt.datetime) -> str:
    return ""


class DeskCalendar(admin.ModelAdmin):
    """AppointmentAdmin's calendar page, at ``calendar/``."""

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        if self.model is not Appointment:
            return urls
        view = self.admin_site.admin_view(self.calendar_view)
        return [path("calendar/", view, name="booking_appointment_calendar"), *urls]

    def calendar_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        tz = ClinicProfile.load().tzinfo
        now = timezone.now()
        today = now.astimezone(tz).date()
        query = CalendarQuery(request.GET)
        query.is_valid()  # invalid parts are left out of cleaned_data and fall back
        choice = query.cleaned_data
        day = choice.get("date") or today
        view = choice.get("view") or DAY
        # What the page reads of them: not their texts, images or loaded content.
        treatments = list(
            Treatment.objects.published().only(
                *_translated("name"), "visit_minutes", "buffer_minutes", "position"
            )
        )
        treatment = _pick(treatments, choice.get("treatment"), query) or next(
            iter(treatments), None
        )
        everyone = list(
            Practitioner.objects.active()
            .only("name", "position")
            .annotate(
                performs=Exists(
                    Practitioner.treatments.through.objects.filter(
                        practitioner=OuterRef("pk"), treatment=treatment
                    )
                )
            )
        )
        chosen = _pick(everyone, choice.get("practitioner"), query)
        days = day_sheet.week_of(day) if view == WEEK else [day]
        step = dt.timedelta(days=7 if view == WEEK else 1)
        practitioners = [chosen] if chosen else everyone
        policy = BookingPolicy.load()
        printing = request.GET.get("print") == "1"
        rows = _week_rows(practitioners, days, treatment, tz, now, policy)
        # The table's body (the printable sheet has its own template).
        grid = None if printing else calendar_grid.render(rows, week=view == WEEK)

        def address(**changes: object) -> str:
            params: dict[str, object] = {
                "date": day.isoformat(),
                "view": view,
                "practitioner": chosen.pk if chosen else "",
                "treatment": treatment.pk if treatment else "",
                **changes,
            }
            return "?" + urlencode({key: str(value) for key, value in params.items() if value})

        if view == WEEK:
            title = gettext("Week of %(date)s") % {"date": _long_date(days[0])}
        else:
            title = _long_date(day)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Calendar"),
            "subtitle": title,
            "unreadable": bool(query.errors),
            "treatments": treatments,
            "practitioners": everyone,
            "view": view,
            "days": days,
            "rows": rows,
            "grid": grid,
            "treatment": treatment,
            "chosen": chosen,
            "today": today,
            "now": now.astimezone(tz),
            "zone": tz.key,
            "print": printing,
            "previous_url": address(date=(day - step).isoformat()),
            "next_url": address(date=(day + step).isoformat()),
            "today_url": address(date=today.isoformat()),
            "day_url": address(view=DAY),
            "week_url": address(view=WEEK),
            "print_url": address(print="1"),
            "screen_url": address(),
            "changelist_url": reverse("admin:booking_appointment_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/booking/appointment/calendar.html", context)


def _pick(rows: list[Any], pk: int | None, query: CalendarQuery) -> Any:
    """The row with this pk; an unknown one is noted on the query, as unreadable input."""
    if pk is None:
        return None
    found = next((row for row in rows if row.pk == pk), None)
    if found is None:
        query.add_error(None, "unknown")
    return found


def _long_date(day: dt.date) -> str:
    return formats.date_format(day, localised_format("l j F Y"))
