"""What patients read on the treatment pages, in each language (django-modeltranslation:
one column per language on the same table, so no page reads more rows or joins more
tables). English is the language every text has; Spanish falls back to it
(clinic/settings.py, MODELTRANSLATION_*), marked ``lang="en"`` where shown."""

from modeltranslation.translator import TranslationOptions, register

from treatments.models import FAQ, Section, Treatment, TreatmentImage


@register(Treatment)
class TreatmentTranslation(TranslationOptions):
    fields = ("name", "summary", "hero_image_alt", "visit_instructions", "seo_description")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "body", "body_html")


@register(FAQ)
class FAQTranslation(TranslationOptions):
    fields = ("question", "answer", "answer_html")


@register(TreatmentImage)
class TreatmentImageTranslation(TranslationOptions):
    fields = ("alt_text", "caption")
