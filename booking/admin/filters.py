"""The appointment list's filters (status, when) and the closures' (applies to)."""

import datetime as dt

from django.contrib import admin
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
