"""Two languages: addresses, the first visit, the switch, and what search engines read."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clinic import page_cache
from tests.booking.pages import answers
from tests.factories import ClinicProfileFactory, PractitionerFactory, TreatmentFactory
from tests.factories import questionnaire as make_questionnaire

pytestmark = pytest.mark.django_db

SITE = "https://clinic.example"


@pytest.fixture(autouse=True)
def clinic():
    return ClinicProfileFactory()


def in_language(code: str, name: str, **kwargs) -> str:
    with translation.override(code):
        return reverse(name, **kwargs)


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def links(html: str, rel: str) -> dict[str, str]:
    """hreflang -> href of the page's <link rel="alternate"> (or "" -> href for canonical)."""
    found = re.findall(rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)">', html)
    return dict(found)


def og_locales(html: str) -> tuple[str, list[str]]:
    [current] = re.findall(r'<meta property="og:locale" content="([^"]+)">', html)
    return current, re.findall(r'<meta property="og:locale:alternate" content="([^"]+)">', html)


# --- Addresses ----------------------------------------------------------------------


def test_public_pages_booking_and_manage_links_carry_a_language_prefix():
    assert in_language("es", "home") == "/es/"
    assert in_language("en", "home") == "/en/"
    assert in_language("es", "treatments:detail", kwargs={"slug": "microneedling"}) == (
        "/es/treatments/microneedling/"
    )
    assert in_language("en", "booking:step", kwargs={"step": "time"}) == "/en/book/time/"
    assert in_language("es", "booking:manage", kwargs={"token": "t"}) == "/es/book/manage/t/"


def test_the_back_office_and_fixed_names_have_no_prefix():
    for code in ("es", "en"):
        with translation.override(code):
            assert reverse("admin:index") == "/admin/"
            assert reverse("sitemap") == "/sitemap.xml"
            assert reverse("robots_txt") == "/robots.txt"
            assert reverse("set_language") == "/i18n/setlang/"


@pytest.mark.parametrize("code", ["es", "en"])
def test_each_prefix_serves_its_language(code):
    TreatmentFactory(slug="microneedling")
    for name, kwargs in [
        ("home", {}),
        ("contact", {}),
        ("treatments:list", {}),
        ("treatments:detail", {"slug": "microneedling"}),
    ]:
        response = Client().get(in_language(code, name, kwargs=kwargs))
        assert response.status_code == 200, name
        assert html_lang(response.text) == code, name


def test_the_interface_speaks_the_pages_language():
    spanish = Client().get("/es/").text
    english = Client().get("/en/").text

    assert 'class="skip-link" href="#main">Ir al contenido principal</a>' in spanish
    assert ">Agendar una cita</a>" in spanish
    assert 'class="skip-link" href="#main">Skip to main content</a>' in english


def test_a_first_visit_asking_for_spanish_gets_spanish():
    response = Client(headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).get("/")

    assert response.status_code == 302
    assert response.url == "/es/"


def test_a_first_visit_asking_for_english_gets_english():
    response = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get("/contact/")

    assert response.url == "/en/contact/"


def test_a_visit_asking_for_neither_language_gets_spanish():
    response = Client(headers={"Accept-Language": "fr-FR"}).get("/")

    assert response.url == "/es/"
    assert settings.LANGUAGE_CODE == "es"


def test_old_addresses_keep_working_in_the_visitors_language():
    TreatmentFactory(slug="microneedling")
    client = Client(headers={"Accept-Language": "es"})

    response = client.get("/treatments/microneedling/?utm_source=flyer")

    assert response.status_code == 302
    assert response.url == "/es/treatments/microneedling/?utm_source=flyer"
    assert "Accept-Language" in response["Vary"]
    assert client.get("/book/").url == "/es/book/"


def test_an_explicit_choice_wins_over_the_browsers_language():
    client = Client(headers={"Accept-Language": "es-MX"})

    response = client.post(reverse("set_language"), {"language": "en", "next": "/es/contact/"})

    assert response.status_code == 302
    assert response.url == "/en/contact/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/").url == "/en/"


