"""Django's serializers, keeping health data encrypted (SERIALIZATION_MODULES).

`manage.py dumpdata` writes each encrypted field (clinic/encryption.py) as its
ciphertext, so a dump needs `FIELD_ENCRYPTION_KEYS` to be read, like the
database itself; `manage.py loaddata` decrypts it with those keys and the
field encrypts it again on save (with the newest key). One module per format
(json, jsonl, python, xml, yaml) holds a `Serializer` and a `Deserializer`
built from Django's own and the two mixins below.
"""

from django.apps import apps
from django.core.serializers.base import DeserializationError
from django.db import models

from clinic.encryption import EncryptedTextField, decrypt, encrypted_field_names, is_encrypted


def model_named(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, TypeError, ValueError):
        return None  # Django's deserializer reports the unknown model itself.


def plain_value(model: type[models.Model], name: str, stored: str) -> str:
    """The health data a dump holds for one field, decrypted with FIELD_ENCRYPTION_KEYS."""
    if stored == "":
        return stored
    if not is_encrypted(stored):
        raise DeserializationError(
            f"{model._meta.label}.{name} holds health data that is not encrypted. Dumps of "
            "this site keep health data encrypted (manage.py dumpdata); this one was made "
            "elsewhere or edited, and is refused rather than stored as if it were ciphertext."
        )
    return decrypt(stored)


class KeepsHealthDataEncrypted:
    """For Django's Python-based serializers (json, jsonl, python, yaml).

    They pass dates and booleans through as they are, so the date of birth and the
    "applies" flag would be written in plain; every encrypted field goes through its
    `value_to_string()`, which gives the ciphertext.
    """

    def _value_from_field(self, obj: models.Model, field: models.Field):
        if isinstance(field, EncryptedTextField):
            return field.value_to_string(obj)
        # Django's private serializer API, which the stubs do not declare.
        return super()._value_from_field(obj, field)  # type: ignore[misc]


class LoadsEncryptedHealthData:
    """For Django's Python-based deserializers: decrypt each encrypted field first."""

    def _handle_object(self, obj: dict):
        model = model_named(str(obj.get("model", "")))
        if model is not None and isinstance(obj.get("fields"), dict):
            fields = dict(obj["fields"])
            for name in encrypted_field_names(model) & fields.keys():
                if isinstance(fields[name], str):
                    fields[name] = plain_value(model, name, fields[name])
            obj = {**obj, "fields": fields}
        # Django's private deserializer API, which the stubs do not declare.
        yield from super()._handle_object(obj)  # type: ignore[misc]
