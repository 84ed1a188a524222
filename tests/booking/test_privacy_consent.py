"""The consent step links to the privacy notice in force and records which version the
patient agreed to; the record is shown read-only in admin and kept in the export."""

import pytest
from django.urls import reverse
from django.utils import translation

from booking import services
from booking.models import Appointment, ConsentKind
from tests.booking.pages import answers, first_offered_start
from tests.factories import (
    PractitionerFactory,
    PrivacyNoticeFactory,
    TreatmentFactory,
    questionnaire,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Jane Doe",
    "email": "jane@example.com",
    "phone": "+1 619 555 0100",
    "consent_treatment": "on",
    "consent_privacy": "on",
}
with translation.override("en"):  # the suite speaks English (tests/conftest.py)
    DETAILS_URL = reverse("booking:step", args=["details"])


@pytest.fixture
def at_details(client):
    """A visitor who has chosen, answered and held a time: the details step is next."""
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    client.post(reverse("booking:step", args=["treatment"]), {"treatment": treatment.pk})
    client.post(reverse("booking:step", args=["screening"]), answers(questions))
    start = first_offered_start(client)
    client.post(reverse("booking:step", args=["time"]), {"start": start.isoformat()})
    return client


def privacy_consent(appointment: Appointment):
    return appointment.consents.get(kind=ConsentKind.PRIVACY)


def test_the_consent_links_to_the_notice_in_force_in_a_new_tab(at_details):
    PrivacyNoticeFactory()
    notice = PrivacyNoticeFactory()

    page = at_details.get(DETAILS_URL).content.decode()

    link = f'as described in the <a href="/en/privacy/v/{notice.version}/" target="_blank"'
    assert link in page
    assert "(opens in a new tab)" in page
    assert f'name="privacy_notice" value="{notice.version}"' in page


def test_the_consent_records_the_version_agreed_to(at_details):
    notice = PrivacyNoticeFactory()

    response = at_details.post(DETAILS_URL, {**DETAILS, "privacy_notice": notice.version})

    assert response.status_code == 302
    consent = privacy_consent(Appointment.objects.get())
    assert consent.privacy_notice == notice
    assert consent.version == "2027-01"
    assert "express consent" in consent.wording
    assert "health data" in consent.wording
    assert "as described in the privacy notice (version 1)." in consent.wording
    treatment = Appointment.objects.get().consents.get(kind=ConsentKind.TREATMENT)
    assert treatment.privacy_notice is None


def test_a_notice_published_while_the_patient_typed_is_agreed_to_again_keeping_what_they_typed(
    at_details,
):
    shown = PrivacyNoticeFactory()
    at_details.get(DETAILS_URL)
    newer = PrivacyNoticeFactory()

    response = at_details.post(DETAILS_URL, {**DETAILS, "privacy_notice": shown.version})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Our privacy notice has just been updated" in page
    assert 'value="Jane Doe"' in page
    assert 'value="jane@example.com"' in page
    assert f'href="/en/privacy/v/{newer.version}/"' in page
    assert f'name="privacy_notice" value="{newer.version}"' in page
    assert not Appointment.objects.get().consents.exists()

    again = at_details.post(DETAILS_URL, {**DETAILS, "privacy_notice": newer.version})

    assert again.status_code == 302
    assert privacy_consent(Appointment.objects.get()).privacy_notice == newer


def test_a_post_without_the_version_shown_is_asked_again(at_details):
    PrivacyNoticeFactory()

    response = at_details.post(DETAILS_URL, DETAILS)

    assert response.status_code == 400
    assert not Appointment.objects.get().consents.exists()


def test_going_back_to_details_ticks_the_privacy_box_only_for_the_version_in_force(at_details):
    notice = PrivacyNoticeFactory()
    at_details.post(DETAILS_URL, {**DETAILS, "privacy_notice": notice.version})
    assert at_details.get(DETAILS_URL).context["form"].initial["consent_privacy"] is True

    PrivacyNoticeFactory()

    assert at_details.get(DETAILS_URL).context["form"].initial["consent_privacy"] is False


def test_the_appointment_page_in_admin_shows_the_version_read_only(at_details, admin_client):
    notice = PrivacyNoticeFactory()
    at_details.post(DETAILS_URL, {**DETAILS, "privacy_notice": notice.version})
    appointment = Appointment.objects.get()

    page = admin_client.get(
        reverse("admin:booking_appointment_change", args=[appointment.pk])
    ).content.decode()

    assert "Privacy notice, version 1" in page
    assert 'name="consents-0-privacy_notice"' not in page


def test_the_patients_export_names_the_version_agreed_to(at_details):
    notice = PrivacyNoticeFactory()
    at_details.post(DETAILS_URL, {**DETAILS, "privacy_notice": notice.version})

    exported = services.export_patient_data("jane@example.com")

    consents = exported["appointments"][0]["consents"]
    assert {c["kind"]: c["privacy_notice_version"] for c in consents} == {
        "treatment": None,
        "privacy": 1,
    }
