"""Sessions (clinic/sessions.py): Django's cached_db, read in the request's first round trip."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from booking.models import BookingPolicy
from clinic import page_cache
from clinic.models import ClinicProfile
from clinic.sessions import KEY_PREFIX, cache_key_for_cookie

pytestmark = pytest.mark.django_db


def redis_commands(redis_cache, monkeypatch) -> list[tuple]:
    """Every command this process sends to Redis from now on, with its arguments."""
    client = redis_cache._cache.get_client(write=False)
    sent: list[tuple] = []
    real = client.execute_command
    monkeypatch.setattr(client, "execute_command", lambda *a, **k: sent.append(a) or real(*a, **k))
    return sent


def test_a_signed_in_page_reads_its_session_profile_and_policy_in_one_round_trip(
    redis_cache, otp_login, admin_user, monkeypatch
):
    staff = otp_login(Client(), admin_user)
    url = reverse("admin:booking_bookingpolicy_changelist")
    assert staff.get(url).status_code in (200, 302)
    session_key = staff.cookies[settings.SESSION_COOKIE_NAME].value
    sent = redis_commands(redis_cache, monkeypatch)

    assert staff.get(url).status_code in (200, 302)

    first, *rest = sent
    assert first[0] == "MGET"
    read = " ".join(str(part) for part in first[1:])
    for key in (ClinicProfile.CACHE_KEY, BookingPolicy.CACHE_KEY, page_cache.VERSION_KEY):
        assert key in read
    assert KEY_PREFIX + session_key in read
    # None of them is read again.
    again = [c for c in rest if c[0] in ("GET", "MGET") and KEY_PREFIX + session_key in str(c)]
    assert again == []


def test_the_session_is_the_one_the_cookie_names_and_survives_a_missing_cache_entry(
    redis_cache, otp_login, admin_user
):
    staff = otp_login(Client(), admin_user)
    url = reverse("admin:index")
    assert staff.get(url).status_code == 200
    redis_cache.clear()  # the cached copy is gone: the database still has the session
    assert staff.get(url).status_code == 200
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # no such session
    # Signed out, never a 500.
    assert other.get(url).status_code == 302


@pytest.mark.parametrize(
    "value", [None, "", "short", "a" * 41, "ab-cd-ef-gh", "clé" * 4, "a b c d e f"]
)
def test_a_cookie_that_cannot_name_a_session_is_not_looked_up(value):
    assert cache_key_for_cookie(value) is None


def test_a_session_cookie_names_its_cache_entry():
    assert cache_key_for_cookie("abc123" * 5) == KEY_PREFIX + "abc123" * 5
