"""Rate limits on the booking steps and the manage link, counted in a real Redis."""

import pytest
from django.urls import reverse

from booking.models import Screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(redis_cache, settings):
    """Small limits, counted in the private Redis (tests/conftest.py). django-ratelimit
    counts in fixed windows; the frozen clock keeps each test inside one."""
    settings.RATE_LIMITS = {"booking": "5/m", "manage": "3/m", "login": "4/m"}
    return redis_cache


def test_too_many_booking_posts_get_a_kind_429_and_store_nothing(client, limits):
    url = reverse("booking:step", args=["screening"])
    statuses = [client.post(url, {"date_of_birth": "1990-01-01"}).status_code for _ in range(8)]

    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429] * 3
    response = client.post(url, {})
    assert "Please wait a moment" in response.content.decode()
    assert Screening.objects.count() == 0


def test_the_limit_is_per_client_address(client, limits):
    url = reverse("booking:step", args=["treatment"])
    for _ in range(5):
        client.post(url, {}, REMOTE_ADDR="203.0.113.1")

    assert client.post(url, {}, REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.post(url, {}, REMOTE_ADDR="203.0.113.2").status_code != 429


def test_reading_a_booking_page_is_not_limited(client, limits):
    url = reverse("booking:step", args=["treatment"])
    assert all(client.get(url).status_code == 200 for _ in range(10))


def test_guessing_manage_links_is_limited(client, limits):
    statuses = [
        client.get(reverse("booking:manage", kwargs={"token": f"guess{i}"})).status_code
        for i in range(5)
    ]

    assert statuses == [404, 404, 404, 429, 429]


def test_guessing_manage_links_with_head_requests_counts_the_same(client, limits):
    url = reverse("booking:manage", kwargs={"token": "guess"})
    statuses = [client.head(url).status_code for _ in range(3)] + [client.get(url).status_code]

    assert statuses == [404, 404, 404, 429]


def test_staff_sign_in_attempts_are_limited_per_address(client, limits):
    url = reverse("admin:login")
    statuses = [
        client.post(
            url, {"username": f"user{i}", "password": "wrong", "otp_token": "123456"}
        ).status_code
        for i in range(6)
    ]

    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429, 429]
