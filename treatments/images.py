"""Upload checks and responsive renditions for the images editors upload."""

import io
import warnings
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
RENDITION_WIDTHS = (480, 800, 1200, 1600)
RENDITION_FORMAT = "WEBP"
RENDITION_QUALITY = 80


# The checks in the one order that is safe (header and pixel count before any decoding),
# each with its own message: kept in one function so the order stays visible.
def validate_image_file(upload) -> None:
    """Refuse anything that is not a real, sanely sized JPEG/PNG/WebP/GIF.

    The pixel count is read from the header before any pixel is decoded, so a
    decompression bomb is refused without ever being expanded in memory. Only then is
    the image decoded once, which is what spots a truncated or corrupt JPEG (Pillow's
    verify() checks PNG checksums but not JPEG data).
    """
    # FieldFile._committed: Django's own flag for a stored file (not in the stubs).
    if isinstance(upload, FieldFile) and upload._committed:  # type: ignore[attr-defined]
        # Already stored: it passed these checks when it was uploaded. Opening it again
        # on every save of the model would only cost time and leave the file open.
        return
    try:
        size = getattr(upload, "size", None)
    except OSError:  # a stored file that has gone missing from storage
        size = None
    if size is not None and size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; images must be %(max)s MB or smaller.")
            % {
                "size": _megabytes(size),
                "max": _megabytes(settings.MAX_IMAGE_UPLOAD_BYTES),
            },
            code="too_large",
        )
    position = None
    try:
        position = upload.tell() if hasattr(upload, "tell") else None
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                fmt = image.format
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _(
                            "This image is %(w)s × %(h)s pixels, too large to process. "
                            "Please upload an image of at most %(mp)s megapixels."
                        )
                        % {
                            "w": width,
                            "h": height,
                            "mp": f"{settings.MAX_IMAGE_PIXELS / 1_000_000:g}",
                        },
                        code="too_many_pixels",
                    )
                image.verify()
            upload.seek(position or 0)
            with Image.open(upload) as image:
                # A JPEG decodes at an eighth of its size: every byte is still read.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels to process. Please upload a smaller image."),
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _(
                "This file is not an image we can read, or it is damaged. "
                "Please upload a JPEG, PNG, WebP or GIF file."
            ),
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            upload.seek(position)
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG, WebP or GIF image."), code="invalid_format"
        )
    if width < 16 or height < 16:
        raise ValidationError(_("This image is too small to show."), code="too_small")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


class ImageUploadField(forms.ImageField):
    """An image form field that runs the site's checks before Pillow's own.

    Django's ImageField turns every Pillow error, a decompression bomb included, into
    "not a valid image"; running validate_image_file first gives editors the reason.
    """

    def to_python(self, data):
        if data and hasattr(data, "read"):
            validate_image_file(data)
        return super().to_python(data)


def make_renditions(field_file: FieldFile) -> dict:
    """Write WebP copies of an uploaded image at a few widths; return their description.

    Returns ``{"source": name, "width": w, "height": h, "items": [{"name", "width",
    "height"}]}``, stored on the model so pages never open the image again.
    """
    if not field_file or not field_file.name:
        return {}
    # Read the stored file, not the upload object the field may still hold: closing that
    # would break a later save of the same instance.
    with field_file.storage.open(field_file.name, "rb") as stored, Image.open(stored) as original:
        original.load()
        # Phone photos are stored sideways with an EXIF orientation tag; browsers honour
        # the tag on the original, but the renditions carry no EXIF, so turn the pixels.
        upright = ImageOps.exif_transpose(original)
        image = upright.convert("RGBA" if upright.mode in ("RGBA", "LA", "P") else "RGB")
    width, height = image.size
    stem = PurePosixPath(field_file.name).stem
    items = []
    widths = [w for w in RENDITION_WIDTHS if w < width] + [min(width, RENDITION_WIDTHS[-1])]
    for target in sorted(set(widths)):
        target_height = max(1, round(height * target / width))
        resized = image.resize((target, target_height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, RENDITION_FORMAT, quality=RENDITION_QUALITY, method=4)
        name = default_storage.save(
            f"renditions/{stem}-{target}w.webp", ContentFile(buffer.getvalue())
        )
        items.append({"name": name, "width": target, "height": target_height})
    return {"source": field_file.name, "width": width, "height": height, "items": items}


def delete_renditions(renditions: dict) -> None:
    for item in (renditions or {}).get("items", []):
        default_storage.delete(item["name"])
