"""The appointment list's filters (status, when) and the closures' (applies to)."""

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.helpers import clinic_tz
from booking.models import RecheckResult, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class NarrowedByDefault(admin.SimpleListFilter):
    """A filter whose first choice, with no parameter, is a default of its own (booked
    appointments, today on) in place of Django's "All"; the lookups follow."""

    default_label: "StrOrPromise"
    # The parameter's value that asks for the default by name, if it has one.
    default_lookup: str | None = None
    DEFAULT_COUNT = "default__c"

    def chosen(self) -> str | None:
        """The choice in force; None for the default."""
        return self.value()

    def get_facet_counts(self, pk_attname, filtered_qs):
        """Django's counts of the lookups, for "Show counts", and the default's."""
        counts = super().get_facet_counts(pk_attname, filtered_qs)
        original = self.used_parameters.get(self.parameter_name)
        self.used_parameters[self.parameter_name] = self.default_lookup
        default = self.queryset(self.request, filtered_qs)
        self.used_parameters[self.parameter_name] = original
        counts[self.DEFAULT_COUNT] = models.Count(pk_attname, filter=models.Q(pk__in=default))
        return counts

    def choices(self, changelist):
        chosen = self.chosen()
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else {}

        def shown(title: "StrOrPromise", count: str) -> "StrOrPromise":
            return f"{title} ({counts[count]})" if count in counts else title

        yield {
            "selected": chosen is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": shown(self.default_label, self.DEFAULT_COUNT),
        }
        for number, (lookup, title) in enumerate(self.lookup_choices):
            yield {
                "selected": chosen == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": shown(title, f"{number}__c"),
            }


class StatusFilter(NarrowedByDefault):
    """Status, hiding holds in progress and expired holds unless asked for."""

    title = _("status")
    parameter_name = "status"
    default_label = _("Booked (without holds)")
    EVERYTHING = "all"

    def lookups(self, request, model_admin):
        return [(self.EVERYTHING, _("Everything, holds included")), *Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.booked()
        if value == self.EVERYTHING:
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset.none()


class WhenFilter(NarrowedByDefault):
    """Days as the clinic counts them (its own time zone), not as UTC does.

    The book opens on today and what follows: what the desk works from, and a count
    the starts_at index answers, instead of every visit since the clinic opened (oldest
    first) counted row by row on each page. A search or a date picked in the date
    hierarchy looks at every date, so a patient's past visits are found; "Any date"
    and "Past" are a click away.
    """

    title = _("when")
    parameter_name = "when"
    default_label = _("From today on")
    # "upcoming" is what links to the list from before the default carried.
    TODAY, FROM_TODAY, ANY_DATE = "today", "upcoming", "all"
    default_lookup = FROM_TODAY
    DATE_FIELD = "starts_at"

    def __init__(self, request, params, model, model_admin):
        # Read before super() takes this filter's own parameter out of ``params``.
        self.looking_everywhere = bool(request.GET.get(SEARCH_VAR)) or any(
            name.startswith(f"{self.DATE_FIELD}__") for name in params
        )
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            (self.TODAY, _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("This week")),
            ("past", _("Past")),
            (self.ANY_DATE, _("Any date")),
        ]

    @property
    def by_default(self) -> bool:
        """Whether the list shows today on only because nobody chose otherwise."""
        return self.value() is None and not self.looking_everywhere

    def chosen(self) -> str | None:
        """The choice asked for; else any date when searching or drilling into the date
        hierarchy, and today on (None) otherwise."""
        value = self.value()
        if value is None and self.looking_everywhere:
            return self.ANY_DATE
        return None if value == self.FROM_TODAY else value

    def queryset(self, request, queryset):
        value = self.chosen()
        if value == self.ANY_DATE:
            return queryset
        tz = clinic_tz()
        now = timezone.now()
        today = timezone.localtime(now, tz).date()

        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(0), tzinfo=tz)

        if value is None:
            return queryset.filter(starts_at__gte=midnight(today))
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
        if value == "past":
            return queryset.filter(starts_at__lt=now)
        return queryset.none()


class HealthRecheckFilter(admin.SimpleListFilter):
    """Whether the patient answered the health re-check before the visit, and how."""

    title = _("health re-check")
    parameter_name = "recheck"
    RECONFIRMED, CHANGED, NOT_YET = "reconfirmed", "changed", "not_yet"

    def lookups(self, request, model_admin):
        return [
            (self.RECONFIRMED, _("✓ Nothing has changed")),
            (self.CHANGED, _("Answers changed")),
            (RecheckResult.MUST_MOVE.value, _("Must move to a later date")),
            (self.NOT_YET, _("Not yet")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == self.RECONFIRMED:
            return queryset.filter(health_recheck=RecheckResult.UNCHANGED)
        if value == self.CHANGED:
            return queryset.exclude(health_recheck__in=["", RecheckResult.UNCHANGED])
        if value == RecheckResult.MUST_MOVE:
            return queryset.filter(health_recheck=RecheckResult.MUST_MOVE)
        if value == self.NOT_YET:
            return queryset.filter(health_recheck="")
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
