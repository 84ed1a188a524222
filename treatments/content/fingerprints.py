"""Which loaded content staff have edited: a fingerprint of what the loader last wrote.

``load_clinic_content`` stores, with each row (or treatment field) it writes, the
fingerprint of the values it wrote. On a later run, content whose values still have that
fingerprint is untouched, and the loader may bring it up to date with the shipped
corrections; anything else is a staff edit and stays exactly as it is.

Content written before fingerprints existed has none stored: it counts as untouched when
its values are those of a version the loader shipped earlier (the ``previous``
fingerprints kept in ``treatments/content/previous.py`` and ``booking/content/previous.py``,
printed by ``scripts/content_fingerprints.py``).

Saving a row in admin without changing it leaves it untouched: line endings and the
spaces at the ends of lines and of the text do not count.
"""

import enum
import hashlib
import json
from collections.abc import Collection, Mapping
from typing import Any

from django.conf import settings
from django.db import models

# Columns of the languages content was not first written in ("title_es"): a text there
# that is still empty has not been written yet (README, "Languages").
_TRANSLATION_SUFFIXES = tuple(
    f"_{code}"
    for code, _name in settings.LANGUAGES
    if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
)


class Change(enum.StrEnum):
    """What the loader did with one piece of content."""

    UNCHANGED = "unchanged"  # already as shipped
    UPDATED = "updated"  # untouched by staff, brought up to date
    KEPT = "kept"  # edited by staff, left as it is


def _normal(value: object) -> object:
    if isinstance(value, str):
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines).strip()
    return value


def fingerprint(values: Mapping[str, object]) -> str:
    """A short, stable digest of some field values (TextChoices and Decimals as text).

    An empty translation column ("title_es") does not count: content loaded before its
    translation existed keeps the fingerprint stored then, so it still reads as untouched
    and receives the translation, while a staff edit of either language reads as an edit.
    """
    normal = {
        name: _normal(value)
        for name, value in values.items()
        if not (name.endswith(_TRANSLATION_SUFFIXES) and _normal(value) in ("", None))
    }
    text = json.dumps(normal, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def with_translation(
    values: Mapping[str, object], language: str, texts: Mapping[str, str]
) -> dict[str, object]:
    """`values` (the English fields) and `texts` in `language`'s columns ("title_es")."""
    return dict(values) | {f"{name}_{language}": text for name, text in texts.items()}


def values_of(obj: models.Model, fields: Collection[str]) -> dict[str, object]:
    return {name: getattr(obj, name) for name in fields}


def bring_up_to_date(
    obj: models.Model,
    wanted: Mapping[str, object],
    *,
    stored: str,
    previous: Collection[str] = (),
) -> tuple[Change, str]:
    """Set `wanted` on `obj` (not saved) unless staff have edited those fields.

    Returns what happened and the fingerprint to store: the shipped one when the content
    is (now) as shipped, the stored one when staff's edit is kept.
    """
    target = fingerprint(wanted)
    now = fingerprint(values_of(obj, wanted))
    if now == target:
        return Change.UNCHANGED, target
    untouched = now == stored if stored else now in previous
    if not untouched:
        return Change.KEPT, stored
    for name, value in wanted.items():
        setattr(obj, name, value)
    return Change.UPDATED, target


def store_fingerprint(row: Any, value: str) -> None:
    """Record `value` as the row's ``loaded_fingerprint``, writing only when it changes (a
    write would invalidate the page caches on every run)."""
    if row.loaded_fingerprint != value:
        row.loaded_fingerprint = value
        type(row)._default_manager.filter(pk=row.pk).update(loaded_fingerprint=value)
