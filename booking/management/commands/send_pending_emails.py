from django.core.management.base import BaseCommand

from booking import emails, notifications


class Command(BaseCommand):
    help = (
        "The sweep under the worker: send queued patient emails that are due and that no "
        "worker is sending (a task lost in a crash, or the worker down). Safe to run from "
        "cron every few minutes, next to the worker and even when runs overlap. Also tells "
        "the manager of patients' data requests whose email has not gone out."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=100, help="At most this many emails.")

    def handle(self, *args, limit: int, **options) -> None:
        sent, failed = emails.send_pending(limit=limit)
        self.stdout.write(f"Emails sent: {sent}, failed: {failed}")
        notified = notifications.send_pending_data_request_notices()
        if notified:
            self.stdout.write(f"Data requests notified to the manager: {notified}")
