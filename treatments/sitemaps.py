import datetime as dt

from clinic.sitemaps import SiteSitemap
from treatments.models import Treatment


class TreatmentSitemap(SiteSitemap):
    """Every published treatment's page, in both languages."""

    def items(self) -> list[Treatment]:
        return list(Treatment.objects.published().order_by("position", "pk"))

    def lastmod(self, item: Treatment) -> dt.datetime:
        return item.updated_at
