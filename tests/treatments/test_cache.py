"""The public page cache (clinic/page_cache.py): fast for patients, never stale after an edit."""

import gc
import io
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from booking.models import Outcome
from clinic import page_cache
from clinic.models import ClinicProfile
from tests.admin_forms import admin_form_data
from tests.factories import (
    ClinicProfileFactory,
    FAQFactory,
    ScreeningQuestionFactory,
    SectionFactory,
    TreatmentFactory,
    TreatmentImageFactory,
)
from treatments.models import SectionKind

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


@pytest.fixture
def anon():
    """A patient's browser: never signed in (admin_client uses the `client` fixture)."""
    return Client()


@pytest.fixture
def treatment():
    ClinicProfileFactory()
    treatment = TreatmentFactory(name="Microneedling", slug="microneedling")
    SectionFactory(treatment=treatment, kind=SectionKind.HOW_IT_WORKS, body="Tiny channels.")
    SectionFactory(treatment=treatment, kind=SectionKind.RISKS, body="Some redness.")
    FAQFactory(treatment=treatment, question="Does it hurt?", answer="A little.")
    ScreeningQuestionFactory(
        treatment=treatment,
        text="Are you pregnant?",
        public_label="Pregnancy",
        outcome=Outcome.BLOCKS_BOOKING,
    )
    return treatment


def cached(anon, url: str) -> str:
    """Load a page twice as a patient; the second answer must come from the cache."""
    first = anon.get(url)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    second = anon.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    return second.text


# --- Hits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["home", "contact", "treatments:list", "treatments:detail"], ids=str
)
def test_a_cached_page_costs_no_query_and_keeps_every_security_header(
    anon, treatment, name, django_assert_num_queries
):
    url = reverse(name, args=["microneedling"] if name == "treatments:detail" else [])
    rendered = anon.get(url)
    with django_assert_num_queries(0):
        hit = anon.get(url)

    assert hit["X-Page-Cache"] == "hit"
    assert hit.content == rendered.content
    assert hit["Content-Type"] == rendered["Content-Type"]
    for header in SECURITY_HEADERS:
        assert hit[header] == rendered[header], header
    assert not hit.cookies  # no session, no CSRF cookie: nothing personal in a shared page
    assert "csrfmiddlewaretoken" not in hit.text


def test_campaign_tags_share_the_page_but_other_parameters_are_never_cached(anon, treatment):
    url = reverse("treatments:detail", args=["microneedling"])
    cached(anon, url)

    assert anon.get(url + "?utm_source=newsletter&gclid=1")["X-Page-Cache"] == "hit"
    random = anon.get(url + "?x=" + uuid.uuid4().hex)
    assert random.status_code == 200
    assert "X-Page-Cache" not in random


def test_only_plain_gets_are_cached(anon, treatment):
    url = reverse("treatments:detail", args=["microneedling"])
    assert "X-Page-Cache" not in anon.head(url)
    assert anon.get(reverse("treatments:detail", args=["nothing-here"])).status_code == 404
    assert anon.get(url)["X-Page-Cache"] == "miss"  # neither the HEAD nor the 404 was stored


# --- Every admin edit shows on the very next load -------------------------------------------


def edit_treatment(admin_client, treatment, **changes) -> None:
    url = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    data = admin_form_data(admin_client.get(url))
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")


def inline_prefix(admin_client, treatment, related_name: str) -> str:
    url = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    for inline in admin_client.get(url).context["inline_admin_formsets"]:
        if inline.formset.prefix == related_name:
            return inline.formset.prefix
    raise AssertionError(f"no inline {related_name}")


def test_a_section_edit_shows_at_once(anon, admin_client, treatment):
    url = treatment.get_absolute_url()
    assert "Tiny channels." in cached(anon, url)
    prefix = inline_prefix(admin_client, treatment, "sections")
    section = treatment.sections.get(kind=SectionKind.HOW_IT_WORKS)
    index = list(treatment.sections.order_by("pk")).index(section)

    edit_treatment(admin_client, treatment, **{f"{prefix}-{index}-body_en": "Freshly *edited*."})

    page = anon.get(url)
    assert "Freshly <em>edited</em>." in page.text
    assert "Tiny channels." not in page.text


def test_a_faq_edit_and_deletion_show_at_once(anon, admin_client, treatment):
    url = treatment.get_absolute_url()
    assert "Does it hurt?" in cached(anon, url)
    prefix = inline_prefix(admin_client, treatment, "faqs")

    edit_treatment(admin_client, treatment, **{f"{prefix}-0-question_en": "Is it painful?"})
    assert "Is it painful?" in anon.get(url).text
    assert anon.get(url)["X-Page-Cache"] == "hit"

    edit_treatment(admin_client, treatment, **{f"{prefix}-0-DELETE": "on"})
    assert "Is it painful?" not in anon.get(url).text


