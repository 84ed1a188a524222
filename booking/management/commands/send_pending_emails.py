from django.core.management.base import BaseCommand

from booking import emails


class Command(BaseCommand):
    help = (
        "Send queued patient emails that are due (new, or failed earlier and due for a retry). "
        "Safe to run from cron every few minutes, even when runs overlap."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=100, help="At most this many emails.")

    def handle(self, *args, limit: int, **options) -> None:
        sent, failed = emails.send_pending(limit=limit)
        self.stdout.write(f"Emails sent: {sent}, failed: {failed}")
