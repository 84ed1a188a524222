"""sitemap.xml: every public page in both languages, each with its alternates.

Django's sitemaps with ``i18n``: one ``<url>`` per page and language, each listing the
page in every language (``hreflang``) and the address without a prefix as
``x-default`` (it sends a visitor to their language; README, "Languages"). Addresses
are built on ``SITE_URL``, like the canonical links, whichever host the request used.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class SiteSitemap(Sitemap):
    """Both languages, with alternates and x-default, on the site's public address."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: object = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(SiteSitemap):
    """The pages that are not a database row: home, the treatment list, contact, privacy."""

    def items(self) -> list[str]:
        return ["home", "treatments:list", "contact", "privacy"]

    def location(self, item: str) -> str:
        return reverse(item)
