"""What patients read of booking's database text, in each language (django-modeltranslation;
see treatments/translation.py). The consent wording is not here: it is the booking form's
own text (booking/forms.py, CONSENTS), translated in locale/, and stored on each Consent
exactly as the patient read it."""

from modeltranslation.translator import TranslationOptions, register

from booking.models import Practitioner, ScreeningQuestion


@register(ScreeningQuestion)
class ScreeningQuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "public_label", "patient_message", "instruction")


@register(Practitioner)
class PractitionerTranslation(TranslationOptions):
    fields = ("title", "bio")
