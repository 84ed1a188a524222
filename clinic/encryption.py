"""Health data encrypted at rest, with keys from the environment.

`FIELD_ENCRYPTION_KEYS` holds one or more Fernet keys, newest first: everything is
written with the first and read with any of them (MultiFernet), so keys rotate
without downtime: put a new key first, run `manage.py reencrypt_health_data`,
then drop the old one. A value that no key opens raises `HealthDataUnreadable`:
ciphertext is never shown as if it were data.

Serialized copies (`manage.py dumpdata`, clinic/serializers/) keep the ciphertext:
a dump is as unreadable without the keys as the database is, and `loaddata`
reads it back with them.

**Declaring health data** is choosing the field: `EncryptedTextField`,
`EncryptedDateField` or `EncryptedBooleanField` on any model of any app. Nothing else
names encrypted fields: key rotation (`manage.py reencrypt_health_data`), the check of
a restored backup (`manage.py verify_health_data`), dumps and loads
(clinic/serializers/) and a patient's export and erasure
(booking/services/patient_data.py) find them with `encrypted_field_names()` and
`models_holding_health_data()`.
"""

import datetime as dt
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.expressions import Combinable


class HealthDataUnreadable(ImproperlyConfigured):
    """Stored health data cannot be decrypted with the configured keys."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: health data cannot be read or written. Generate "
            "a key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise HealthDataUnreadable(
            "Stored health data cannot be decrypted: FIELD_ENCRYPTION_KEYS does not contain "
            "the key it was written with."
        ) from None


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith("gAAAAA")


def encrypted_field_names(model: type[models.Model]) -> set[str]:
    """The model's fields that hold health data encrypted."""
    return {f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}


def models_holding_health_data() -> list[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted fields, and their names (proxies left out:
    their rows are their concrete model's)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = encrypted_field_names(model)
        if names and not model._meta.proxy:
            found.append((model, sorted(names)))
    return found


class EncryptedTextField(models.TextField):
    """Text stored encrypted; never searchable or filterable in the database."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.to_python(value)
        return self.to_python(decrypt(value))

    def get_prep_value(self, value):
        value = self.to_text(value)
        if value is None:
            return None
        return encrypt(value)

    def to_text(self, value) -> str | None:
        return None if value is None else str(value)

    # The stubs promise a str; a NULL stays None here, as Django's own serializers expect.
    def value_to_string(self, obj: models.Model) -> str | None:  # type: ignore[override]
        """What a dump holds: the ciphertext, as in the database, never the plain value."""
        return self.get_prep_value(self.value_from_object(obj))


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted (ISO format inside the token)."""

    # What the model attribute takes and gives, for the type checker (django-stubs).
    _pyi_private_set_type: dt.date | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: dt.date  # type: ignore[assignment]

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, dt.date):
            return value or None
        return dt.date.fromisoformat(value)

    def to_text(self, value) -> str | None:
        value = self.to_python(value)
        return value.isoformat() if value else None


class EncryptedBooleanField(EncryptedTextField):
    """A yes/no stored encrypted, so the flag itself reveals nothing."""

    _pyi_private_set_type: bool | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: bool  # type: ignore[assignment]

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        return value in ("1", "true", "True")

    def to_text(self, value) -> str:
        return "1" if self.to_python(value) else "0"


class EncryptedIntegerListField(EncryptedTextField):
    """A short list of whole numbers stored encrypted (as "3,7" inside the token)."""

    _pyi_private_set_type: list[int] | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: list[int]  # type: ignore[assignment]

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [int(number) for number in (value or "").split(",") if number]

    def to_text(self, value) -> str:
        return ",".join(str(number) for number in self.to_python(value))
