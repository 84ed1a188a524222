"""Practitioners, their working hours, and closures (the clinic's or one practitioner's)."""

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic.cache_versions import InvalidatingQuerySet
from treatments.models import Treatment


class PractitionerQuerySet(InvalidatingQuerySet["Practitioner"]):
    def active(self) -> "PractitionerQuerySet":
        return self.filter(is_active=True)

    def performing(self, treatment: Treatment) -> "PractitionerQuerySet":
        """Active practitioners who perform this treatment."""
        return self.active().filter(treatments=treatment)


class Practitioner(models.Model):
    """A person who treats patients, with the treatments they perform and their hours."""

    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("E.g. “Aesthetic nurse”.")
    )
    bio = models.TextField(_("short biography"), blank=True)
    treatments = models.ManyToManyField(
        Treatment, related_name="practitioners", blank=True, verbose_name=_("treatments")
    )
    is_active = models.BooleanField(
        _("takes bookings"),
        default=True,
        help_text=_("Untick when someone leaves; their past appointments stay."),
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One range of hours a practitioner works on a weekday (several make breaks)."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="working_hours",
        verbose_name=_("practitioner"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    objects = InvalidatingQuerySet["WorkingHours"].as_manager()

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="working_hours_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


def overlapping_hours(
    rows: Iterable[tuple[int, dt.time, dt.time]],
) -> list[tuple[int, tuple[dt.time, dt.time], tuple[dt.time, dt.time]]]:
    """Pairs of ranges (weekday, from, until) of one practitioner that overlap on the same
    weekday, as (weekday, earlier range, later range). Ranges that only touch (9–13 and
    13–17) do not overlap."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, starts_at, ends_at in rows:
        by_day.setdefault(weekday, []).append((starts_at, ends_at))
    clashes = []
    for weekday, ranges in sorted(by_day.items()):
        ranges.sort()
        for index, (starts_at, ends_at) in enumerate(ranges):
            for later in ranges[index + 1 :]:
                if later[0] < ends_at:
                    clashes.append((weekday, (starts_at, ends_at), later))
    return clashes


class ClosureSource(models.TextChoices):
    """Who made a closure: staff in the admin, or the public-holiday refresh."""

    STAFF = "staff", _("Staff")
    HOLIDAY = "holiday", _("Public holiday (loaded)")


class ClosureQuerySet(InvalidatingQuerySet["Closure"]):
    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "ClosureQuerySet":
        """Closures in force (not switched off) that meet the window [start, end)."""
        return self.filter(is_active=True, starts_at__lt=end, ends_at__gt=start)

    def holidays(self) -> "ClosureQuerySet":
        """The rows `manage.py load_holidays` made (switched off ones included)."""
        return self.filter(source=ClosureSource.HOLIDAY)


class Closure(models.Model):
    """Time when nobody (clinic-wide) or one practitioner cannot be booked."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        help_text=_("Leave empty to close the whole clinic (public holidays)."),
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)
    is_active = models.BooleanField(
        _("in force"),
        default=True,
        help_text=_(
            "Untick to open after all. A deleted public-holiday closure is kept unticked, "
            "so that the holiday refresh does not bring it back."
        ),
    )
    source = models.CharField(
        _("made by"),
        max_length=20,
        choices=ClosureSource.choices,
        default=ClosureSource.STAFF,
        editable=False,
    )
    holiday_key = models.CharField(
        _("holiday"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Which public holiday the refresh made this closure for."),
    )
    # What the refresh wrote, as `fingerprint()`: a row whose fingerprint differs
    # has been changed by staff, and the refresh leaves it alone from then on.
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        indexes = [models.Index(fields=["ends_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="closure_end_after_start"
            )
        ]

    def __str__(self) -> str:
        who = self.practitioner or _("Whole clinic")
        return f"{who}: {self.reason or _('closed')}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    def fingerprint(self) -> str:
        """What staff can change about the closure, in one string."""
        return hashlib.sha256(
            "|".join(
                [
                    # Instants, whatever zone the datetimes carry (the database's is UTC).
                    str(self.starts_at.timestamp()),
                    str(self.ends_at.timestamp()),
                    self.reason,
                    str(self.practitioner_id or ""),
                    str(self.is_active),
                ]
            ).encode()
        ).hexdigest()

    @property
    def changed_by_staff(self) -> bool:
        """A loaded holiday closure that staff have edited or switched off since."""
        return (
            self.source == ClosureSource.HOLIDAY and self.fingerprint() != self.loaded_fingerprint
        )
