from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from booking.services import purge_patient_data


class Command(BaseCommand):
    help = (
        "Delete or anonymise patient data the clinic no longer needs: unfinished bookings "
        "after a day, screening answers and details a set time after the visit. Safe for cron."
    )

    def handle(self, *args, **options):
        counts = purge_patient_data(
            timezone.now(),
            health_days=settings.RETENTION_HEALTH_DATA_DAYS,
            details_days=settings.RETENTION_PATIENT_DETAILS_DAYS,
            abandoned_hours=settings.RETENTION_ABANDONED_HOURS,
        )
        for what, count in counts.items():
            self.stdout.write(f"{what}: {count}")
