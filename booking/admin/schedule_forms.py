"""The forms of working hours and closures: times as 10:00, overlapping hours refused, and a
closure never saved silently over the visits it would cover."""

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from booking.admin.helpers import local_time
from booking.models import Appointment, Closure, Weekday, overlapping_hours

TIME_FORMAT = "%H:%M"
VISITS_IN_THE_WAY = "visits_in_the_way"
# The closure page's choice about the visits inside a closure (closure_conflict.html).
DECISION = "_visits_in_the_way"
CANCEL_THEM = "cancel"


class TimeInput(widgets.AdminTimeWidget):
    """The admin's time field, showing 10:00 rather than 10:00:00."""

    def __init__(self, attrs=None):
        super().__init__(attrs, format=TIME_FORMAT)


class SplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time fields, the time shown as 10:00."""

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [widgets.AdminDateWidget, TimeInput], attrs)


def describe_visit(visit: Appointment) -> str:
    """“Tue 12 Jan 2027, 10:00: Jane Doe with Dr. Ana Ruiz (Confirmed)”."""
    return gettext("%(time)s: %(patient)s with %(practitioner)s (%(status)s)") % {
        "time": local_time(visit.starts_at),
        "patient": visit.patient_name or "—",
        "practitioner": visit.practitioner.name,
        "status": visit.get_status_display(),
    }


class ClosureForm(forms.ModelForm):
    """Refuses a closure in force over visits that keep their time, unless the closure page
    has asked what to do with them and staff chose to cancel them
    (``ClosureAdmin.changeform_view``). ``visits_in_the_way`` lists them."""

    visits_in_the_way: list[Appointment]

    class Meta:
        model = Closure
        fields = ["practitioner", "starts_at", "ends_at", "reason", "is_active"]
        widgets = {"starts_at": SplitDateTime, "ends_at": SplitDateTime}

    def clean(self):
        cleaned = super().clean()
        self.visits_in_the_way = []
        if not self.needs_visit_check():
            return cleaned
        if "practitioner" in self.fields:  # the closures page; the practitioner's page sets it
            practitioner = cleaned.get("practitioner")
            practitioner_id = practitioner.pk if practitioner else None
        else:
            practitioner_id = self.instance.practitioner_id
        closure = Closure(
            practitioner_id=practitioner_id,
            starts_at=cleaned.get("starts_at"),
            ends_at=cleaned.get("ends_at"),
            is_active=cleaned.get("is_active", self.instance.is_active),
        )
        self.visits_in_the_way = list(
            Appointment.objects.inside_closure(closure, timezone.now())
            .select_related("practitioner", "treatment")
            .defer("instructions")
            .order_by("starts_at")
        )
        if self.visits_in_the_way and self.data.get(DECISION) != CANCEL_THEM:
            raise ValidationError(self.refusal(), code=VISITS_IN_THE_WAY)
        return cleaned

    def needs_visit_check(self) -> bool:
        return True

    def refusal(self) -> str:
        visits = self.visits_in_the_way
        return ngettext(
            "%(count)d visit falls inside this closure and keeps its time: %(visits)s. "
            "Save on the closures page to cancel it and email the patient, or move it first.",
            "%(count)d visits fall inside this closure and keep their time: %(visits)s. "
            "Save on the closures page to cancel them and email the patients, or move them "
            "first.",
            len(visits),
        ) % {"count": len(visits), "visits": "; ".join(describe_visit(v) for v in visits)}

    def only_visits_in_the_way(self) -> bool:
        """Whether the visits inside are all that stops this form (the rest is valid)."""
        errors = self.errors.as_data()
        return (
            bool(self.visits_in_the_way)
            and list(errors) == [NON_FIELD_ERRORS]
            and all(error.code == VISITS_IN_THE_WAY for error in errors[NON_FIELD_ERRORS])
        )


class ClosureInlineForm(ClosureForm):
    """On the practitioner's page: refused over visits (the closures page offers to cancel
    them)."""

    class Meta(ClosureForm.Meta):
        fields = ["starts_at", "ends_at", "reason"]

    def needs_visit_check(self) -> bool:
        # A closure left as it was is not checked again: saving the hours must not fail
        # over a closure nobody touched.
        return self.instance.pk is None or self.has_changed()


class WorkingHoursFormSet(BaseInlineFormSet):
    """A practitioner's hours: two ranges that overlap on one day are refused, naming them,
    whether they are new rows, saved ones or both."""

    def clean(self) -> None:
        super().clean()
        rows = [
            (data["weekday"], data["starts_at"], data["ends_at"])
            for form in self.forms
            if (data := getattr(form, "cleaned_data", None))
            and not data.get("DELETE")
            and all(data.get(name) is not None for name in ("weekday", "starts_at", "ends_at"))
        ]
        clashes = overlapping_hours(rows)
        if clashes:
            raise ValidationError(
                [
                    gettext(
                        "%(day)s %(first)s and %(day)s %(second)s overlap. Change or remove "
                        "one of them (two ranges may meet, e.g. 9:00–13:00 and 13:00–17:00)."
                    )
                    % {
                        "day": Weekday(weekday).label,
                        "first": f"{first[0]:%H:%M}–{first[1]:%H:%M}",
                        "second": f"{second[0]:%H:%M}–{second[1]:%H:%M}",
                    }
                    for weekday, first, second in clashes
                ],
                code="overlapping_hours",
            )
