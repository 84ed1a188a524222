"""Behind the clinic's proxy every patient keeps their own address: rate limits and the
cap on held times count per visitor (clinic/client_address.py), and nobody escapes them
by sending a forged X-Forwarded-For."""

import pytest
from django.test import Client
from django.urls import reverse

from booking.models import Appointment, BookingPolicy, Status
from tests.booking.pages import answers, first_offered_start
from tests.factories import PractitionerFactory, TreatmentFactory, questionnaire

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the proxy in front of gunicorn: REMOTE_ADDR of every request through it
BUDGET = 5


def behind_the_proxy(forwarded_for: str) -> Client:
    """A patient's browser whose requests reach gunicorn through the proxy, which sends
    ``forwarded_for`` (what the patient sent, if anything, then their own address)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def treatment_step() -> str:
    return reverse("booking:step", args=["treatment"])


def post_until_refused(client: Client, url: str, **extra) -> list[int]:
    return [client.post(url, {}, **extra).status_code for _ in range(BUDGET + 1)]


# --- rate limits ------------------------------------------------------------------------


@pytest.fixture
def limits(redis_cache, settings):
    """Small limits, counted in a private Redis as in production (one window: the clock
    stands still)."""
    settings.RATE_LIMITS = {"booking": f"{BUDGET}/m", "manage": f"{BUDGET}/m", "login": "5/m"}
    return redis_cache


def test_two_patients_behind_one_proxy_have_their_own_booking_budget(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = behind_the_proxy("203.0.113.10"), behind_the_proxy("198.51.100.20")

    assert post_until_refused(first, treatment_step())[-1] == 429
    assert first.post(treatment_step(), {}).status_code == 429

    assert second.post(treatment_step(), {}).status_code == 400  # the form's answer, not 429


def test_two_patients_behind_one_proxy_have_their_own_manage_link_budget(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = behind_the_proxy("203.0.113.10"), behind_the_proxy("198.51.100.20")
    url = reverse("booking:manage", kwargs={"token": "guess"})

    assert [first.get(url).status_code for _ in range(BUDGET + 1)][-1] == 429
    assert second.get(url).status_code == 404


def test_two_staff_behind_one_proxy_have_their_own_sign_in_budget(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = behind_the_proxy("203.0.113.10"), behind_the_proxy("198.51.100.20")
    url = reverse("admin:login")
    attempt = {"username": "someone", "password": "wrong", "otp_token": "123456"}

    assert [first.post(url, attempt).status_code for _ in range(6)][-1] == 429
    assert second.post(url, attempt).status_code == 200


def test_a_forged_forwarded_header_changes_nothing_without_a_trusted_proxy(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    patient = Client(REMOTE_ADDR="203.0.113.10")

    statuses = [
        patient.post(treatment_step(), {}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(BUDGET + 1)
    ]

    assert statuses == [400] * BUDGET + [429]


def test_prepending_fake_addresses_does_not_escape_the_budget_behind_the_proxy(limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    patient_address = "203.0.113.10"

    statuses = [
        # The patient sends a new made-up chain each time; the proxy appends the real address.
        behind_the_proxy(f"192.0.2.{n}, 10.9.9.{n}, {patient_address}")
        .post(treatment_step(), {})
        .status_code
        for n in range(BUDGET + 1)
    ]

    assert statuses == [400] * BUDGET + [429]


# --- held times --------------------------------------------------------------------------


@pytest.fixture
def booking_setup(settings):
    settings.RATELIMIT_ENABLE = False
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    questions = questionnaire(treatment)
    policy = BookingPolicy.load()
    policy.max_holds_per_ip = 2
    policy.save()
    return treatment, questions


def try_to_hold(client: Client, setup):
    """One patient's booking up to the time step, then a POST holding the first free time."""
    treatment, questions = setup
    client.post(treatment_step(), {"treatment": treatment.pk})
    client.post(reverse("booking:step", args=["screening"]), answers(questions))
    start = first_offered_start(client)
    return client.post(reverse("booking:step", args=["time"]), {"start": start.isoformat()})


def test_patients_behind_one_proxy_are_held_to_their_own_address_cap(booking_setup, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    office = "203.0.113.10"
    for _ in range(2):
        assert try_to_hold(behind_the_proxy(office), booking_setup).status_code == 302

    # A third colleague in the same office is refused, and told why...
    refused = try_to_hold(behind_the_proxy(office), booking_setup)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Many bookings are in progress from your network right now" in page
    assert "You are already holding a time" not in page

    # ...while a patient elsewhere, through the same proxy, holds a time.
    assert try_to_hold(behind_the_proxy("198.51.100.20"), booking_setup).status_code == 302
    held = Appointment.objects.filter(status=Status.HELD)
    assert sorted(held.values_list("client_ip", flat=True)) == ["198.51.100.20", office, office]


def test_forged_forwarded_headers_do_not_escape_the_address_cap(booking_setup, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    visitor = "203.0.113.10"

    statuses = [
        try_to_hold(
            Client(REMOTE_ADDR=visitor, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), booking_setup
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 409]
    assert set(Appointment.objects.values_list("client_ip", flat=True)) == {visitor}


def test_fake_entries_before_the_proxys_do_not_escape_the_address_cap(booking_setup, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    statuses = [
        try_to_hold(behind_the_proxy(f"192.0.2.{n}, 203.0.113.10"), booking_setup).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 409]


def test_a_patient_holding_a_time_in_another_booking_is_told_so(booking_setup):
    patient = Client(REMOTE_ADDR="203.0.113.10")
    assert try_to_hold(patient, booking_setup).status_code == 302

    # The same browser books another treatment while its first time is still held.
    other = TreatmentFactory(name="Chemical peel", slug="chemical-peel")
    PractitionerFactory(treatments=[other], name="Dr. Luis Mora")
    refused = try_to_hold(patient, (other, questionnaire(other)))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "You are already holding a time in another booking" in page
    assert "from your network" not in page
