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


def _bodies(clinic: ClinicProfile) -> tuple[str, str]:
    """The standard notice in English and in Spanish, for this clinic and the retention
    periods in force."""
    periods = {
        "health_days": settings.RETENTION_HEALTH_DATA_DAYS,
        "details_days": settings.RETENTION_PATIENT_DETAILS_DAYS,
        "abandoned_hours": settings.RETENTION_ABANDONED_HOURS,
    }
    return privacy.notice_body(clinic, **periods), privacy.notice_body_es(clinic, **periods)


def load_privacy_notice(report: Callable[[bool, str], None]) -> None:
    """Publish version 1 of the privacy notice, in English and Spanish, unless any notice
    (draft too) exists.

    A database whose notice in force is the standard one as loaded before the Spanish
    existed (English only, word for word what the loader would write today) gets the
    next version, with the Spanish added: a published version is never changed.
    `report(created, what)` is told what happened (the command's `Report.add`).
    """
    clinic = ClinicProfile.objects.get_or_create(pk=1)[0]
    english, spanish = _bodies(clinic)
    current = PrivacyNotice.objects.current()
    if PrivacyNotice.objects.exists():
        untouched = (
            current is not None
            and not current.body_es
            and current.body_en == english
            and not PrivacyNotice.objects.filter(published_at__isnull=True).exists()
        )
        if not untouched:
            report(False, "privacy notice")
            return
        changes, changes_es = privacy.CHANGES_WITH_SPANISH, privacy.CHANGES_WITH_SPANISH_ES
    else:
        changes, changes_es = privacy.CHANGES, privacy.CHANGES_ES
    with transaction.atomic():
        notice = PrivacyNotice(
            body_en=english, body_es=spanish, changes_en=changes, changes_es=changes_es
        )
        notice.full_clean()
        notice.publish()
    report(True, f"privacy notice, version {notice.version}")
