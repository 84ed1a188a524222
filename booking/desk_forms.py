"""The front desk's booking page (booking/admin/desk_booking.py): the time, the caller,
and how the health questions are answered. The questions themselves are the flow's
``ScreeningForm``, the same fields and checks as online."""

import datetime as dt
from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from booking.forms import DetailsForm, ScreeningForm, TreatmentChoiceForm
from booking.models import ConsentKind, ScreeningQuestion
from clinic.models import PrivacyNotice

# The words staff read out before the health questions; kept with the consent, with
# the version of the privacy notice in force. Change the version whenever the words change.
PHONE_CONSENT_VERSION = "phone-2026-11"
PHONE_CONSENT = _(
    "Before I book, I will ask you some health questions. Your answers are health data: "
    "they are confidential, only our clinicians see them, and the clinic keeps and uses "
    "them with your details only to prepare and carry out your treatment, as described in "
    "our privacy notice (version %(version)s) on our website. Please answer truthfully. "
    "Do you agree?"
)


def phone_consent_wording() -> str:
    """The consent as the page shows it, with the version of the privacy notice in force."""
    notice = PrivacyNotice.objects.current()
    return str(PHONE_CONSENT) % {"version": notice.version if notice else "—"}


class DeskTimeForm(TreatmentChoiceForm):
    """Treatment, practitioner or any, and the day whose free times are shown."""

    day = forms.DateField(
        label=_("Day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Please choose a day."),
            "invalid": _("Please enter a day like 2027-01-12."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        treatment = self.fields["treatment"]
        treatment.widget = forms.Select()
        treatment.widget.choices = cast(forms.ModelChoiceField, treatment).choices
        self.fields["practitioner"].help_text = ""


class AnswersBy:
    PHONE = "phone"
    LINK = "link"
    CHOICES = [
        (PHONE, _("I take the health questions by phone now")),
        (LINK, _("Hold the time and email the patient a private link to answer them")),
    ]


class DeskBookingForm(DetailsForm):
    """The time chosen among those shown, the caller's details and language, and how the
    health questions are answered (with the consent read out, by phone)."""

    start = forms.ChoiceField(
        label=_("Free time"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a time."),
            "invalid_choice": _(
                "That time is no longer free. Please choose one of the times shown."
            ),
        },
    )
    language = forms.ChoiceField(
        label=_("Language for the patient's emails"), choices=settings.LANGUAGES
    )
    answers_by = forms.ChoiceField(
        label=_("How are the health questions answered?"),
        choices=AnswersBy.CHOICES,
        widget=forms.RadioSelect,
        initial=AnswersBy.PHONE,
    )
    consent_by_phone = forms.BooleanField(
        label=_("I read these words out and the patient agreed"), required=False
    )

    field_order = ["start", "name", "email", "phone", "language", "answers_by"]

    def __init__(self, *args, times: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, notice=PrivacyNotice.objects.current(), **kwargs)
        for online_only in ("consent_treatment", "consent_privacy", "privacy_notice", "website"):
            del self.fields[online_only]
        cast(forms.ChoiceField, self.fields["start"]).choices = times
        self.fields["email"].help_text = _(
            "The confirmation, the instructions and the private link go here."
        )
        self.fields["phone"].help_text = _(
            "With the country code if the patient is not in Mexico, e.g. +1 619 …"
        )
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"

    @property
    def by_phone(self) -> bool:
        return self.cleaned_data.get("answers_by") == AnswersBy.PHONE

    def clean(self):
        data = super().clean()
        if data.get("answers_by") == AnswersBy.PHONE and not data.get("consent_by_phone"):
            self.add_error(
                "consent_by_phone",
                _("Read the words out and tick this box once the patient agrees."),
            )
        return data

    def start_time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.cleaned_data["start"]).astimezone(dt.UTC)

    def phone_consents(self, wording: str) -> list[tuple[str, str, str]]:
        """(kind, exact wording read out, version) for each consent the words cover."""
        return [(kind, wording, PHONE_CONSENT_VERSION) for kind in ConsentKind.values]


class PhoneScreeningForm(ScreeningForm):
    """The questionnaire as staff read it out: the same fields and checks as online."""

    def __init__(self, *args, questions: list[ScreeningQuestion], **kwargs) -> None:
        super().__init__(*args, questions=questions, **kwargs)
        self.fields["date_of_birth"].label = _("Patient's date of birth")


class LinkAnswersForm(ScreeningForm):
    """The questionnaire the patient answers through the private link, with the same
    consents as online."""

    consent_treatment = DetailsForm.base_fields["consent_treatment"]
    consent_privacy = DetailsForm.base_fields["consent_privacy"]

    def __init__(self, *args, questions: list[ScreeningQuestion], **kwargs) -> None:
        super().__init__(*args, questions=questions, **kwargs)
        self.notice = PrivacyNotice.objects.current()
        self.fields["consent_privacy"].label = DetailsForm._privacy_label(self.notice)

    def consents(self) -> list[tuple[str, str, str]]:
        return DetailsForm.consents(self)  # type: ignore[arg-type]
