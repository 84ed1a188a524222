import datetime as dt
import functools
import re

from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from booking import screening
from booking.models import (
    ConsentKind,
    DataRequestKind,
    Practitioner,
    QuestionKind,
    ScreeningQuestion,
    YesNo,
)
from clinic.dates import localised_format
from clinic.languages import marked_translation
from clinic.markup import conditional_escape, escape, flatatt, format_html
from clinic.models import PrivacyNotice
from treatments.models import Treatment

# The exact words a patient agrees to. Change the version whenever the words change:
# the consent record keeps both, so what each patient saw is never in doubt.
CONSENTS = {
    ConsentKind.TREATMENT: (
        "2026-11",
        _(
            "I have read the information about this treatment, including its risks, side "
            "effects and aftercare, and I answered the health questions truthfully."
        ),
    ),
    # "%(notice)s" is the privacy notice: a link on the page, "privacy notice (version N)"
    # in the wording kept; the consent also keeps which version (Consent.privacy_notice).
    ConsentKind.PRIVACY: (
        "2027-01",
        _(
            "I give my express consent for the clinic to keep and use my details and my "
            "answers to the health questions, which are health data, to prepare and carry out "
            "my treatment, as described in the %(notice)s."
        ),
    ),
}


class OneValueEach(forms.Form):
    """A form that takes one value per field: a request that sends a field twice
    (``pregnant=yes&pregnant=no``) is refused with a message on that field, never read
    as one of its values. Every booking form is one."""

    repeated_message = _(
        "We received more than one answer here. Please choose or type just one and send "
        "the form again."
    )

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return
        for name, field in self.fields.items():
            if getattr(field.widget, "allow_multiple_selected", False):
                continue
            if len(self.data.getlist(self.add_prefix(name))) > 1:
                # The one problem worth saying about this field.
                self.errors.pop(name, None)
                self.add_error(name, self.repeated_message)


ISO_DATE = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$")


def month_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("Choose")), *((str(n), name) for n, name in MONTHS.items())]


@functools.lru_cache(maxsize=16)
def _month_options(language: str | None) -> tuple[tuple[str, str], ...]:
    """The month list's options in a language, escaped: the same for every date."""
    return tuple((value, str(escape(label))) for value, label in month_choices())


class MonthSelect(forms.Select):
    """The month of a date. Its options are written by ``DatePartsWidget._render`` from
    ``_month_options``, so Django's context for each option (13 a date, nine dates on an
    answered questionnaire) is not built: only the chosen value is kept."""

    def get_context(self, name, value, attrs):
        return forms.Widget.get_context(self, name, value, attrs)

    def use_required_attribute(self, initial):
        # Django's Select builds the whole list to see that its first option is empty:
        # month_choices' first is always the empty "Choose".
        return forms.Widget.use_required_attribute(self, initial)


