from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from clinic.models import ClinicProfile, PrivacyNotice
from clinic.page_cache import cache_public_page
from treatments.models import Treatment


@cache_public_page
def home(request):
    featured = Treatment.objects.published().filter(is_featured=True)
    context = {"treatments": featured, "clinic_data": ClinicProfile.load().structured_data()}
    return render(request, "clinic/home.html", context)


def bad_request(request, exception=None):
    """The kind 400 page, in the site's style (Django's own handler renders it without
    the request, so the page would lack the clinic's name and links).

    A hostile address is refused before LocaleMiddleware has chosen the language, so the
    page chooses it the same way (prefix, cookie, browser), never leaving it to whatever
    the previous request on this thread used."""
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        return render(request, "400.html", status=400)


def media(request, path: str):
    """Uploaded images, when the app serves them itself (SERVE_MEDIA=1, one server)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


@cache_public_page
def contact(request):
    context = {"clinic_data": ClinicProfile.load().structured_data()}
    return render(request, "clinic/contact.html", context)


@cache_public_page
def privacy(request):
    """The privacy notice in force (before the first is published: how to ask for it)."""
    notice = PrivacyNotice.objects.current()
    return render(request, "clinic/privacy.html", {"notice": notice, "current": notice})


@cache_public_page
def privacy_version(request, version: int):
    """One published version, as patients who agreed to it saw it."""
    notice = PrivacyNotice.objects.published().filter(version=version).first()
    if notice is None:
        raise Http404
    current = PrivacyNotice.objects.current()
    return render(request, "clinic/privacy.html", {"notice": notice, "current": current})


def bench_baseline(request):
    """The fastest page this stack can serve: `make bench` compares every page with it.

    Routed only when BENCH_BASELINE=1 (clinic/urls.py); it goes through all middleware.
    """
    return HttpResponse("ok", content_type="text/plain")


# The language switch on every page (templates/includes/language_switch.html) posts here
# without a CSRF token: a token would make every public page the visitor's own and so
# impossible to serve from the page cache, and all a forged post can do is set the
# visitor's language cookie, which the switch undoes. Django's view checks that `next`
# stays on this site and moves it to the chosen language.
set_language = csrf_exempt(require_POST(i18n.set_language))


@require_GET
def robots_txt(request):
    """Crawlers: the public pages yes, the booking steps, manage links and admin no."""
    private = [reverse("admin:index")]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            private.append(reverse("booking:start"))  # every step and the manage links
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in private),
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