def test_a_gallery_image_edit_shows_at_once(anon, admin_client, treatment):
    TreatmentImageFactory(treatment=treatment, alt_text="A cheek after one session")
    url = treatment.get_absolute_url()
    assert "A cheek after one session" in cached(anon, url)
    prefix = inline_prefix(admin_client, treatment, "images")

    edit_treatment(admin_client, treatment, **{f"{prefix}-0-alt_text_en": "Skin a week later"})

    assert "Skin a week later" in anon.get(url).text
    gc.collect()


def test_a_treatment_edit_shows_on_its_page_the_list_and_home(anon, admin_client, treatment):
    pages = [treatment.get_absolute_url(), reverse("treatments:list"), reverse("home")]
    for url in pages:
        assert "Microneedling" in cached(anon, url)

    edit_treatment(admin_client, treatment, name_en="Collagen induction", price_from="175.00")

    for url in pages:
        assert "Collagen induction" in anon.get(url).text, url
    assert "175" in anon.get(treatment.get_absolute_url()).text


def test_unpublishing_hides_a_cached_page_at_once(anon, admin_client, treatment):
    url = treatment.get_absolute_url()
    cached(anon, url)
    data = admin_form_data(
        admin_client.get(reverse("admin:treatments_treatment_change", args=[treatment.pk]))
    )
    del data["is_published"]
    assert (
        admin_client.post(
            reverse("admin:treatments_treatment_change", args=[treatment.pk]), data
        ).status_code
        == 302
    )

    assert anon.get(url).status_code == 404
    assert "Microneedling" not in anon.get(reverse("treatments:list")).text


def test_a_screening_question_edit_shows_in_who_should_not_have_it(anon, admin_client, treatment):
    url = treatment.get_absolute_url()
    assert "Pregnancy" in cached(anon, url)
    question = treatment.screening_questions.get()
    change = reverse("admin:booking_screeningquestion_change", args=[question.pk])
    data = admin_form_data(admin_client.get(change))
    data["public_label_en"] = "Pregnancy or breastfeeding"

    assert admin_client.post(change, data).status_code == 302

    assert "Pregnancy or breastfeeding" in anon.get(url).text


def test_a_clinic_profile_edit_shows_on_every_page(anon, admin_client, treatment):
    pages = [
        reverse("home"),
        reverse("contact"),
        reverse("treatments:list"),
        treatment.get_absolute_url(),
    ]
    for url in pages:
        assert "Clínica Rosa" in cached(anon, url)
    change = reverse("admin:clinic_clinicprofile_change", args=[ClinicProfile.load().pk])
    data = admin_form_data(admin_client.get(change))
    data.update(name="Clínica Azul", phone="+52 664 999 0000")

    assert admin_client.post(change, data).status_code == 302

    for url in pages:
        page = anon.get(url).text
        assert "Clínica Azul" in page, url
        assert "+52 664 999 0000" in page, url


