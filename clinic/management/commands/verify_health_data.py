"""Read every stored piece of health data with FIELD_ENCRYPTION_KEYS, changing nothing.

    python manage.py verify_health_data

Run it after restoring a backup (README, "Backups and restore") to prove that the
keys kept with the backups open the restored data. It prints how many values of
each encrypted field it read, and fails naming the rows that no key opens.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.db.models.functions import Cast

from clinic.encryption import (
    HealthDataUnreadable,
    decrypt,
    is_encrypted,
    models_holding_health_data,
)

# How many unreadable rows the error names; the count covers them all.
SHOWN = 5


class Command(BaseCommand):
    help = "Decrypt all stored health data with FIELD_ENCRYPTION_KEYS and report; writes nothing."

    def handle(self, *args, **options):
        unreadable: list[str] = []
        for model, names in models_holding_health_data():
            # The stored text itself, not the field's decrypted value, so one bad row is
            # reported by its key instead of ending the read.
            stored = model._default_manager.values_list(
                "pk", *(Cast(name, models.TextField()) for name in names)
            )
            read = dict.fromkeys(names, 0)
            for pk, *values in stored.iterator(chunk_size=2000):
                for name, value in zip(names, values, strict=True):
                    if value in (None, ""):
                        continue
                    try:
                        if not is_encrypted(value):
                            raise HealthDataUnreadable
                        decrypt(value)
                    except HealthDataUnreadable:
                        unreadable.append(f"{model._meta.label} {pk} {name}")
                    else:
                        read[name] += 1
            for name, count in read.items():
                self.stdout.write(f"{model._meta.label}.{name}: {count} read")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} stored values cannot be read with FIELD_ENCRYPTION_KEYS "
                f"(for example {', '.join(unreadable[:SHOWN])}). Use the keys that were in "
                "use when the backup was made."
            )
        self.stdout.write("All health data is readable with FIELD_ENCRYPTION_KEYS.")
