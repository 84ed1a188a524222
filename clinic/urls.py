import os

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from clinic import views


def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/v/<int:version>/", views.privacy_version, name="privacy_version"),
    path("treatments/", include("treatments.urls")),
    path("book/", include("booking.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]

handler400 = views.bad_request

# `make bench` only: a trivial view through the same middleware (bench/run.py).
if getattr(settings, "BENCH_BASELINE", False) or os.environ.get("BENCH_BASELINE") == "1":
    urlpatterns += [path("bench/baseline/", views.bench_baseline, name="bench-baseline")]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media, name="media"),
    ]
