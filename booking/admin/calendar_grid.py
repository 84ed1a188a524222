"""The desk calendar's table body (its rows of cells), put together in Python.

A full week of eight practitioners is 56 cells and a few hundred entries. Through the
template engine (an include per cell, a tag or filter per time and label) that was most
of the page's time; here each entry is one f-string, in the markup the cell template had,
with every value from the database escaped (``_escape``) and every label translated once
per page (``_Labels``). Times are already on the clinic's clock (``day_sheet.Column``).
"""

import datetime as dt
from collections.abc import Iterable
from html import escape as _escape
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from booking.day_sheet import Column, Entry, Kind
from booking.models import Status

Rows = Iterable[tuple[Any, list[Column]]]


def render(rows: Rows, *, week: bool) -> SafeString:
    """The `<tr>`s of the week (a row per practitioner, a cell per day) or of the day (one
    row, a cell per practitioner)."""
    labels = _Labels()
    html: list[str] = []
    if week:
        for practitioner, columns in rows:
            html.append(f'<tr>\n<th scope="row">{_escape(practitioner.name)}</th>\n')
            html += (_cell(column, labels, compact=True) for column in columns)
            html.append("</tr>\n")
        if not html:
            html.append(f'<tr><td colspan="8">{labels.nobody}</td></tr>')
    else:
        cells = [_cell(columns[0], labels, compact=False) for _, columns in rows]
        html += ["<tr>\n", *(cells or [f"<td>{labels.nobody}</td>\n"]), "</tr>"]
    return mark_safe("".join(html))  # every value is escaped above


class _Labels:
    """Every word of the cells, translated (and escaped, as the template did) once."""

    def __init__(self) -> None:
        self.works = _escape(gettext("Works"))
        self.not_working = _escape(gettext("Not working"))
        self.no_name = _escape(gettext("(no name yet)"))
        self.brk = _escape(gettext("Break"))
        self.closed = _escape(gettext("Closed"))
        self.free = _escape(gettext("Free"))
        self.now = _escape(gettext("Now"))
        self.nobody = _escape(gettext("No practitioner takes bookings."))
        # The template's blocktranslate messages: their values escaped, their text not.
        self.book_at = gettext("book %(name)s on %(day)s at %(time)s")
        self.book = gettext("book %(name)s")
        # Not colour alone: a symbol (hidden from screen readers) and the word.
        self.states = {
            status: f'<span aria-hidden="true">{symbol}</span> {_escape(label)}'
            for status, symbol, label in [
                (Status.HELD, "○", gettext("Held")),
                (Status.REQUESTED, "?", gettext("Requested")),
                (Status.CONFIRMED, "✓", gettext("Confirmed")),
                (Status.COMPLETED, "✔✔", gettext("Completed")),
                (Status.NO_SHOW, "✗", gettext("No-show")),
            ]
        }
        # The visits' pages differ only in the id: reversed once (``~`` stands for it).
        before, _, after = reverse("admin:booking_appointment_change", args=["~"]).rpartition("~")
        self.visit_url = (_escape(before), _escape(after))


def _hhmm(moment: dt.datetime | dt.time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _cell(column: Column, labels: _Labels, *, compact: bool) -> str:
    if column.hours:
        times = ", ".join(f"{_hhmm(start)}–{_hhmm(end)}" for start, end in column.hours)
        hours = f'<p class="desk-hours">{labels.works} {times}</p>\n'
    else:
        hours = f'<p class="desk-hours">{labels.not_working}</p>\n'
    items = "\n".join(_item(entry, column, labels, compact) for entry in column.entries)
    entries = f'<ol class="desk-day">\n{items}\n</ol>\n' if items else ""
    opening = '<td class="desk-today">' if column.is_today else "<td>"
    return f"{opening}\n{hours}{entries}</td>\n"


def _item(entry: Entry, column: Column, labels: _Labels, compact: bool) -> str:
    times = f'<span class="desk-time">{_hhmm(entry.start)}–{_hhmm(entry.end)}</span>'
    if entry.kind == Kind.VISIT:
        visit = entry.visit
        before, after = labels.visit_url
        state = labels.states.get(visit.status) or _escape(visit.get_status_display())
        return (
            f'<li class="desk-entry desk-entry--visit desk-status--{_escape(visit.status)}">\n'
            f'<a href="{before}{visit.pk}{after}">\n{times}\n'
            f'<span class="desk-patient">{_escape(visit.patient_name) or labels.no_name}</span>\n'
            f'<span class="desk-treatment">{_escape(visit.treatment.name)}</span>\n'
            f'<span class="desk-state">{state}</span>\n</a>\n</li>'
        )
    if entry.kind == Kind.BREAK:
        return f'<li class="desk-entry desk-entry--break">{times} {labels.brk}</li>'
    if entry.kind == Kind.CLOSED:
        return (
            f'<li class="desk-entry desk-entry--closed">{times} {labels.closed}: '
            f"{_escape(entry.label)}</li>"
        )
    if entry.kind == Kind.NOW:
        return (
            f'<li class="desk-entry desk-entry--now"><strong>{labels.now} '
            f"{_hhmm(entry.start)}</strong></li>"
        )
    # A run of free times.
    name = _escape(column.practitioner.name)
    if compact:
        spoken = labels.book_at % {
            "name": name,
            "day": _escape(formats.date_format(column.day, "D j M")),
            "time": _hhmm(entry.start),
        }
        return (
            f'<li class="desk-entry desk-entry--free">\n<a href="{_escape(entry.starts[0][1])}">'
            f'{times} <span class="desk-free">{labels.free}</span>'
            f'<span class="desk-sr"> — {spoken}</span></a>\n</li>'
        )
    spoken = labels.book % {"name": name}
    starts = "".join(
        f'<li><a href="{_escape(url)}">{_hhmm(start)}'
        f'<span class="desk-sr"> — {spoken}</span></a></li>'
        for start, url in entry.starts
    )
    return (
        f'<li class="desk-entry desk-entry--free">\n{times} {labels.free}:\n'
        f'<ul class="desk-starts">{starts}</ul>\n</li>'
    )
