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

from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from booking.availability import Slot, group_by_day
from clinic.dates import localised_format


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
