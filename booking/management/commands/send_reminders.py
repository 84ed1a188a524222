from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import emails


class Command(BaseCommand):
    help = (
        "Queue the health re-checks (48 hours before), the day-before reminders and the "
        "aftercare emails that are due, each exactly once; the worker (manage.py db_worker) "
        "sends them. Safe to run from cron every few minutes."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        rechecks = emails.queue_due_rechecks(now)
        reminders = emails.queue_due_reminders(now)
        aftercare = emails.queue_due_aftercare(now)
        self.stdout.write(
            f"Reminders queued: {reminders}, aftercare queued: {aftercare}, "
            f"health re-checks queued: {rechecks}"
        )
