"""factory_boy factories for the test suite, one block per app.

Images are real (tiny) PNGs drawn by Pillow in memory, so the model's renditions
code runs on them exactly as it does on an editor's upload.
"""

import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from PIL import Image

from clinic.models import ClinicProfile
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


# --- Clinic -------------------------------------------------------------------------


class ClinicProfileFactory(factory.django.DjangoModelFactory):
    """The one clinic profile, with these values whether or not it already exists."""

    class Meta:
        model = ClinicProfile

    name = "Clínica Rosa"
    tagline = "Skin treatments in Tijuana, explained plainly."
    about = "A small clinic near the border crossing."
    street_address = "Av. Revolución 1234"
    locality = "Tijuana"
    region = "Baja California"
    postal_code = "22000"
    country = "Mexico"
    country_code = "MX"
    map_url = "https://www.openstreetmap.org/?mlat=32.53&mlon=-117.04"
    phone = "+52 664 123 4567"
    email = "hola@clinica.example"
    opening_hours = "Monday–Friday: 9:00–18:00\nSaturday: 9:00–14:00"
    time_zone = "America/Tijuana"
    currency = "USD"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # save() pins the primary key to 1, updating the profile if there is one;
        # the manager's create() would insert a second row and fail.
        profile = model_class(*args, **kwargs)
        profile.save()
        return profile


# --- Treatments ---------------------------------------------------------------------


class TreatmentFactory(factory.django.DjangoModelFactory):
    """A published treatment without a hero image; `draft=True` for an unpublished one."""

    class Meta:
        model = Treatment
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(is_published=False)
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


# --- Admin forms --------------------------------------------------------------------


def admin_form_data(response) -> dict:
    """The POST data an admin change form would send back unchanged.

    Built from the form and inline formsets in the GET response's context, so a test
    only states the fields it changes.
    """

    def add_form(form) -> None:
        for bound_field in form:
            value = bound_field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, (list, tuple)):
                value = [getattr(item, "pk", item) for item in value]
            elif isinstance(value, FieldFile):  # a stored file is kept unless a test sends one
                continue
            data[bound_field.html_name] = value

    data: dict = {}
    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.initial_forms:
            add_form(form)
    return data
