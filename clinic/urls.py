import os

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from clinic import views
from clinic.sitemaps import PagesSitemap
from treatments.sitemaps import TreatmentSitemap


def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# Outside the language prefixes: the back office (in the language the staff member's
# browser asks for), the language switch, and what crawlers and browsers fetch by a fixed
# name. /healthz answers in clinic.health.HealthMiddleware, before any URL is resolved.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": PagesSitemap, "treatments": TreatmentSitemap}},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

# Everything a patient reads, under /es/ and /en/ (README, "Languages"). An address
# without the prefix (an old link, a bookmark) is redirected by LocaleMiddleware to the
# visitor's language. The slugs stay English in both languages, so a manage link in an
# email and a treatment's address read the same whichever language they are in.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/v/<int:version>/", views.privacy_version, name="privacy_version"),
    path("treatments/", include("treatments.urls")),
    path("book/", include("booking.urls")),
)

handler400 = views.bad_request

# `make bench` only: a trivial view through the same middleware (bench/run.py).
if getattr(settings, "BENCH_BASELINE", False) or os.environ.get("BENCH_BASELINE") == "1":
    urlpatterns += [path("bench/baseline/", views.bench_baseline, name="bench-baseline")]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media, name="media"),
    ]
