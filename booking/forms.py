import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import ConsentKind, Practitioner, QuestionKind, ScreeningQuestion, YesNo
from clinic.languages import marked_translation
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
    ConsentKind.PRIVACY: (
        "2026-11",
        _(
            "I agree that the clinic keeps my details and my answers to the health questions "
            "to prepare and carry out my treatment, as described in the privacy notice."
        ),
    ),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FollowUp:
    """A question's field that knows the question it follows, if any (the page's script
    shows a follow-up only when the answer to that question makes it apply)."""

    parent_name = ""  # the field of the question it follows
    parent_answer = ""  # the answer to it that makes this one apply


class DateAnswerField(FollowUp, forms.DateField):
    pass


class YesNoAnswerField(FollowUp, forms.ChoiceField):
    pass


class TreatmentChoiceForm(forms.Form):
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


class ScreeningForm(forms.Form):
    """The questionnaire: date of birth, then one field per active question (`question_<pk>`)."""

    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        widget=DateInput,
        help_text=_("For example 1990-04-23."),
        error_messages={
            "required": _("Please enter your date of birth."),
            "invalid": _("Please enter a real date, for example 1990-04-23."),
        },
    )

    def __init__(self, *args, questions: list[ScreeningQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            # In the patient's language, or the fallback marked with its lang.
            label = marked_translation(question, "text")
            help_text: str = marked_translation(question, "help_text")
            if question.parent_id:
                help_text = " ".join(
                    filter(
                        None,
                        [
                            str(
                                _("Only if you answered “%(answer)s” to: %(question)s")
                                % {
                                    "answer": question.get_parent_answer_display(),
                                    "question": question.parent.text if question.parent else "",
                                }
                            ),
                            question.help_text,
                        ],
                    )
                )
            field: DateAnswerField | YesNoAnswerField
            if question.kind == QuestionKind.DATE:
                field = DateAnswerField(
                    label=label,
                    required=False,
                    widget=DateInput,
                    help_text=help_text,
                    error_messages={
                        "invalid": _("Please enter a real date, for example 2026-03-01.")
                    },
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
        for question in self.questions:
            name = self.field_name(question)
            value = data.get(name)
            if question.kind == QuestionKind.DATE and isinstance(value, dt.date) and value > today:
                self.add_error(name, _("This date cannot be in the future."))
            if question.parent_id and not value and name not in self.errors:
                parent = by_id.get(question.parent_id)
                if parent and data.get(self.field_name(parent)) == question.parent_answer:
                    self.add_error(name, _("Please answer this question."))
        return data

    def answers(self) -> dict[int, str | dt.date | None]:
        """Answers by question id, for the screening rules."""
        return {q.pk: self.cleaned_data.get(self.field_name(q)) or None for q in self.questions}


PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]{7,25}$")


class DetailsForm(forms.Form):
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
        label=CONSENTS[ConsentKind.PRIVACY][1],
        error_messages={"required": _("Please agree to the privacy notice to book online.")},
    )
    # A honeypot: hidden from people (and assistive technology) by CSS, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

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
        return [(kind, str(text), version) for kind, (version, text) in CONSENTS.items()]


class SlotForm(forms.Form):
    start = forms.CharField(max_length=40, error_messages={"required": _("Please choose a time.")})

    def clean_start(self):
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["start"])
            if value.tzinfo is None:
                raise ValueError("a time without a zone")
            return value.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("Please choose one of the times shown.")) from None
