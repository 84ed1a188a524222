import json
import re

import pytest
from django.urls import path, reverse
from django.utils.html import escape

from clinic.models import ClinicProfile
from clinic.urls import urlpatterns as site_urlpatterns
from tests.factories import ClinicProfileFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("Something broke on the server")


# Test-only URLs for the 500 page (used with @pytest.mark.urls(__name__)); the real
# site's URLs (i18n_patterns cannot be include()d) are added so that templates can reverse them.
urlpatterns = [
    path("broken/", broken_view),
    *site_urlpatterns,
]


@pytest.fixture
def clinic():
    return ClinicProfileFactory()


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


# --- Home -----------------------------------------------------------------------


def test_home_shows_featured_published_treatments(client, clinic):
    featured = TreatmentFactory(name="Microneedling", is_featured=True)
    TreatmentFactory(name="Quiet peel", is_featured=False)
    TreatmentFactory(name="Secret laser", is_featured=True, draft=True)

    html = client.get(reverse("home")).text

    assert f'href="{featured.get_absolute_url()}">Microneedling</a>' in html
    assert "Quiet peel" not in html
    assert "Secret laser" not in html


def test_home_has_a_book_link_address_and_hours(client, clinic):
    html = client.get(reverse("home")).text

    assert f'href="{reverse("booking:start")}">Book an appointment</a>' in html
    assert "Av. Revolución 1234<br>22000 Tijuana, Baja California<br>Mexico" in html
    assert "<li>Monday–Friday: 9:00–18:00</li>" in html
    assert "<li>Saturday: 9:00–14:00</li>" in html
    assert '<h1 id="home-heading">Clínica Rosa</h1>' in html
    assert html.count("<h1") == 1


def test_home_describes_the_clinic_as_json_ld(client, clinic):
    [data] = json_ld(client.get(reverse("home")).text)

    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Clínica Rosa"
    assert data["url"] == "https://clinic.example/en/"
    assert data["address"]["streetAddress"] == "Av. Revolución 1234"
    assert data["address"]["addressLocality"] == "Tijuana"
    assert data["address"]["addressCountry"] == "MX"
    assert data["telephone"] == "+52 664 123 4567"
    assert data["openingHours"] == ["Monday–Friday: 9:00–18:00", "Saturday: 9:00–14:00"]


def test_home_works_before_anyone_filled_in_the_profile(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert ClinicProfile.objects.count() == 1


# --- Contact --------------------------------------------------------------------


def test_contact_shows_address_map_phone_and_email(client, clinic):
    response = client.get(reverse("contact"))
    html = response.text

    assert response.status_code == 200
    assert "Av. Revolución 1234<br>22000 Tijuana, Baja California<br>Mexico" in html
    assert f'href="{escape(clinic.map_url)}"' in html
    assert '<a href="tel:+526641234567">+52 664 123 4567</a>' in html
    assert '<a href="mailto:hola@clinica.example">hola@clinica.example</a>' in html
    assert "<li>Monday–Friday: 9:00–18:00</li>" in html
    [data] = json_ld(html)
    assert data["@type"] == "MedicalClinic"
    assert data["hasMap"] == clinic.map_url
    assert data["email"] == "hola@clinica.example"


def test_contact_shows_an_edit_to_the_profile_at_the_next_load(client, clinic):
    client.get(reverse("contact"))  # caches the profile

    clinic.phone = "+52 664 999 0000"
    clinic.save()

    assert 'href="tel:+526649990000"' in client.get(reverse("contact")).text


# --- Error pages ----------------------------------------------------------------


def test_the_404_page_is_in_the_site_style(client, clinic):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in template_names(response)
    assert "base.html" in template_names(response)
    assert "We could not find that page" in response.text
    assert 'class="skip-link"' in response.text  # from the base template
    assert '<a class="brand" href="/en/">Clínica Rosa</a>' in response.text
    assert '<meta name="robots" content="noindex">' in response.text


@pytest.mark.urls(__name__)
def test_the_500_page_is_in_the_site_style(client, clinic):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assert template_names(response) == ["500.html"]
    assert "Sorry, something went wrong on our side" in response.text
    assert "/static/css/site.css" in response.text
    assert 'class="site-header"' in response.text
    assert "Something broke on the server" not in response.text  # no details leak


# --- Admin ----------------------------------------------------------------------


def test_the_admin_header_shows_the_clinic_name(admin_client, clinic):
    html = admin_client.get(reverse("admin:index")).text

    assert re.search(r'<div id="site-name"><a href="/admin/">Clínica Rosa</a></div>', html)
    assert "<title>Back office | Clínica Rosa</title>" in html


def test_the_profile_admin_cannot_add_a_second_profile(admin_client, clinic):
    assert admin_client.get(reverse("admin:clinic_clinicprofile_add")).status_code == 403
    response = admin_client.post(reverse("admin:clinic_clinicprofile_add"), {"name": "Second"})

    assert response.status_code == 403
    assert ClinicProfile.objects.count() == 1
    changelist = admin_client.get(reverse("admin:clinic_clinicprofile_changelist")).text
    assert reverse("admin:clinic_clinicprofile_add") not in changelist


@pytest.mark.parametrize("model", ["clinic.clinicprofile", "booking.bookingpolicy"])
def test_a_singletons_admin_list_shows_the_one_row_even_on_a_new_database(admin_client, model):
    from django.apps import apps

    singleton = apps.get_model(model)
    singleton.objects.all().delete()

    app_label, model_name = model.split(".")
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))

    assert response.status_code == 200
    assert singleton.objects.count() == 1
    assert reverse(f"admin:{app_label}_{model_name}_change", args=[1]) in response.text


