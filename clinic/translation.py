"""The clinic profile's texts in each language (django-modeltranslation; see
treatments/translation.py). Names, addresses, phone and email are the same in both."""

from modeltranslation.translator import TranslationOptions, register

from clinic.models import ClinicProfile


@register(ClinicProfile)
class ClinicProfileTranslation(TranslationOptions):
    fields = ("tagline", "about", "opening_hours", "country")