def test_the_switch_refuses_to_send_the_visitor_off_the_site():
    client = Client()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response.url == "/"  # the home page, which then opens in the chosen language
    assert client.get("/").url == "/en/"


def test_the_switch_only_changes_the_language_when_posted():
    response = Client().get(reverse("set_language"), {"language": "en", "next": "/es/"})

    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_back_office_follows_the_staff_members_browser(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    spanish = admin_client.get(reverse("admin:index"))
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = admin_client.get(reverse("admin:index"))

    assert html_lang(spanish.text) == "es"
    assert html_lang(english.text) == "en-us" or html_lang(english.text) == "en"


# --- The switch on every page ---------------------------------------------------------


def switch(html: str) -> tuple[str, str, str]:
    """(the other language's code, its button label, where the switch goes next)."""
    form = re.search(r'<div class="language-switch".*?</div>', html, re.S).group(0)
    [(code, label)] = re.findall(
        r'<button type="submit" class="language-switch-choice" name="language" '
        r'value="(\w+)" lang="\w+">([^<]+)</button>',
        form,
    )
    next_url = re.search(r'name="next" value="([^"]+)"', form).group(1)
    return code, label, next_url


def test_every_kind_of_page_offers_the_other_language():
    TreatmentFactory(slug="microneedling")
    client = Client()
    for path, other, label, target in [
        ("/es/", "en", "English", "/en/"),
        ("/en/", "es", "Español", "/es/"),
        ("/es/treatments/microneedling/", "en", "English", "/en/treatments/microneedling/"),
        ("/en/contact/", "es", "Español", "/es/contact/"),
        ("/es/book/treatment/", "en", "English", "/en/book/treatment/"),
        ("/en/no-such-page/", "es", "Español", "/es/no-such-page/"),  # the 404 page too
    ]:
        html = client.get(path).text
        assert switch(html) == (other, label, target), path
        assert f'<span class="language-switch-current" lang="{html_lang(html)}">' in html


def test_the_switch_names_each_language_in_that_language():
    html = Client().get("/es/").text

    assert '<span class="language-switch-current" lang="es">Español</span>' in html
    assert 'value="en" lang="en">English</button>' in html
    assert 'aria-label="Idioma"' in html or 'aria-label="Language"' in html


def test_the_switch_keeps_the_booking_in_progress():
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = make_questionnaire(treatment)
    client = Client()
    step = "/es/book/{}/"
    assert client.post(step.format("treatment"), {"treatment": treatment.pk}).status_code == 302
    assert client.post(step.format("screening"), answers(questions)).status_code == 302
    time_page = client.get(step.format("time") + "?day=2027-01-05")
    code, _label, next_url = switch(time_page.text)
    assert next_url == "/en/book/time/?day=2027-01-05"

    response = client.post(reverse("set_language"), {"language": code, "next": next_url})
    assert response.url == next_url
    english = client.get(next_url)

    # Still on the time step with the treatment and answers kept: not sent back to step 1.
    assert english.status_code == 200
    assert english.templates[0].name == "booking/step_time.html"
    assert html_lang(english.text) == "en"


def test_a_page_with_the_switch_is_still_served_from_the_page_cache():
    client = Client()
    assert client.get("/es/contact/")[page_cache.HEADER] == "miss"
    assert client.get("/es/contact/")[page_cache.HEADER] == "hit"


def test_the_page_cache_keeps_the_languages_apart():
    client = Client()
    client.get("/es/contact/")
    client.get("/en/contact/")

    spanish = client.get("/es/contact/")
    english = client.get("/en/contact/")

    assert spanish[page_cache.HEADER] == english[page_cache.HEADER] == "hit"
    assert html_lang(spanish.text) == "es"
    assert html_lang(english.text) == "en"


# --- What search engines read -----------------------------------------------------------


@pytest.mark.parametrize("code, other", [("es", "en"), ("en", "es")])
def test_pages_name_their_language_alternates_canonical_and_locale(code, other):
    TreatmentFactory(slug="microneedling")
    path = f"/{code}/treatments/microneedling/"

    html = Client().get(path).text

    assert links(html, "canonical") == {"": f"{SITE}{path}"}
    assert links(html, "alternate") == {
        "es": f"{SITE}/es/treatments/microneedling/",
        "en": f"{SITE}/en/treatments/microneedling/",
        "x-default": f"{SITE}/treatments/microneedling/",
    }
    locales = {"es": "es_MX", "en": "en_US"}
    assert og_locales(html) == (locales[code], [locales[other]])
    assert f'<meta property="og:url" content="{SITE}{path}">' in html


def test_the_alternates_leave_the_query_string_out():
    html = Client().get("/es/?utm_source=flyer").text

    assert links(html, "canonical") == {"": f"{SITE}/es/"}
    assert links(html, "alternate")["en"] == f"{SITE}/en/"


def test_private_and_error_pages_name_no_alternates():
    html = Client().get("/es/no-such-page/").text

    assert links(html, "alternate") == {}
    assert links(html, "canonical") == {}
    assert html_lang(html) == "es"


def test_structured_data_points_at_the_page_in_its_language():
    TreatmentFactory(slug="microneedling")
    for code in ("es", "en"):
        home = Client().get(f"/{code}/").text
        treatment = Client().get(f"/{code}/treatments/microneedling/").text
        assert f'"url": "{SITE}/{code}/"' in home
        assert f'"url": "{SITE}/{code}/treatments/microneedling/"' in treatment


def test_the_sitemap_lists_every_public_page_in_both_languages_with_alternates():
    TreatmentFactory(slug="microneedling")
    TreatmentFactory(slug="secret-laser", draft=True)

    response = Client().get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.text
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert sorted(locations) == sorted(
        f"{SITE}/{code}/{page}"
        for code in ("es", "en")
        for page in ("", "treatments/", "contact/", "privacy/", "treatments/microneedling/")
    )
    assert "secret-laser" not in xml
    for hreflang, href in [
        ("es", f"{SITE}/es/treatments/microneedling/"),
        ("en", f"{SITE}/en/treatments/microneedling/"),
        ("x-default", f"{SITE}/treatments/microneedling/"),
    ]:
        assert f'<xhtml:link rel="alternate" hreflang="{hreflang}" href="{href}"/>' in xml
    assert "<lastmod>" in xml


def test_robots_txt_keeps_crawlers_out_of_bookings_and_points_at_the_sitemap():
    response = Client().get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/es/book/", "/en/book/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_booking_pages_are_never_stored_in_either_language():
    for code in ("es", "en"):
        response = Client().get(f"/{code}/book/treatment/")
        assert "no-store" in response["Cache-Control"], code


def test_a_refused_address_gets_the_kind_400_page_in_the_visitors_language():
    client = Client(headers={"Accept-Language": "en"})
    client.get("/en/")  # an English request first, on this same thread

    spanish = client.get("/es/book/?treatment=%00")
    unprefixed = Client(headers={"Accept-Language": "es-MX"}).get("/book/?treatment=%00")

    assert spanish.status_code == unprefixed.status_code == 400
    assert html_lang(spanish.text) == html_lang(unprefixed.text) == "es"
    assert "No pudimos leer esa dirección" in spanish.text


def test_a_screening_question_without_spanish_is_asked_in_english_marked_as_such():
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = make_questionnaire(treatment)
    translated = next(iter(questions.values()))
    translated.text_es = "¿Está embarazada?"
    translated.save()
    client = Client()
    client.post("/es/book/treatment/", {"treatment": treatment.pk})

    html = client.get("/es/book/screening/").text

    assert "¿Está embarazada?" in html
    others = [q for q in questions.values() if q.pk != translated.pk and q.parent_id is None]
    assert f'<span lang="en">{others[0].text_en}</span>' in html.replace("&#x27;", "'")
