"""Keep Mexico's public holidays and the year-end closure as clinic closures.

Run yearly or monthly from cron (README, Deploying); `load_clinic_content` runs it too.
Safe to run at any time: it only changes the closures it made, and leaves those that
staff edited or switched off as they are (booking/services/holidays.py).
"""

from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.utils import timezone

from booking import services
from clinic.models import ClinicProfile


def load_holidays() -> services.HolidayRefresh:
    """Refresh the holiday closures for the next two years, in the clinic's zone."""
    tz = ClinicProfile.load().tzinfo
    return services.refresh_holiday_closures(timezone.localdate(timezone=tz), tz)


def print_refresh(command: BaseCommand, refresh: services.HolidayRefresh) -> None:
    lines: list[tuple[str, list[str], Callable[[str], str]]] = [
        ("added", refresh.added, command.style.SUCCESS),
        ("updated", refresh.updated, command.style.SUCCESS),
        ("removed", refresh.removed, command.style.WARNING),
        ("kept (as staff left it)", refresh.kept_as_staff_left_them, str),
        ("kept", refresh.kept, str),
    ]
    for label, closures, style in lines:
        for closure in closures:
            command.stdout.write(style(f"{label}: {closure}"))
    command.stdout.write(
        f"holiday closures: {len(refresh.added)} added, {len(refresh.updated)} updated, "
        f"{len(refresh.removed)} removed, "
        f"{len(refresh.kept) + len(refresh.kept_as_staff_left_them)} kept"
    )


class Command(BaseCommand):
    help = (
        "Load Mexico's statutory holidays and the Christmas/New Year closure for the next "
        "two years as whole-clinic closures. Never touches closures made or edited by staff."
    )

    def handle(self, *args, **options) -> None:
        print_refresh(self, load_holidays())
