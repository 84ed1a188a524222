"""The appointment list's filters (status, when) and the closures' (applies to)."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.helpers import clinic_tz
from booking.models import RecheckResult, Status


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
    """Days as the clinic counts them (its own time zone), not as UTC does.

    The book opens on today and what follows: what the desk works from, and a count
    the starts_at index answers, instead of every visit since the clinic opened (oldest
    first) counted row by row on each page. A search or a date picked in the date
    hierarchy looks at every date, so a patient's past visits are found; "Any date"
    and "Past" are a click away.
    """

    title = _("when")
    parameter_name = "when"
    # "upcoming" is what links to the list from before the default carried.
    TODAY, FROM_TODAY, ANY_DATE = "today", "upcoming", "all"
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

    def chosen(self) -> str:
        """The choice in force: the one asked for, else today on (or any date, when
        searching or drilling into the date hierarchy)."""
        value = self.value()
        if value is None:
            return self.ANY_DATE if self.looking_everywhere else self.FROM_TODAY
        return value

    def choices(self, changelist):
        chosen = self.chosen()
        yield {
            "selected": chosen == self.FROM_TODAY,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("From today on"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": chosen == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.chosen()
        if value == self.ANY_DATE:
            return queryset
        tz = clinic_tz()
        now = timezone.now()
        today = timezone.localtime(now, tz).date()

        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(0), tzinfo=tz)

        if value == self.FROM_TODAY:
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