def test_list_editable_and_bulk_delete_in_the_admin_show_at_once(anon, admin_client, treatment):
    other = TreatmentFactory(name="Chemical peel", slug="chemical-peel", position=50)
    treatment.position = 10
    treatment.save()
    listing = reverse("treatments:list")
    page = cached(anon, listing)
    assert page.index("Microneedling") < page.index("Chemical peel")
    changelist = reverse("admin:treatments_treatment_changelist")
    rows = admin_client.get(changelist).context["cl"].result_list
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = row.pk
        data[f"form-{index}-position"] = 0 if row.pk == other.pk else 99

    assert admin_client.post(changelist, data).status_code == 302  # list_editable saves each
    page = anon.get(listing).text
    assert page.index("Chemical peel") < page.index("Microneedling")
    assert anon.get(listing)["X-Page-Cache"] == "hit"

    action = {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"}
    assert admin_client.post(changelist, action).status_code == 302
    assert "Chemical peel" not in anon.get(listing).text
    assert anon.get(reverse("treatments:detail", args=["chemical-peel"])).status_code == 404


def test_loading_the_clinic_content_invalidates_the_pages(anon):
    ClinicProfileFactory(name="Before the load")
    assert "Before the load" in cached(anon, reverse("home"))

    call_command("load_clinic_content", stdout=io.StringIO())

    home = anon.get(reverse("home"))
    assert "X-Page-Cache" not in home or home["X-Page-Cache"] == "miss"


# --- Never shared: staff, drafts, messages ------------------------------------------------


def test_a_staff_draft_preview_is_never_cached_or_served_to_patients(anon, admin_client):
    ClinicProfileFactory()
    draft = TreatmentFactory(name="Secret peel", slug="secret-peel", draft=True)
    url = draft.get_absolute_url()

    for _ in range(2):
        preview = admin_client.get(url)
        assert preview.status_code == 200
        assert "Secret peel" in preview.text
        assert "X-Page-Cache" not in preview
    assert anon.get(url).status_code == 404
    assert "Secret peel" not in anon.get(reverse("treatments:list")).text


def test_staff_neither_read_nor_fill_the_patients_cache(anon, admin_client, treatment):
    url = treatment.get_absolute_url()
    cached(anon, url)
    assert "X-Page-Cache" not in admin_client.get(url)

    page_cache.bump()
    admin_client.get(url)
    assert anon.get(url)["X-Page-Cache"] == "miss"


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(anon, treatment, rf):
    from django.contrib.messages import add_message, constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    url = treatment.get_absolute_url()
    cached(anon, url)
    request = rf.get(url)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    add_message(request, constants.INFO, "Your booking was cancelled.")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    assert page_cache._cacheable_request(request) is False


def test_every_treatments_model_invalidates_the_cache():
    watched = {label.lower() for label in page_cache.CONTENT_VERSION.depends_on}
    for model in apps.get_app_config("treatments").get_models():
        assert model._meta.label_lower in watched, model


def test_a_lost_version_never_resurrects_old_pages(anon, treatment):
    from django.core.cache import cache

    url = treatment.get_absolute_url()
    cached(anon, url)
    cache.delete(page_cache.VERSION_KEY)
    assert anon.get(url)["X-Page-Cache"] == "miss"


# --- Redis, as in production -----------------------------------------------------------------


def test_the_cache_works_on_redis_shared_between_servers(
    redis_cache, anon, admin_client, treatment, django_assert_num_queries
):
    url = treatment.get_absolute_url()
    assert "Does it hurt?" in cached(anon, url)
    with django_assert_num_queries(0):
        assert anon.get(url)["X-Page-Cache"] == "hit"
    assert redis_cache.get(page_cache.VERSION_KEY) is not None

    edit_treatment(
        admin_client,
        treatment,
        **{f"{inline_prefix(admin_client, treatment, 'faqs')}-0-question_en": "Is it safe?"},
    )

    assert "Is it safe?" in anon.get(url).text


def test_the_redis_backend_keeps_one_client_and_behaves_like_djangos(redis_cache):
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from clinic.redis_cache import RedisCache

    assert isinstance(redis_cache, RedisCache)
    assert isinstance(redis_cache, DjangoRedisCache)
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client

    redis_cache.set("k", {"a": 1}, 30)
    assert redis_cache.get("k") == {"a": 1}
    assert redis_cache.get_many(["k", "missing"]) == {"k": {"a": 1}}
    assert redis_cache.add("n", 1) and redis_cache.incr("n") == 2
    redis_cache.delete("k")
    assert redis_cache.get("k") is None
    assert redis_cache._cache.get_client() is client


# --- This process's copies (clinic/page_cache.py's recent_pages) --------------------------------


def test_a_hit_costs_one_round_trip_to_the_cache_which_the_profile_shares(
    redis_cache, anon, treatment, monkeypatch
):
    """The version is read with the clinic's profile when the request starts, and the page
    comes from this process's copy: one round trip to Redis per hit, as for any page."""
    url = treatment.get_absolute_url()
    cached(anon, url)
    client = redis_cache._cache.get_client(write=False)
    calls = []
    real = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *a, **k: calls.append(a[0]) or real(*a, **k)
    )
    hit = anon.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert calls == ["MGET"]


def test_a_copy_is_used_only_under_the_current_version(redis_cache, anon, treatment):
    """Another server's edit changes the version in Redis only: this process's copy of the
    page is not served once it has (tests/scale_out/ does it with two real servers)."""
    url = treatment.get_absolute_url()
    cached(anon, url)
    redis_cache.incr(page_cache.VERSION_KEY)  # the other server's bump
    assert anon.get(url)["X-Page-Cache"] == "miss"
    assert anon.get(url)["X-Page-Cache"] == "hit"


def test_the_copies_are_bounded_least_recently_stored_first():
    from clinic.process_memo import LruMemo

    pages: LruMemo[str, page_cache.StoredPage] = LruMemo(size=2)
    for name in ("a", "b", "c"):
        pages.put(name, page_cache.StoredPage(1, name.encode(), []))
    assert pages.get("a") is None
    assert pages.get("b").content == b"b"
    # Another version than the copy's is never served: test_a_copy_is_used_only_under_...


def test_a_page_another_process_stored_is_served_and_copied_here(anon, treatment):
    url = treatment.get_absolute_url()
    cached(anon, url)
    page_cache.recent_pages.clear()  # as in a process that has not served it yet
    assert anon.get(url)["X-Page-Cache"] == "hit"  # from the shared cache
    assert len(page_cache.recent_pages) == 1
