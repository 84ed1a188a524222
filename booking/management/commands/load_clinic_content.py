"""Load the clinic's starting content: profile, privacy notice, microneedling page,
screening, practitioners.

Safe to run again at any time: it creates what is missing, brings the standard content up
to date where nobody has edited it, and never overwrites what staff have edited in admin
(treatments/content/fingerprints.py). Each app loads its own part (treatments/content/,
booking/content/); the command lives in booking, the app that may use both.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from booking.content.loading import load_booking_content
from booking.management.commands.load_holidays import load_holidays, print_refresh
from clinic.content.loading import load_privacy_notice
from treatments.content.loading import Report, load_site_content


@transaction.atomic
def load_clinic_content() -> Report:
    """Create whatever starting content is missing and correct what nobody edited, all or
    nothing."""
    report = Report()
    # The starting texts are English: they go in the English columns of translated
    # fields (README, "Languages"), whatever language the process runs in.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        treatment = load_site_content(report)
        load_privacy_notice(report.add)  # after the profile: it names the clinic
        load_booking_content(treatment, report)
    return report


class Command(BaseCommand):
    help = (
        "Load the clinic profile, the privacy notice, the microneedling page, its screening "
        "questions, demo practitioners, the booking policy and the public holidays. Creates "
        "what is missing and corrects the standard content where nobody has edited it; never "
        "overwrites edits made in admin."
    )

    def handle(self, *args, **options) -> None:
        report = load_clinic_content()
        for what in report.created:
            self.stdout.write(self.style.SUCCESS(f"created: {what}"))
        for what in report.updated:
            self.stdout.write(self.style.SUCCESS(f"updated: {what}"))
        for what in report.staff_edits:
            self.stdout.write(self.style.WARNING(f"kept staff edit: {what}"))
        for what in report.kept:
            self.stdout.write(f"kept:    {what}")
        # After the profile exists: the holidays are closed days in the clinic's zone.
        print_refresh(self, load_holidays())
