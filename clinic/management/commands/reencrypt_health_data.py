"""Re-encrypt all health data under the newest key in FIELD_ENCRYPTION_KEYS.

    python manage.py reencrypt_health_data

Run after putting a new key first (README, "Rotating the encryption key"); then the old
key can be removed. Every encrypted field of every installed model is covered: they are
found by their class (clinic/encryption.py), never listed here.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.encryption import models_holding_health_data

# Rows read and written per UPDATE.
CHUNK = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt all health data under the newest key in FIELD_ENCRYPTION_KEYS. Run after "
        "putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        for model, fields in models_holding_health_data():
            manager = model._default_manager
            count = 0
            with transaction.atomic():
                pks = list(manager.order_by("pk").values_list("pk", flat=True))
                for first in range(0, len(pks), CHUNK):
                    # Reading decrypts with any key; writing encrypts with the first.
                    rows = list(
                        manager.only("pk", *fields).filter(pk__in=pks[first : first + CHUNK])
                    )
                    manager.bulk_update(rows, fields)
                    count += len(rows)
            self.stdout.write(f"{model._meta.label}: {count} re-encrypted ({', '.join(fields)})")
