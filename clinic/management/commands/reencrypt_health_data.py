from django.core.management.base import BaseCommand
from django.db import transaction

from booking.models import Appointment, Screening, ScreeningAnswer


class Command(BaseCommand):
    help = (
        "Re-encrypt all health data under the newest key in FIELD_ENCRYPTION_KEYS. Run after "
        "putting a new key first; then the old key can be removed."
    )

    # Each model with its encrypted fields.
    ENCRYPTED = [
        (Screening, ["date_of_birth"]),
        (ScreeningAnswer, ["answer", "applies"]),
        (Appointment, ["instructions"]),
    ]

    def handle(self, *args, **options):
        for model, fields in self.ENCRYPTED:
            count = 0
            with transaction.atomic():
                # Reading decrypts with any key; saving encrypts with the first.
                for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
                    row.save(update_fields=fields)
                    count += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} re-encrypted")