def test_the_profile_admin_cannot_delete_the_profile(admin_client, clinic):
    delete_url = reverse("admin:clinic_clinicprofile_delete", args=[clinic.pk])

    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse("admin:clinic_clinicprofile_changelist")).text
    assert "delete_selected" not in changelist
    assert ClinicProfile.objects.filter(pk=clinic.pk).exists()


def test_the_profile_admin_edits_the_one_profile(admin_client, clinic):
    url = reverse("admin:clinic_clinicprofile_change", args=[clinic.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    data["name"] = "Clínica Rosa Tijuana"

    assert admin_client.post(url, data).status_code == 302

    assert ClinicProfile.load().name == "Clínica Rosa Tijuana"


# --- The profile's cache --------------------------------------------------------


def test_load_is_cached_after_the_first_call(clinic, django_assert_num_queries):
    ClinicProfile.load()

    with django_assert_num_queries(0):
        profile = ClinicProfile.load()

    assert profile.name == "Clínica Rosa"


def test_saving_the_profile_invalidates_the_cache(clinic, django_assert_num_queries):
    ClinicProfile.load()
    profile = ClinicProfile.objects.get()
    profile.name = "Renamed clinic"
    profile.save()

    with django_assert_num_queries(1):
        assert ClinicProfile.load().name == "Renamed clinic"


def test_a_request_reads_the_profile_from_the_cache_once(clinic, monkeypatch):
    from django.core.cache import cache

    from clinic.request_memo import begin_request_memo, end_request_memo

    ClinicProfile.load()
    reads = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: reads.append(key) or real_get(key, *a, **k)
    )

    begin_request_memo()  # as on Django's request_started signal
    try:
        assert ClinicProfile.load() is ClinicProfile.load()
        assert reads == [ClinicProfile.CACHE_KEY]
        # An edit made while answering the request is seen by the rest of it.
        profile = ClinicProfile.objects.get()
        profile.name = "Renamed during the request"
        profile.save()
        assert ClinicProfile.load().name == "Renamed during the request"
    finally:
        end_request_memo()

    # Outside a request nothing is remembered: another process's edit is seen at once.
    ClinicProfile.objects.update(name="Renamed elsewhere")
    cache.delete(ClinicProfile.CACHE_KEY)
    assert ClinicProfile.load().name == "Renamed elsewhere"


def test_there_is_only_ever_one_profile(clinic):
    ClinicProfile(name="Another").save()

    assert ClinicProfile.objects.count() == 1
    assert ClinicProfile.load().name == "Another"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(120, "2 hours"), (90, "1 hour 30 minutes"), (45, "45 minutes"), (60, "1 hour"), ("x", "")],
)
def test_durations_read_as_people_say_them(minutes, text):
    from clinic.templatetags.clinic_tags import duration

    assert duration(minutes) == text
