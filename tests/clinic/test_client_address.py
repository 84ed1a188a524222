"""One function decides the visitor's address (clinic/client_address.py), and every
feature that counts or records addresses asks it."""

import logging

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django_otp.oath import totp

from clinic.client_address import UNKNOWN_ADDRESS, client_ip, rate_limit_address
from tests.factories import TOTPDeviceFactory

PROXY = "10.0.0.2"
PASSWORD = "a-long-staff-passphrase-42"


def request(remote_addr=PROXY, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.5", "192.0.2.1")) == "203.0.113.5"


def test_the_address_our_outermost_proxy_saw_is_the_visitor(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # patient's own claim, the patient as the CDN saw them, the CDN as our proxy saw it
    assert client_ip(request(forwarded_for="6.6.6.6, 203.0.113.5, 198.51.100.1")) == ("203.0.113.5")


def test_a_request_that_bypassed_the_proxy_is_its_own_remote_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("203.0.113.5")) == "203.0.113.5"
    assert client_ip(request("203.0.113.5", " , ")) == "203.0.113.5"


def test_a_forwarded_entry_that_is_no_address_is_not_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded_for="203.0.113.5, not-an-address")) == PROXY
    assert client_ip(request(forwarded_for="203.0.113.5, 1.2.3.4\x00")) == PROXY


def test_addresses_are_written_one_way(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded_for=" 2001:DB8::0:1 ")) == "2001:db8::1"
    assert client_ip(request(forwarded_for="::ffff:203.0.113.5")) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("::ffff:203.0.113.5")) == "203.0.113.5"


def test_an_unknown_address_is_none_and_shares_one_rate_limit_budget(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    unknown = request("")
    assert client_ip(unknown) is None
    assert rate_limit_address(unknown) == UNKNOWN_ADDRESS
    assert rate_limit_address(request("203.0.113.5")) == "203.0.113.5"


def test_every_feature_is_configured_to_ask_the_one_function():
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "clinic.client_address.client_ip"
    assert django_settings.RATELIMIT_IP_META_KEY == "clinic.client_address.rate_limit_address"


# --- staff lockouts and the security log behind the proxy ----------------------------------


@pytest.fixture
def staff_with_device(db):
    user = get_user_model().objects.create_user("reception", password=PASSWORD, is_staff=True)
    return TOTPDeviceFactory(user=user)


def code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, password, token=""):
    data = {"username": "reception", "password": password, "otp_token": token}
    return client.post("/admin/login/", data)


def test_a_lockout_behind_the_proxy_locks_only_that_visitors_address(
    settings, staff_with_device, caplog
):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    caplog.set_level(logging.INFO, logger="clinic.security")
    guesser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")

    for attempt in range(5):
        sign_in(guesser, f"wrong-{attempt}")
    assert sign_in(guesser, PASSWORD, code(staff_with_device)).status_code == 429

    assert sign_in(colleague, PASSWORD, code(staff_with_device)).status_code == 302
    from axes.models import AccessAttempt, AccessLog

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    assert set(AccessLog.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    messages = [r.getMessage() for r in caplog.records if r.name == "clinic.security"]
    assert "login failed username=reception ip=203.0.113.66" in messages
    assert "login succeeded username=reception ip=198.51.100.7" in messages
    assert not any(PROXY in message for message in messages)
