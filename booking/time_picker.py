"""What the day and time picker shows (templates/booking/includes/time_picker.html).

Every label is worked out here, once, so the template only prints strings: the
picker lists up to a few months of days, and formatting dates through template
filters cost more than everything else on the page. For the same reason the list of
day links, one `<li>` per day, is put together here with `format_html` (every value
escaped) rather than by a template loop, and each link is remembered, as are the
day labels per day and language. The times are always shown in the clinic's zone.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from booking.availability import Slot, group_by_day
from booking.free_times import MAX_AGE, Offered
from clinic import clinic_time
from clinic.cache_versions import layout_fingerprint
from clinic.dates import localised_format
from clinic.markup import format_html, format_html_join


@dataclass(frozen=True)
class DayChoice:
    day: dt.date
    weekday: str  # "Tue"
    date: str  # "3 Dec"
    free: str  # "5 times free", for screen readers
    current: bool

    @property
    def iso(self) -> str:
        """The ?day= value."""
        return self.day.isoformat()

    def link(self) -> SafeString:
        return _day_link(self.iso, self.weekday, self.date, self.free, self.current)


@dataclass(frozen=True)
class TimeChoice:
    start: dt.datetime
    label: str  # "09:30", clinic time
    held: bool  # the patient is holding this time

    @property
    def value(self) -> str:
        """The start, ISO 8601: what the form posts."""
        return self.start.isoformat()


@dataclass(frozen=True)
class Picker:
    days: list[DayChoice]
    chosen_day: dt.date | None
    chosen_day_label: str  # "Tuesday 3 December"
    times: list[TimeChoice]

    def day_links(self) -> SafeString:
        """The `<li>` of every day, for the day list of the template."""
        return mark_safe("\n".join(day.link() for day in self.days))

    def as_time_list(self, tz: ZoneInfo) -> "TimeList":
        held = gettext("the time you are holding")
        return TimeList(
            zone=clinic_time.zone_label(tz, self.times[0].start) if self.times else "",
            day_links=self.day_links(),
            day=formats.date_format(self.chosen_day, localised_format("l j F Y"))
            if self.chosen_day
            else "",
            times=format_html_join(
                "\n",
                '<li><button type="submit" name="start" value="{}" class="btn {}">{}'
                '<span class="visually-hidden"> {}{}</span></button></li>',
                (
                    (
                        time.value,
                        "btn-primary" if time.held else "btn-outline-primary",
                        time.label,
                        self.chosen_day_label,
                        f" ({held})" if time.held else "",
                    )
                    for time in self.times
                ),
            ),
        )


@dataclass(frozen=True)
class TimeList:
    """The picker as the page shows it (templates/booking/includes/time_picker.html), in
    plain strings: the same for every patient offered the same times, on the same day,
    in the same language, so it is stored and shared (``shared_time_list``). What is a
    patient's own (the CSRF token, a form's errors, the address the form posts to) the
    template puts around it."""

    zone: str  # whose clock the times are on, in the season of the first
    day_links: SafeString  # the `<li>` of every day
    day: str  # the chosen day, "Tuesday 3 December 2026", for the legend
    times: SafeString  # the `<li>` of each time's button


# Part of every key, from TimeList's layout.
FORMAT = layout_fingerprint(TimeList)


def shared_time_list(
    offered: Offered,
    tz: ZoneInfo,
    *,
    requested_day: str | None,
    held_start: dt.datetime | None,
    days_offered: tuple[dt.date, dt.date],
) -> TimeList:
    """The time list for these free times, made once for every patient offered exactly
    them (``offered.key``) and shared for as long as their calendar is (MAX_AGE at most).

    Its key names the day asked for only when it is a day that can be offered
    (``days_offered``, first and last; any other goes to the first day, as ``picker``
    does), so a request cannot fill the cache with days of its choosing. A patient
    holding a time has a calendar of their own (``offered.key`` names it), so the held
    time is never in a list another patient sees.
    """
    if requested_day is None:
        day = f"held-{held_start.isoformat()}" if held_start is not None else ""
    else:
        try:
            asked = dt.date.fromisoformat(requested_day)
        except ValueError:
            asked = None
        first, last = days_offered
        day = asked.isoformat() if asked and first <= asked <= last else "other"

    def make() -> TimeList:
        return picker(
            offered.slots, tz, requested_day=requested_day, held_start=held_start
        ).as_time_list(tz)

    if offered.key is None:
        return make()
    key = f"booking:time-list:{FORMAT}:{offered.key}:{translation.get_language()}:{day}"
    found = cache.get(key)
    if isinstance(found, TimeList):
        return found
    time_list = make()
    cache.set(key, time_list, MAX_AGE.total_seconds())
    return time_list


@functools.lru_cache(maxsize=4096)
def _day_link(iso: str, weekday: str, date: str, free: str, current: bool) -> SafeString:
    return format_html(
        '<li><a href="?day={}#times-heading"{}><span class="dow">{}</span> '
        '<span class="dom">{}</span><span class="visually-hidden">, {}</span></a></li>',
        iso,
        mark_safe(' aria-current="date" class="active"') if current else "",
        weekday,
        date,
        free,
    )


@functools.lru_cache(maxsize=2048)
def _day_labels(day: dt.date, language: str) -> tuple[str, str]:
    return formats.date_format(day, "D"), formats.date_format(day, "j M")


@functools.lru_cache(maxsize=256)
def _free_label(count: int, language: str) -> str:
    return ngettext("%(n)s time free", "%(n)s times free", count) % {"n": count}


def picker(
    slots: list[Slot],
    tz: ZoneInfo,
    *,
    requested_day: str | None,
    held_start: dt.datetime | None = None,
) -> Picker:
    """The days that have free times, and the times of the chosen one: the day asked
    for (``?day=``; None when not asked), else the day of the time being held, else
    the first day."""
    days = group_by_day(slots, tz)
    chosen_day = None
    if requested_day is not None:
        try:
            chosen_day = dt.date.fromisoformat(requested_day)
        except ValueError:
            pass
    elif held_start is not None:
        chosen_day = held_start.astimezone(tz).date()
    if chosen_day not in days:
        chosen_day = next(iter(days), None)

    language = translation.get_language() or ""
    day_choices = []
    for day, day_slots in days.items():
        weekday, date = _day_labels(day, language)
        day_choices.append(
            DayChoice(
                day=day,
                weekday=weekday,
                date=date,
                free=_free_label(len(day_slots), language),
                current=day == chosen_day,
            )
        )
    times = [
        TimeChoice(
            start=slot.start,
            label=slot.start.astimezone(tz).strftime("%H:%M"),
            held=slot.start == held_start,
        )
        for slot in (days[chosen_day] if chosen_day is not None else [])
    ]
    return Picker(
        days=day_choices,
        chosen_day=chosen_day,
        chosen_day_label=formats.date_format(chosen_day, localised_format("l j F"))
        if chosen_day
        else "",
        times=times,
    )
