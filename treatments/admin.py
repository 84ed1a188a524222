from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from treatments.images import ImageUploadField
from treatments.models import FAQ, Section, Treatment, TreatmentImage

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _SectionCount(TypedDict):
        _section_count: int

    # A treatment as the list reads it: with its number of sections (get_queryset).
    CountedTreatment = WithAnnotations[Treatment, _SectionCount]


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ["kind", "title", "body"]


class FAQInline(TranslationStackedInline):
    model = FAQ
    extra = 0
    fields = ["question", "answer", "position"]


# Uploads get the site's image checks, with their clear messages, before Pillow's own.
IMAGE_UPLOADS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.ImageField: {"form_class": ImageUploadField}
}


class TreatmentImageInline(TranslationTabularInline):
    model = TreatmentImage
    formfield_overrides = IMAGE_UPLOADS
    extra = 0
    fields = ["image", "alt_text", "caption", "position"]


@admin.register(Treatment)
class TreatmentAdmin(TranslationAdmin):
    """Each patient-visible text in both languages, side by side (README, "Languages")."""

    list_display = [
        "name",
        "is_published",
        "is_featured",
        "position",
        "price_from",
        "visit_minutes",
        "section_count",
    ]
    list_editable = ["position"]
    list_filter = ["is_published", "is_featured"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = IMAGE_UPLOADS
    inlines = [SectionInline, FAQInline, TreatmentImageInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "is_published", "is_featured", "position"]}),
        (_("Image"), {"fields": ["hero_image", "hero_image_alt"]}),
        (
            _("Time, price and sessions"),
            {
                "fields": [
                    ("session_minutes", "visit_minutes", "buffer_minutes"),
                    "price_from",
                    ("sessions_min", "sessions_max"),
                    ("spacing_weeks_min", "spacing_weeks_max"),
                ]
            },
        ),
        (_("Search engines"), {"fields": ["seo_description"]}),
    ]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_section_count=Count("sections"))

    @admin.display(description=_("sections"), ordering="_section_count")
    def section_count(self, treatment: "CountedTreatment") -> int:
        return treatment._section_count
