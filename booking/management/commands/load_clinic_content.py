"""Load the clinic's starting content: profile, microneedling page, screening, practitioners.

Safe to run again at any time: it only creates what is missing and never overwrites
what staff have edited in admin. Each app loads its own part (treatments/content/,
booking/content/); the command lives in booking, the app that may use both.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from booking.content.loading import load_booking_content
from treatments.content.loading import Report, load_site_content


@transaction.atomic
def load_clinic_content() -> Report:
    """Create whatever starting content is missing, all or nothing."""
    report = Report()
    # The starting texts are English: they go in the English columns of translated
    # fields (README, "Languages"), whatever language the process runs in.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        treatment = load_site_content(report)
        load_booking_content(treatment, report)
    return report


class Command(BaseCommand):
    help = (
        "Load the clinic profile, the microneedling page, its screening questions, demo "
        "practitioners and the booking policy. Creates only what is missing; never overwrites "
        "edits made in admin."
    )

    def handle(self, *args, **options) -> None:
        report = load_clinic_content()
        for what in report.created:
            self.stdout.write(self.style.SUCCESS(f"created: {what}"))
        for what in report.kept:
            self.stdout.write(f"kept:    {what}")
