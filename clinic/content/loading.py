"""Create the clinic's starting privacy notice when there is none.

Part of ``manage.py load_clinic_content`` (booking/management/commands/), which calls it
after the clinic profile is loaded. Never changes a notice staff have written or
published.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from clinic.content import privacy
from clinic.models import ClinicProfile, PrivacyNotice


def load_privacy_notice(report: Callable[[bool, str], None]) -> None:
    """Publish version 1 of the privacy notice unless any notice (draft too) exists.

    `report(created, what)` is told what happened (the command's `Report.add`).
    """
    if PrivacyNotice.objects.exists():
        report(False, "privacy notice")
        return
    with transaction.atomic():
        notice = PrivacyNotice(
            body=privacy.notice_body(
                ClinicProfile.objects.get_or_create(pk=1)[0],
                health_days=settings.RETENTION_HEALTH_DATA_DAYS,
                details_days=settings.RETENTION_PATIENT_DETAILS_DAYS,
                abandoned_hours=settings.RETENTION_ABANDONED_HOURS,
            ),
            changes=privacy.CHANGES,
        )
        notice.full_clean()
        notice.publish()
    report(True, "privacy notice, version 1")
