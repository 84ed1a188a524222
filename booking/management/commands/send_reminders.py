from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import emails


class Command(BaseCommand):
    help = (
        "Queue the day-before reminders and the aftercare emails that are due, each exactly "
        "once, then send pending emails. Safe to run from cron every few minutes."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        reminders = emails.queue_due_reminders(now)
        aftercare = emails.queue_due_aftercare(now)
        sent, failed = emails.send_pending()
        self.stdout.write(
            f"Reminders queued: {reminders}, aftercare queued: {aftercare}; "
            f"emails sent: {sent}, failed: {failed}"
        )
