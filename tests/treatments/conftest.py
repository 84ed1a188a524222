import functools

import pytest

from treatments.content.hero_image import microneedling_hero_png


@pytest.fixture(autouse=True)
def _draw_the_hero_once(monkeypatch):
    """Drawing the illustration takes a second or two; the bytes are the same every time."""
    monkeypatch.setattr(
        "treatments.content.loading.microneedling_hero_png",
        _cached_hero_png,
    )


@functools.cache
def _cached_hero_png() -> bytes:
    return microneedling_hero_png()
