import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.admin_forms import admin_form_data
from tests.factories import (
    TreatmentFactory,
    TreatmentImageFactory,
    image_bytes,
    image_upload,
)
from treatments.images import validate_image_file
from treatments.models import Treatment


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG whose pixels would fill gigabytes once decoded; ~50 kB on disk."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte, then a row of black pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)),
            _png_chunk(b"IDAT", idat),
            _png_chunk(b"IEND", b""),
        ]
    )


def noisy_image_bytes(fmt: str, width: int = 120, height: int = 90) -> bytes:
    """An image whose data does not compress to almost nothing, so truncating it matters."""
    pixels = bytes((x * 7 + y * 13 + x * y) % 256 for y in range(height) for x in range(width * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


# --- Upload checks --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_it_accepts_a_real_image(fmt):
    file = image_upload(f"photo.{fmt.lower()}", 64, 48, fmt)

    validate_image_file(file)

    assert file.tell() == 0  # left ready for the storage to read


def test_it_rejects_a_text_file_renamed_png():
    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("notes.png", b"Dear diary, today I uploaded a text file."))

    assert error.value.code == "invalid_image"
    assert "not an image we can read" in error.value.messages[0]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_it_rejects_a_truncated_file(fmt):
    data = noisy_image_bytes(fmt)

    with pytest.raises(ValidationError) as error:
        validate_image_file(upload(f"cut.{fmt.lower()}", data[: len(data) // 2]))

    assert error.value.code == "invalid_image"
    assert "damaged" in error.value.messages[0]


def test_it_rejects_a_file_over_the_size_limit(settings):
    data = image_bytes(64, 48)
    settings.MAX_IMAGE_UPLOAD_BYTES = len(data) - 1

    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("big.png", data))

    assert error.value.code == "too_large"
    assert "MB or smaller" in error.value.messages[0]


def test_it_accepts_a_file_at_the_size_limit(settings):
    data = image_bytes(64, 48)
    settings.MAX_IMAGE_UPLOAD_BYTES = len(data)

    validate_image_file(upload("exact.png", data))


def test_it_rejects_a_decompression_bomb_without_decoding_it():
    bomb = bomb_png()
    assert len(bomb) < 100_000

    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("bomb.png", bomb))

    assert error.value.code == "too_many_pixels"
    assert "too many pixels" in error.value.messages[0]


def test_it_rejects_more_pixels_than_the_setting_allows(settings):
    settings.MAX_IMAGE_PIXELS = 64 * 47

    with pytest.raises(ValidationError) as error:
        validate_image_file(image_upload("wide.png", 64, 48))

    assert error.value.code == "too_many_pixels"
    assert "64 × 48 pixels" in error.value.messages[0]


def test_it_rejects_an_image_too_small_to_show():
    with pytest.raises(ValidationError) as error:
        validate_image_file(image_upload("dot.png", 8, 8))

    assert error.value.code == "too_small"


def test_it_rejects_a_format_the_site_does_not_serve():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, "BMP")

    with pytest.raises(ValidationError) as error:
        validate_image_file(upload("old.bmp", buffer.getvalue()))

    assert error.value.code == "invalid_format"


# --- Renditions -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_makes_webp_renditions_at_several_widths():
    treatment = TreatmentFactory(hero_image=image_upload("hero.png", 1000, 500), hero_image_alt="x")

    renditions = treatment.hero_renditions
    assert (renditions["width"], renditions["height"]) == (1000, 500)
    assert [(item["width"], item["height"]) for item in renditions["items"]] == [
        (480, 240),
        (800, 400),
        (1000, 500),
    ]
    for item in renditions["items"]:
        with default_storage.open(item["name"], "rb") as file, Image.open(file) as image:
            assert image.format == "WEBP"
            assert image.size == (item["width"], item["height"])


@pytest.mark.django_db
def test_it_never_upscales_and_caps_the_largest_rendition():
    small = TreatmentImageFactory(image=image_upload("small.png", 300, 200))
    huge = TreatmentImageFactory(image=image_upload("huge.png", 2000, 1000))

    assert [item["width"] for item in small.renditions["items"]] == [300]
    assert [item["width"] for item in huge.renditions["items"]] == [480, 800, 1200, 1600]


@pytest.mark.django_db
def test_it_replaces_renditions_when_the_image_changes():
    treatment = TreatmentFactory(hero_image=image_upload("one.png", 600, 300), hero_image_alt="x")
    old_names = [item["name"] for item in treatment.hero_renditions["items"]]

    treatment.hero_image = image_upload("two.png", 500, 500)
    treatment.save()

    assert treatment.hero_renditions["height"] == 500
    assert all(not default_storage.exists(name) for name in old_names)


@pytest.mark.django_db
def test_the_page_emits_a_responsive_image(client):
    treatment = TreatmentFactory(
        hero_image=image_upload("hero.png", 1000, 500), hero_image_alt="A calm treatment room."
    )
    TreatmentImageFactory(
        treatment=treatment, image=image_upload("g.png", 600, 400), alt_text="Gallery room."
    )

    html = client.get(treatment.get_absolute_url()).text

    hero = re.search(r"<img [^>]*alt=\"A calm treatment room.\"[^>]*>", html).group(0)
    assert re.search(r'srcset="[^"]+-480w\.webp 480w, [^"]+-800w\.webp 800w, [^"]+ 1000w"', hero)
    assert 'sizes="(min-width: 992px) 50vw, 100vw"' in hero
    assert 'width="1000" height="500"' in hero
    assert 'loading="eager"' in hero
    gallery = re.search(r"<img [^>]*alt=\"Gallery room.\"[^>]*>", html).group(0)
    assert 'srcset="' in gallery and "sizes=" in gallery
    assert 'width="600" height="400"' in gallery
    assert 'loading="lazy"' in gallery


# --- Admin ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bomb_uploaded_in_admin_is_a_form_error_not_a_crash(admin_client):
    treatment = TreatmentFactory(name="Microneedling")
    url = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    data = admin_form_data(admin_client.get(url))
    data["hero_image"] = upload("bomb.png", bomb_png())
    data["hero_image_alt_en"] = "A bomb"

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form again, not a redirect or a 500
    errors = response.context["adminform"].form.errors
    assert "too many pixels" in errors["hero_image"][0]
    assert "too many pixels" in response.text
    assert not Treatment.objects.get(pk=treatment.pk).hero_image


@pytest.mark.django_db
def test_a_real_image_uploaded_in_admin_is_saved_with_renditions(admin_client):
    treatment = TreatmentFactory(name="Microneedling")
    url = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    data = admin_form_data(admin_client.get(url))
    data["hero_image"] = image_upload("hero.png", 900, 600)
    data["hero_image_alt_en"] = "A calm treatment room."

    response = admin_client.post(url, data)

    assert response.status_code == 302
    treatment.refresh_from_db()
    assert treatment.hero_image.name.startswith("treatments/hero/")
    assert treatment.hero_renditions["source"] == treatment.hero_image.name
    assert [item["width"] for item in treatment.hero_renditions["items"]] == [480, 800, 900]
