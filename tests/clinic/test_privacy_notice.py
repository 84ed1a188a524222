"""The privacy notice: the page, its versions (a published one never changes), who edits
it in admin, and the starting notice the content loader publishes."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from booking.management.commands.load_clinic_content import load_clinic_content
from clinic.models import PrivacyNotice, PublishedNoticeIsFinal
from tests.factories import ClinicProfileFactory, PrivacyNoticeFactory

pytestmark = pytest.mark.django_db

with translation.override("en"):  # the suite speaks English (tests/conftest.py)
    PRIVACY = reverse("privacy")
ADD = reverse("admin:clinic_privacynotice_add")
LIST = reverse("admin:clinic_privacynotice_changelist")


def change_url(notice: PrivacyNotice) -> str:
    return reverse("admin:clinic_privacynotice_change", args=[notice.pk])


def staff_client(client, otp_login, django_user_model, group: str):
    user = django_user_model.objects.create_user(
        username=group.lower().replace(" ", "_"), password="not-used-9f3k", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return otp_login(client, user)


@pytest.fixture
def editor(client, otp_login, django_user_model):
    return staff_client(client, otp_login, django_user_model, "Content editor")


# --- The page -----------------------------------------------------------------------------


def test_the_page_shows_the_notice_in_force_rendered_from_markdown(client):
    PrivacyNoticeFactory(body="## Who is responsible\n\nOld words.")
    PrivacyNoticeFactory(body="## Who is responsible\n\nClínica Rosa keeps **your** data.")

    response = client.get(PRIVACY)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Who is responsible</h2>" in page
    assert "Clínica Rosa keeps <strong>your</strong> data." in page
    assert "Old words" not in page
    assert "Version 2, published on 4 January 2027." in page


def test_an_earlier_version_stays_readable_at_its_own_address_and_points_to_the_current(client):
    first = PrivacyNoticeFactory(body="The first words.")
    PrivacyNoticeFactory(body="The second words.")

    response = client.get(first.get_absolute_url())

    page = response.content.decode()
    assert first.get_absolute_url() == "/en/privacy/v/1/"
    assert response.status_code == 200
    assert "The first words." in page
    assert "This is an earlier version" in page
    assert 'href="/en/privacy/v/2/"' in page
    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/privacy/">' in page


def test_drafts_and_unknown_versions_are_not_shown(client):
    PrivacyNoticeFactory(body="In force.")
    draft = PrivacyNoticeFactory(body="A draft nobody agreed to.", published=False)

    assert client.get(PRIVACY).content.decode().count("A draft nobody agreed to.") == 0
    assert client.get("/en/privacy/v/2/").status_code == 404
    assert draft.version is None


def test_before_any_notice_is_published_the_page_says_how_to_ask_for_it(client):
    ClinicProfileFactory()

    response = client.get(PRIVACY)

    assert response.status_code == 200
    assert "Please contact us and we will send it to you." in response.content.decode()
    assert "hola@clinica.example" in response.content.decode()


def test_every_page_links_to_the_notice_in_its_footer(client):
    ClinicProfileFactory()

    for url in (reverse("home"), reverse("contact"), reverse("treatments:list")):
        footer = client.get(url).content.decode().split("<footer", 1)[1]
        assert f'<a href="{PRIVACY}">Privacy notice</a>' in footer, url


def test_a_new_version_shows_at_once_through_the_page_cache(client):
    PrivacyNoticeFactory(body="The first words.")
    assert "The first words." in client.get(PRIVACY).content.decode()

    PrivacyNoticeFactory(body="The second words.")

    assert "The second words." in client.get(PRIVACY).content.decode()


# --- Versions ----------------------------------------------------------------------------


def test_publishing_gives_the_next_version_and_keeps_the_earlier_one(clock):
    first = PrivacyNoticeFactory(body="One.")
    clock.shift(dt.timedelta(days=30))
    draft = PrivacyNoticeFactory(body="Two.", published=False)
    assert PrivacyNotice.objects.current() == first

    draft.publish()

    first.refresh_from_db()
    assert (first.version, draft.version) == (1, 2)
    assert first.body == "One."
    assert draft.published_at == timezone.now()
    assert PrivacyNotice.objects.current() == draft
    assert list(PrivacyNotice.objects.published().order_by("version")) == [first, draft]


def test_a_published_version_is_never_changed():
    notice = PrivacyNoticeFactory(body="What patients agreed to.")
    notice.body = "Something else."

    with pytest.raises(PublishedNoticeIsFinal):
        notice.save()

    notice.refresh_from_db()
    assert notice.body == "What patients agreed to."


# --- Admin -------------------------------------------------------------------------------


def test_a_content_editor_writes_a_new_version_from_the_current_one_and_publishes_it(editor):
    first = PrivacyNoticeFactory(body="## Rights\n\nThe first words.")

    form = editor.get(ADD)
    assert form.status_code == 200
    assert "The first words." in form.content.decode()  # a new draft starts from the current

    response = editor.post(
        ADD,
        {
            "body_en": "## Rights\n\nThe new words.",
            "changes_en": "Clearer rights.",
            "publish": "on",
        },
    )

    assert response.status_code == 302
    current = PrivacyNotice.objects.current()
    assert (current.version, current.changes) == (2, "Clearer rights.")
    assert "<h2>Rights</h2>" in current.body_html
    first.refresh_from_db()
    assert first.body == "## Rights\n\nThe first words."


def test_a_draft_is_saved_without_being_published(editor):
    editor.post(ADD, {"body_en": "Not yet.", "changes_en": ""})

    draft = PrivacyNotice.objects.get()
    assert draft.version is None
    assert PrivacyNotice.objects.current() is None


def test_a_published_version_is_read_only_and_cannot_be_deleted_in_admin(editor):
    notice = PrivacyNoticeFactory(body="Agreed words.")

    page = editor.get(change_url(notice)).content.decode()
    refused = editor.post(change_url(notice), {"body": "Rewritten.", "changes": ""})
    deleted = editor.post(
        reverse("admin:clinic_privacynotice_delete", args=[notice.pk]), {"post": "yes"}
    )

    assert 'name="body"' not in page  # shown, not editable
    assert "Agreed words." in page
    assert refused.status_code == 403
    assert deleted.status_code == 403
    notice.refresh_from_db()
    assert notice.body == "Agreed words."
    assert "delete_selected" not in editor.get(LIST).content.decode()


def test_reception_cannot_edit_the_notice(client, otp_login, django_user_model):
    reception = staff_client(client, otp_login, django_user_model, "Reception")

    assert reception.get(ADD).status_code == 403


# --- The starting notice -----------------------------------------------------------------


def test_the_content_loader_publishes_a_complete_first_notice_once():
    report = load_clinic_content()

    notice = PrivacyNotice.objects.current()
    assert "privacy notice, version 1" in report.created
    body = notice.body
    # Who is responsible, from the clinic profile the loader wrote first.
    assert "Río Skin Clinic, Urban Center Building, Blvd. General Sánchez Taboada 9589" in body
    assert "hello@rioskinclinic.example" in body
    # Which data and why; health data is sensitive and needs express consent.
    for words in (
        "full name, email address and phone number",
        "date of birth",
        "answers to the health questions",
        "reminder",
        "**sensitive personal\ndata**",
        "express consent",
        "deliver our emails",
        "when a law or a court order requires it",
        "**access**",
        "**rectify**",
        "**cancel**",
        "**oppose**",
        "**revoke your consent**",
        "private link",
        "20 business days",
        "Changes to this notice",
    ):
        assert words in body, words
    # The retention the daily purge applies, as configured.
    assert f"after {settings.RETENTION_ABANDONED_HOURS} hours" in body
    assert f"deleted {settings.RETENTION_HEALTH_DATA_DAYS}\n  days after your visit" in body
    assert f"erased {settings.RETENTION_PATIENT_DETAILS_DAYS}\n  days after your visit" in body
    assert "backups are kept for 35 days" in body

    again = load_clinic_content()

    assert "privacy notice" in again.kept
    assert PrivacyNotice.objects.count() == 1
