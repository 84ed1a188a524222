from django.conf import settings

from clinic.models import ClinicProfile


def clinic(request) -> dict:
    return {"clinic": ClinicProfile.load(), "SITE_URL": settings.SITE_URL}
