"""The change list's rows, written in one pass: the same cells Django's ``items_for_result``
writes, at a fraction of its cost.

Django works out each cell from scratch (which field or method the column is, its empty
value, its CSS class, the row's change link through ``reverse`` and the preserved filters,
the action checkbox through a form widget's templates): for 100 rows of 8 columns, half of
the appointment book's time. Here that is worked out once per column and once per page
(the change link and the checkbox as text around the row's own values), and each row is
only its values, escaped as Django escapes them. ``tests/booking/test_admin_rows.py``
compares the rows with Django's own, cell for cell.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import cast

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import ResultList, result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (  # type: ignore[attr-defined]
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,  # which columns are model fields, as items_for_result decides
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.safestring import mark_safe

from clinic.markup import conditional_escape, escape

Cell = Callable[[models.Model], str]


# Stand for a row's own values in what is written once per page; letters only, so that
# reverse(), the preserved filters' quoting and escaping leave them as they are.
PK_PLACEHOLDER = "QzxPKxzQ"
NAME_PLACEHOLDER = "QzxNAMExzQ"


def fast_result_list(changelist: ChangeList) -> dict:
    """The context of Django's ``result_list`` tag, with rows written by ``rows``; a list
    with editable columns (a formset) is left to Django."""
    if changelist.formset:
        return result_list(changelist)
    context = result_list_without_rows(changelist)
    context["results"] = list(rows(changelist))
    return context


def result_list_without_rows(changelist: ChangeList) -> dict:
    # Django's own headers (sort links, priorities, classes); its rows are not built.
    result_list_of_nothing = changelist.result_list
    changelist.result_list = []
    try:
        context = result_list(changelist)
    finally:
        changelist.result_list = result_list_of_nothing
    return context


def rows(changelist: ChangeList) -> Iterator[ResultList]:
    """Each result as the list of one string: the row's cells, as Django writes them."""
    cells = columns(changelist)
    for result in changelist.result_list:
        yield ResultList(None, [mark_safe("".join([cell(result) for cell in cells]))])


def columns(changelist: ChangeList) -> list[Cell]:
    links = changelist.list_display_links
    first = True
    cells = []
    for index, name in enumerate(changelist.list_display):
        if links is None:
            linked = False
        elif first and not links:
            linked = True
        else:
            linked = name in links
        cell = column(changelist, index, name, linked)
        if linked:
            cell = linked_cell(changelist, cell, "th" if first else "td")
            first = False
        cells.append(cell)
    return cells


