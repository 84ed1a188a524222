"""The microneedling hero illustration, drawn with Pillow (no photos are copied).

A calm, abstract cross-section: a soft gradient sky, the layers of the skin with
wavy collagen fibres in the dermis, and a cluster of fine needle points just
touching the surface. Drawn at twice the size and scaled down for smooth edges.
Deterministic: the same bytes every run.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
SCALE = 2  # supersampling factor

CREAM = (251, 244, 237)
MIST = (226, 240, 238)
EPIDERMIS = (240, 196, 176)
DERMIS = (246, 218, 202)
SUBCUTIS = (251, 234, 207)
COLLAGEN = (214, 136, 128)
ELASTIN = (196, 160, 190)
NEEDLE = (92, 112, 124)
NEEDLE_LIGHT = (210, 222, 228)
GLOW = (160, 214, 208)


def _gradient(width: int, height: int) -> Image.Image:
    """A diagonal cream-to-mist gradient, built small and scaled up smoothly."""
    small_w, small_h = 32, 18
    small = Image.new("RGB", (small_w, small_h))
    for x in range(small_w):
        for y in range(small_h):
            t = (x / (small_w - 1)) * 0.65 + (y / (small_h - 1)) * 0.35
            small.putpixel(
                (x, y), tuple(round(a + (b - a) * t) for a, b in zip(CREAM, MIST, strict=True))
            )
    return small.resize((width, height), Image.Resampling.BICUBIC).convert("RGBA")


def _wave(width: int, base: float, amplitude: float, length: float, phase: float) -> list:
    """Points of a gentle wave across the whole width."""
    step = max(4, width // 200)
    return [
        (x, base + amplitude * math.sin(2 * math.pi * x / length + phase))
        for x in range(0, width + step, step)
    ]


def _band(draw: ImageDraw.ImageDraw, top: list, bottom: list, fill: tuple) -> None:
    draw.polygon(top + list(reversed(bottom)), fill=fill)


def _soft_glow(
    image: Image.Image, ellipses: list, colour: tuple, *, opacity: int, blur: float
) -> None:
    """Paint blurred ellipses of one colour onto the image.

    The blur runs on a quarter-size greyscale mask (fast, and without the grey
    fringe that blurring transparent RGBA pixels gives), then is scaled up.
    """
    factor = 4
    mask = Image.new("L", (image.width // factor, image.height // factor), 0)
    draw = ImageDraw.Draw(mask)
    for box in ellipses:
        draw.ellipse([value / factor for value in box], fill=opacity)
    mask = mask.filter(ImageFilter.GaussianBlur(blur / factor)).resize(
        image.size, Image.Resampling.BICUBIC
    )
    image.paste(Image.new("RGBA", image.size, (*colour, 255)), (0, 0), mask)


# One picture drawn layer by layer, back to front (about 100 lines): split up, the shared
# coordinates would travel between functions and the order would be harder to follow.
def draw_microneedling_hero() -> Image.Image:
    """Draw the illustration and return it as a 1600×900 RGB image."""
    rng = random.Random(1607)
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    image = _gradient(w, h)

    # Soft light blobs in the background.
    blobs = [
        (cx * w - r * w, cy * h - r * w, cx * w + r * w, cy * h + r * w)
        for cx, cy, r in ((0.18, 0.18, 0.16), (0.84, 0.12, 0.12), (0.5, 0.3, 0.08))
    ]
    _soft_glow(image, blobs, (255, 255, 255), opacity=150, blur=60 * SCALE)

    # The skin in cross-section: surface, epidermis, dermis, subcutis.
    surface = _wave(w, 0.47 * h, 0.018 * h, 0.9 * w, 0.4)
    epidermis_floor = _wave(w, 0.54 * h, 0.022 * h, 0.45 * w, 1.3)
    dermis_floor = _wave(w, 0.82 * h, 0.03 * h, 0.7 * w, 2.1)
    bottom = [(0, h), (w, h)]
    layers = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    layer_draw = ImageDraw.Draw(layers)
    _band(layer_draw, dermis_floor, bottom, (*SUBCUTIS, 255))
    _band(layer_draw, epidermis_floor, dermis_floor, (*DERMIS, 255))
    _band(layer_draw, surface, epidermis_floor, (*EPIDERMIS, 255))
    layer_draw.line(surface, fill=(226, 170, 150, 255), width=3 * SCALE)
    image.alpha_composite(layers)

    # Rounded fat cells in the deepest layer.
    cells = ImageDraw.Draw(image)
    for _ in range(70):
        cx = rng.uniform(0, w)
        cy = rng.uniform(0.86 * h, 1.02 * h)
        r = rng.uniform(22, 46) * SCALE
        cells.ellipse(
            (cx - r, cy - r * 0.8, cx + r, cy + r * 0.8),
            outline=(236, 206, 166, 255),
            width=2 * SCALE,
        )

    # Collagen (rose) and elastin (lilac) fibres winding through the dermis.
    fibres = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    fibre_draw = ImageDraw.Draw(fibres)
    for index in range(46):
        colour = ELASTIN if index % 4 == 0 else COLLAGEN
        base = rng.uniform(0.585 * h, 0.78 * h)
        start = rng.uniform(-0.2 * w, 0.8 * w)
        length = rng.uniform(0.25 * w, 0.6 * w)
        amplitude = rng.uniform(0.006 * h, 0.02 * h)
        wavelength = rng.uniform(0.05 * w, 0.12 * w)
        phase = rng.uniform(0, 2 * math.pi)
        points = [
            (x, base + amplitude * math.sin(2 * math.pi * x / wavelength + phase))
            for x in range(int(start), int(start + length), 6 * SCALE)
        ]
        if len(points) > 1:
            fibre_draw.line(
                points,
                fill=(*colour, rng.randint(90, 170)),
                width=rng.randint(2, 4) * SCALE,
                joint="curve",
            )
    image.alpha_composite(fibres)

    # Fine needle points over the right half, their tips just through the surface.
    def surface_at(x: float) -> float:
        return 0.47 * h + 0.018 * h * math.sin(2 * math.pi * x / (0.9 * w) + 0.4)

    needle_xs = [0.5 * w + i * 0.034 * w for i in range(9)]
    halos = []
    for x in needle_xs:
        tip = surface_at(x) + 0.025 * h
        halos.append((x - 30 * SCALE, tip - 22 * SCALE, x + 30 * SCALE, tip + 22 * SCALE))
    _soft_glow(image, halos, GLOW, opacity=170, blur=14 * SCALE)

    needles = ImageDraw.Draw(image)
    top = 0.16 * h
    needles.rounded_rectangle(
        (needle_xs[0] - 0.03 * w, top - 0.06 * h, needle_xs[-1] + 0.03 * w, top + 0.02 * h),
        radius=0.04 * h,
        fill=(*NEEDLE_LIGHT, 255),
        outline=(*NEEDLE, 255),
        width=2 * SCALE,
    )
    for x in needle_xs:
        tip = surface_at(x) + 0.025 * h
        half = 3.2 * SCALE
        needles.polygon(
            [(x - half, top + 0.02 * h), (x + half, top + 0.02 * h), (x, tip)], fill=NEEDLE
        )
        needles.line([(x - half / 2, top + 0.03 * h), (x - 0.4, tip - 0.05 * h)], fill=NEEDLE_LIGHT)

    # Tiny healing micro-channels dotted along the rest of the surface.
    for x in range(int(0.04 * w), int(0.46 * w), int(0.022 * w)):
        y = surface_at(x) + 0.016 * h
        r = 3.5 * SCALE
        needles.ellipse((x - r, y - r, x + r, y + r), fill=(214, 136, 128, 255))

    return image.convert("RGB").resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def microneedling_hero_png() -> bytes:
    """The illustration as PNG bytes, ready for a ``ContentFile``."""
    buffer = io.BytesIO()
    draw_microneedling_hero().save(buffer, "PNG")
    return buffer.getvalue()