class DatePartsWidget(forms.MultiWidget):
    """A date as three fields, day / month / year (GOV.UK's "date input" pattern).

    Unlike `<input type="date">`, whose order and format follow the browser's locale
    (Chromium in en-US shows mm/dd/yyyy), the three labelled fields cannot disagree with
    the hint. The month is a list of names, so 3/4 can never be read as 4 March.
    """

    parts = ("day", "month", "year")

    def __init__(self, attrs=None, *, autocomplete: str = ""):
        def numeric(size: int, part: str) -> forms.TextInput:
            extra = {"autocomplete": f"{autocomplete}-{part}"} if autocomplete else {}
            return forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": size, "size": size, **extra}
            )

        month_extra = {"autocomplete": f"{autocomplete}-month"} if autocomplete else {}
        # A callable: the list is put together only if something asks for it (the
        # options are written from _month_options), not for each date a POST validates.
        month = MonthSelect(attrs=month_extra, choices=CallableChoiceIterator(month_choices))
        super().__init__(
            {"day": numeric(2, "day"), "month": month, "year": numeric(4, "year")}, attrs
        )

    def decompress(self, value):
        if isinstance(value, str):
            match = ISO_DATE.match(value)
            if not match:
                return [None, None, None]
            year, month, day = match.groups()
            return [str(int(day)), str(int(month)), year]
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), f"{value.year:04d}"]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        typed = data.get(name)
        if not typed:
            return super().value_from_datadict(data, files, name)
        # One ISO date under the field's own name (scripts, a page from before the three
        # fields): split into the three parts, so a wrong one is refused like any other.
        match = ISO_DATE.match(str(typed))
        if match:
            year, month, day = match.groups()
            return [day, str(int(month)), year]
        return [str(typed), "", ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id")
        labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        for part, subwidget in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            if base_id:
                subwidget["attrs"]["id"] = f"{base_id}_{part}"
            # The form's CSS classes (crispy adds form-control to every part): a list is
            # styled as a list.
            if part == "month":
                classes = subwidget["attrs"].get("class", "").split()
                classes = ["form-select" if c == "form-control" else c for c in classes]
                subwidget["attrs"]["class"] = " ".join(classes)
            subwidget["part"] = part
            subwidget["label"] = labels[part]
        return context

    def _render(self, template_name, context, renderer=None):
        """The markup of booking/widgets/date_parts.html, put together here: through the
        templates (one per month in the list) a date cost more than the rest of its page."""
        parts = []
        for subwidget in context["widget"]["subwidgets"]:
            attrs = flatatt(subwidget["attrs"])
            if subwidget["part"] == "month":
                selected = set(subwidget["value"])
                control = format_html(
                    '<select name="{}"{}>{}</select>',
                    subwidget["name"],
                    attrs,
                    mark_safe(
                        "".join(
                            f'<option value="{value}"{" selected" if value in selected else ""}>'
                            f"{label}</option>"
                            for value, label in _month_options(get_language())
                        )
                    ),
                )
            else:
                value = subwidget["value"]
                control = format_html(
                    '<input type="text" name="{}"{}{}>',
                    subwidget["name"],
                    format_html(' value="{}"', value) if value not in (None, "") else "",
                    attrs,
                )
            parts.append(
                format_html(
                    '<div class="date-part date-part--{}"><label class="form-label" for="{}">'
                    "{}</label>{}</div>",
                    subwidget["part"],
                    subwidget["attrs"].get("id", ""),
                    subwidget["label"],
                    control,
                )
            )
        return format_html('<div class="date-parts">{}</div>', mark_safe("".join(parts)))


class DatePartsField(forms.MultiValueField):
    """A date typed as day, month and year, with a message for each way it can be wrong."""

    widget = DatePartsWidget
    default_error_messages = {
        "required": _("Please enter a date."),
        "incomplete": _("The date must include a day, a month and a year."),
        "missing_day": _("The date must include a day."),
        "missing_month": _("The date must include a month."),
        "missing_year": _("The date must include a year."),
        "year_digits": _("Year must be 4 digits."),
        "invalid": _("Enter a real date."),
    }

    def __init__(self, **kwargs):
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        parts = [str(part).strip() if part is not None else "" for part in (value or [])]
        parts = (parts + ["", "", ""])[:3]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if len(missing) == 1:
            code = f"missing_{missing[0]}"
            raise forms.ValidationError(self.error_messages[code], code=code)
        if missing:
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = parts
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise forms.ValidationError(self.error_messages["year_digits"], code="year_digits")
        if not all(part.isascii() and part.isdigit() for part in (day, month)):
            # int() would also take "1_0", "+5" or other scripts' digits.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            value = self.compress(parts)
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        self.validate(value)
        self.run_validators(value)
        return value

    def compress(self, data_list):
        """The three cleaned parts as a date (clean() above checks them first)."""
        day, month, year = (int(part) for part in data_list)
        return dt.date(year, month, day)


class FollowUp:
    """A question's field that knows the question it follows, if any (the page's script
    shows a follow-up only when the answer to that question makes it apply)."""

    parent_name = ""  # the field of the question it follows
    parent_answer = ""  # the answer to it that makes this one apply


class DateAnswerField(FollowUp, DatePartsField):
    pass


class YesNoAnswerField(FollowUp, forms.ChoiceField):
    pass


class TreatmentChoiceForm(OneValueEach):
    treatment = forms.ModelChoiceField(
        label=_("Treatment"),
        queryset=Treatment.objects.published(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Please choose a treatment.")},
    )
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner"),
        queryset=Practitioner.objects.active(),
        required=False,
        empty_label=_("Any available practitioner"),
        help_text=_("Choose someone in particular, or let us find the first free time."),
    )

    def clean(self):
        data = super().clean()
        treatment, practitioner = data.get("treatment"), data.get("practitioner")
        if treatment and practitioner and not practitioner.treatments.filter(pk=treatment.pk):
            self.add_error(
                "practitioner",
                _("%(name)s does not perform %(treatment)s. Please choose someone else.")
                % {"name": practitioner, "treatment": treatment},
            )
        return data


class ScreeningForm(OneValueEach):
    """The questionnaire: date of birth, then one field per active question (`question_<pk>`)."""

    date_of_birth = DatePartsField(
        label=_("Your date of birth"),
        widget=DatePartsWidget(autocomplete="bday"),
        help_text=_("For example, 23 April 1990."),
        error_messages={
            "required": _("Please enter your date of birth."),
            "incomplete": _("Your date of birth must include a day, a month and a year."),
            "missing_day": _("Your date of birth must include a day."),
            "missing_month": _("Your date of birth must include a month."),
            "missing_year": _("Your date of birth must include a year."),
            "invalid": _("Enter a real date of birth."),
        },
    )

    def __init__(self, *args, questions: list[ScreeningQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        # A date question's hint: a recent past date, written as the fields read it.
        example = str(
            _("For example, %(date)s.")
            % {
                "date": date_format(
                    timezone.localdate() - dt.timedelta(days=60), localised_format("j F Y")
                )
            }
        )
        previous_parent: int | None = None
        for question in questions:
            # In the patient's language, or the fallback marked with its lang.
            label = marked_translation(question, "text")
            help_text: str = marked_translation(question, "help_text")
            if question.parent_id:
                # Shown without the page's script: the question a run of follow-ups
                # depends on is quoted once, at the first of them.
                condition = (
                    _("Only if you answered “%(answer)s” to the same question as the one above.")
                    if question.parent_id == previous_parent
                    else _("Only if you answered “%(answer)s” to: %(question)s")
                )
                help_text = " ".join(
                    filter(
                        None,
                        [
                            str(
                                condition
                                % {
                                    "answer": question.get_parent_answer_display(),
                                    "question": question.parent.text if question.parent else "",
                                }
                            ),
                            question.help_text,
                        ],
                    )
                )
            previous_parent = question.parent_id
            field: DateAnswerField | YesNoAnswerField
            if question.kind == QuestionKind.DATE:
                field = DateAnswerField(
                    label=label,
                    required=False,
                    help_text=" ".join(filter(None, [help_text, example])),
                )
            else:
                field = YesNoAnswerField(
                    label=label,
                    choices=YesNo.choices,
                    widget=forms.RadioSelect,
                    required=question.parent_id is None,
                    help_text=help_text,
                    error_messages={"required": _("Please answer this question.")},
                )
            if question.parent_id:
                # For the page's script, which shows a follow-up only when it applies.
                field.parent_name = f"question_{question.parent_id}"
                field.parent_answer = question.parent_answer
            self.fields[self.field_name(question)] = field

    @staticmethod
    def field_name(question: ScreeningQuestion) -> str:
        return f"question_{question.pk}"

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("Your date of birth cannot be in the future."))
        if value.year < today.year - 120:
            raise forms.ValidationError(_("Please check the year of your date of birth."))
        return value

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        by_id = {q.pk: q for q in self.questions}
        dates_after: dict[int, list[ScreeningQuestion]] = {}  # date follow-ups by parent
        for question in self.questions:
            name = self.field_name(question)
            value = data.get(name)
            if question.kind == QuestionKind.DATE and isinstance(value, dt.date):
                problem = screening.date_answer_problem(
                    value, date_of_birth=data.get("date_of_birth"), today=today
                )
                if problem:
                    self.add_error(name, problem)
            parent = by_id.get(question.parent_id) if question.parent_id else None
            if not parent or data.get(self.field_name(parent)) != question.parent_answer:
                continue  # not asked
            if question.kind == QuestionKind.DATE:
                dates_after.setdefault(parent.pk, []).append(question)
            elif not value and name not in self.errors:
                self.add_error(name, _("Please answer this question."))
        # As the rules have it (booking/screening.py): one date follow-up must be given;
        # of several after the same answer, at least one.
        for dates in dates_after.values():
            names = [self.field_name(question) for question in dates]
            if any(data.get(name) for name in names) or any(n in self.errors for n in names):
                continue
            if len(dates) == 1:
                self.add_error(names[0], _("Please answer this question."))
            else:
                self.add_error(
                    names[0],
                    _(
                        "You answered “%(answer)s”: please enter at least one of these dates "
                        "(an approximate date is fine), or change that answer."
                    )
                    % {"answer": dates[0].get_parent_answer_display()},
                )
        return data

    def answers(self) -> dict[int, str | dt.date | None]:
        """Answers by question id, for the screening rules."""
        return {q.pk: self.cleaned_data.get(self.field_name(q)) or None for q in self.questions}


class RecheckForm(ScreeningForm):
    """The questions again, before the visit: the date of birth on file is kept."""

    def __init__(self, *args, questions: list[ScreeningQuestion], **kwargs):
        super().__init__(*args, questions=questions, **kwargs)
        del self.fields["date_of_birth"]


PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]{7,25}$")


class DetailsForm(OneValueEach):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={"required": _("Please enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send your confirmation and a link to manage your appointment here."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("With country code if you are calling from outside Mexico, e.g. +1 619 …"),
        error_messages={"required": _("Please enter a phone number we can reach you on.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consent_treatment = forms.BooleanField(
        label=CONSENTS[ConsentKind.TREATMENT][1],
        error_messages={"required": _("Please confirm you have read the treatment information.")},
    )
    consent_privacy = forms.BooleanField(
        error_messages={"required": _("Please agree to the privacy notice to book online.")},
    )
    # The version of the privacy notice the page showed: the one the patient agrees to.
    privacy_notice = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people (and assistive technology) by CSS, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, notice: PrivacyNotice | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        shown = notice.version if notice else None
        self.fields["consent_privacy"].label = self._privacy_label(notice)
        self.initial["privacy_notice"] = shown
        # Agreed to another version than the one in force (it changed meanwhile, or the
        # field was tampered with): ask again, showing the version in force.
        self.notice_changed = self.is_bound and self.data.get("privacy_notice", "") != str(
            shown or ""
        )
        if self.notice_changed:
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["privacy_notice"] = "" if shown is None else str(shown)
            self.data = data

    @staticmethod
    def _privacy_label(notice: PrivacyNotice | None):
        url = notice.get_absolute_url() if notice else reverse("privacy")
        # A new tab, so that nothing typed on this page is lost by reading the notice.
        link = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}<span class="visually-hidden"> '
            "({})</span></a>",
            url,
            _("privacy notice"),
            _("opens in a new tab"),
        )
        return mark_safe(
            conditional_escape(str(CONSENTS[ConsentKind.PRIVACY][1])) % {"notice": link}
        )

    def clean_consent_privacy(self):
        if self.notice_changed:
            raise forms.ValidationError(
                _(
                    "Our privacy notice has just been updated. Please read the new version "
                    "and tick the box again."
                )
            )
        return self.cleaned_data["consent_privacy"]

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Please enter your full name."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError(
                _("Please enter a phone number using digits, spaces and an optional +.")
            )
        return phone

    def consents(self) -> list[tuple[str, str, str]]:
        """(kind, exact wording, version) of each consent given."""
        notice = (
            _("privacy notice (version %(version)s)") % {"version": self.notice.version}
            if self.notice
            else _("privacy notice")
        )
        wording = {
            ConsentKind.TREATMENT: str(CONSENTS[ConsentKind.TREATMENT][1]),
            ConsentKind.PRIVACY: str(CONSENTS[ConsentKind.PRIVACY][1]) % {"notice": notice},
        }
        return [(kind, wording[kind], version) for kind, (version, _text) in CONSENTS.items()]


class SlotForm(OneValueEach):
    start = forms.CharField(max_length=40, error_messages={"required": _("Please choose a time.")})

    def clean_start(self):
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["start"])
            if value.tzinfo is None:
                raise ValueError("a time without a zone")
            return value.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("Please choose one of the times shown.")) from None


class DataRequestForm(forms.Form):
    """A patient's request about their data, from the manage link (one button per kind)."""

    kind = forms.ChoiceField(choices=DataRequestKind.choices)