def column(changelist: ChangeList, index: int, name, linked: bool) -> Cell:
    """What one column writes for a row (the cell's content, and its tag and class unless
    ``linked_cell`` wraps it in a link): a model field, or a method or function."""
    model_admin = changelist.model_admin
    empty = model_admin.get_empty_value_display()
    if callable(name):
        # Django's class for a function column (admin_list._coerce_field_name).
        classes = (
            f"field-lambda{index}" if name.__name__ == "<lambda>" else f"field-{name.__name__}"
        )
    else:
        classes = f"field-{name}"
    try:
        field = _get_non_gfk_field(changelist.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None
    if field is None and not callable(name):
        if not hasattr(model_admin, name) or name == "__str__":
            return generic_column(model_admin, name, classes, empty, linked)
    if field is not None and not field.auto_created:
        attribute = field.name
        if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
            classes += " nowrap"
        if isinstance(field.remote_field, models.ManyToOneRel):

            def related(result) -> tuple[str, object]:
                try:
                    value = getattr(result, attribute)
                except ObjectDoesNotExist:
                    return classes, empty
                return classes, empty if value is None else value

            return wrap(related, linked)

        def plain(result) -> tuple[str, object]:
            try:
                value = getattr(result, attribute)
            except ObjectDoesNotExist:
                return classes, empty
            if isinstance(value, str) and value.strip() == "":
                value = ""
            return classes, display_for_field(value, field, empty, avoid_link=linked)

        return wrap(plain, linked)

    if field is not None:  # the primary key: written as a value, as Django does
        attribute = field.name

        def method(result):
            return getattr(result, attribute)

        empty_here, boolean = empty, False
    elif callable(name):
        method, empty_here = name, getattr(name, "empty_value_display", empty)
        boolean = getattr(name, "boolean", False)
    else:
        method = getattr(model_admin, name)
        empty_here = getattr(method, "empty_value_display", empty)
        boolean = getattr(method, "boolean", False)
    if name == "action_checkbox":
        classes = "action-checkbox"
        if type(model_admin).action_checkbox is admin.ModelAdmin.action_checkbox:
            return wrap(action_checkbox(model_admin, classes), linked)

    def computed(result) -> tuple[str, object]:
        try:
            value = method(result)
        except ObjectDoesNotExist:
            return classes, empty
        if isinstance(value, str) and value.strip() == "":
            value = ""
        shown = display_for_value(value, empty_here, boolean)
        if isinstance(value, dt.date | dt.time):
            return f"{classes} nowrap", shown
        return classes, shown

    return wrap(computed, linked)


def generic_column(model_admin, name: str, classes: str, empty, linked: bool) -> Cell:
    """A model attribute or property: Django's own lookup, row by row (none in the
    appointment lists; kept so that any column is written right)."""

    def generic(result) -> tuple[str, object]:
        try:
            field, attr, value = lookup_field(name, result, model_admin)
        except ObjectDoesNotExist:
            return classes, empty
        empty_here = getattr(attr, "empty_value_display", empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        shown = display_for_value(value, empty_here, boolean)
        if isinstance(value, dt.date | dt.time):
            return f"{classes} nowrap", shown
        return classes, shown

    return wrap(generic, linked)


def wrap(content: Callable[[models.Model], tuple[str, object]], linked: bool):
    """A cell's ``<td>``, unless it is the link's (``linked_cell`` writes that)."""
    if linked:
        return content

    def cell(result) -> str:
        classes, shown = content(result)
        return f'<td class="{classes}">{conditional_escape(shown)}</td>'

    return cell


def linked_cell(changelist: ChangeList, content, tag: str) -> Cell:
    """The cell with the link to the row's page: the link written once for the page,
    around each row's primary key."""
    try:
        url = changelist.url_for_result(
            cast(models.Model, StandIn(changelist.pk_attname, PK_PLACEHOLDER, NAME_PLACEHOLDER))
        )
    except NoReverseMatch:

        def unlinked(result) -> str:
            classes, shown = content(result)
            return f'<{tag} class="{classes}">{conditional_escape(shown)}</{tag}>'

        return unlinked
    url = add_preserved_filters(
        {"preserved_filters": changelist.preserved_filters, "opts": changelist.opts}, url
    )
    before, after = (escape(part) for part in url.split(PK_PLACEHOLDER, 1))
    pk_name = changelist.pk_attname
    value_name = str(changelist.to_field) if changelist.to_field else pk_name
    popup = changelist.is_popup

    def linked(result) -> str:
        classes, shown = content(result)
        opener = ""
        if popup:
            opener = f' data-popup-opener="{escape(result.serializable_value(value_name))}"'
        return (
            f'<{tag} class="{classes}"><a href="{before}'
            f'{escape(quote(getattr(result, pk_name)))}{after}"{opener}>'
            f"{conditional_escape(shown)}</a></{tag}>"
        )

    return linked


def action_checkbox(model_admin, classes: str):
    """Django's checkbox (``ModelAdmin.action_checkbox``), its widget rendered once for
    the page and each row's primary key and name written into it."""
    rendered = str(model_admin.action_checkbox(StandIn("pk", PK_PLACEHOLDER, NAME_PLACEHOLDER)))
    before, rest = rendered.split(PK_PLACEHOLDER, 1)
    middle, after = rest.split(NAME_PLACEHOLDER, 1)

    def checkbox(result) -> tuple[str, object]:
        # The widget escapes the pk; format_html escapes the name in the aria-label.
        return classes, mark_safe(
            f"{before}{escape(str(result.pk))}{middle}{escape(str(result))}{after}"
        )

    return checkbox


class StandIn:
    """Stands in for a row where the link and the checkbox are written once for the
    page: its primary key and its name are placeholders."""

    def __init__(self, pk_name: str, pk: str, name: str):
        self.pk = pk
        setattr(self, pk_name, pk)
        self.name = name

    def __str__(self) -> str:
        return self.name
