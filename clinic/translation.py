"""The clinic profile's texts in each language (django-modeltranslation; see
treatments/translation.py). Names, addresses, phone and email are the same in both."""

from modeltranslation.translator import TranslationOptions, register

from clinic.models import ClinicProfile, PrivacyNotice


@register(ClinicProfile)
class ClinicProfileTranslation(TranslationOptions):
    fields = ("tagline", "about", "opening_hours", "country")


@register(PrivacyNotice)
class PrivacyNoticeTranslation(TranslationOptions):
    """Published versions are final: the Spanish goes in before publishing, or in the next
    version, so each version stays exactly what patients agreed to."""

    fields = ("body", "body_html", "changes")
