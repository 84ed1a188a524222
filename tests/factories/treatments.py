"""Treatments and their pages: sections, frequent questions, gallery images.

Images are real (tiny) PNGs drawn by Pillow in memory, so the model's renditions
code runs on them exactly as it does on an editor's upload.
"""

import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from treatments.models import FAQ, Section, SectionKind, Treatment, TreatmentImage

# --- Images -------------------------------------------------------------------------


def image_bytes(width: int = 64, height: int = 48, fmt: str = "PNG", color=(31, 78, 95)) -> bytes:
    """The bytes of a real image of the given size and format, drawn in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def image_upload(
    name: str = "picture.png", width: int = 64, height: int = 48, fmt: str = "PNG"
) -> SimpleUploadedFile:
    """A real image wrapped as an upload, as a form or a model field receives it."""
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(width, height, fmt), content_type=content_type)


# --- Treatments ---------------------------------------------------------------------


class TreatmentFactory(factory.django.DjangoModelFactory):
    """A published treatment without a hero image; `draft=True` for an unpublished one,
    `microneedling=True` for the clinic's first treatment as the booking tests know it
    (a 30-minute session in a 90-minute visit, then 15 minutes to get the room ready)."""

    class Meta:
        model = Treatment
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(is_published=False)
        microneedling = factory.Trait(
            name="Microneedling",
            slug="microneedling",
            summary="Fine needles prompt the skin to renew itself.",
            session_minutes=30,
            visit_minutes=90,
            price_from=Decimal("180"),
        )
        with_hero = factory.Trait(
            hero_image=factory.LazyFunction(lambda: image_upload("hero.png", 640, 360)),
            hero_image_alt="A practitioner treating a patient's cheek.",
        )

    name = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.Sequence(lambda n: f"treatment-{n}")
    summary = "A gentle treatment that helps the skin renew itself."
    session_minutes = 45
    visit_minutes = 75
    buffer_minutes = 15
    price_from = Decimal("150.00")
    sessions_min = 3
    sessions_max = 6
    spacing_weeks_min = 4
    spacing_weeks_max = 6
    is_published = True
    position = factory.Sequence(lambda n: n)
    seo_description = ""


class SectionFactory(factory.django.DjangoModelFactory):
    """A section; pass `kind` when a treatment gets more than one (one per kind)."""

    class Meta:
        model = Section

    treatment = factory.SubFactory(TreatmentFactory)
    kind = SectionKind.HOW_IT_WORKS
    title = factory.LazyAttribute(lambda section: SectionKind(section.kind).label)
    body = "Fine needles make tiny channels in the skin.\n\n- It takes **45 minutes**."


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    treatment = factory.SubFactory(TreatmentFactory)
    question = factory.Sequence(lambda n: f"Frequent question number {n}?")
    answer = "Usually, *yes*."
    position = factory.Sequence(lambda n: n)


class TreatmentImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentImage

    treatment = factory.SubFactory(TreatmentFactory)
    image = factory.LazyFunction(lambda: image_upload("gallery.png", 96, 64))
    alt_text = factory.Sequence(lambda n: f"Gallery picture {n}")
    caption = ""
    position = factory.Sequence(lambda n: n)
