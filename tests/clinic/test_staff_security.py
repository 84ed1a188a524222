"""Staff accounts: lockout, two-factor login, TOTP enrolment, idle expiry, security log."""

import datetime as dt
import logging
import re
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.client_address import client_ip
from tests.factories import TOTPDeviceFactory

PASSWORD = "a-long-staff-passphrase-42"
LOGIN = "/admin/login/"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "reception", "reception@clinic.example", PASSWORD, is_staff=True
    )


@pytest.fixture
def device(staff):
    return TOTPDeviceFactory(user=staff)


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings


def current_token(device) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def post_login(client, username, password, token="", ip="203.0.113.7"):
    data = {"username": username, "password": password, "otp_token": token, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=ip)


# --- lockout (django-axes) ---------------------------------------------------


def test_five_failures_lock_the_account_for_an_hour(client, staff, device, axes_on):
    for attempt in range(1, 5):
        response = post_login(client, "reception", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert b"errornote" in response.content
    response = post_login(client, "reception", "wrong-5")
    assert response.status_code in {200, 429}

    # The sixth attempt, with the right password and code, is refused.
    response = post_login(client, "reception", PASSWORD, current_token(device))
    assert response.status_code == 429
    text = response.content.decode()
    assert "Account locked: too many failed sign-in attempts." in text
    assert "60 minutes" in text
    assert response["Retry-After"] == "3600"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302

    # Keyed on username + IP: the same person from another network is not blocked,
    # and neither is another account from the same network.
    other = get_user_model().objects.create_user("clinician", password=PASSWORD, is_staff=True)
    other_device = TOTPDeviceFactory(user=other)
    response = post_login(client, "clinician", PASSWORD, current_token(other_device))
    assert response.status_code == 302


def test_lockout_settings():
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME.total_seconds() == 3600
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_lockout_is_per_ip(client, staff, device, axes_on):
    for attempt in range(5):
        post_login(client, "reception", f"wrong-{attempt}", ip="198.51.100.1")
    assert post_login(client, "reception", PASSWORD, ip="198.51.100.1").status_code == 429
    response = post_login(client, "reception", PASSWORD, current_token(device), ip="192.0.2.9")
    assert response.status_code == 302


# --- two-factor login (django-otp) -----------------------------------------------


def test_staff_without_otp_device_cannot_reach_the_admin(client, staff):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_alone_is_not_enough(client, staff, device):
    response = post_login(client, "reception", PASSWORD)
    assert response.status_code == 200
    assert "Please enter your OTP token." in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_superuser_without_device_is_also_refused(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302


def test_wrong_code_is_refused(client, staff, device):
    good = current_token(device)
    bad = f"{(int(good) + 1) % 10**6:06d}"
    response = post_login(client, "reception", PASSWORD, bad)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_password_and_totp_code_let_staff_in(client, staff, device):
    response = post_login(client, "reception", PASSWORD, current_token(device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_cannot_be_used_twice(client, staff, device):
    token = current_token(device)
    assert post_login(client, "reception", PASSWORD, token).status_code == 302
    client.logout()
    assert post_login(client, "reception", PASSWORD, token).status_code == 200


def test_admin_client_fixture_is_verified(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_otp_login_fixture_for_any_staff_user(client, staff, otp_login):
    assert otp_login(client, staff).get("/admin/").status_code == 200


def test_admin_keeps_its_usual_namespace():
    from django.contrib import admin
    from django.urls import reverse

    assert admin.site.name == "admin"
    assert reverse("admin:index") == "/admin/"


# --- enrol_totp command ------------------------------------------------------------


def test_enrol_totp_creates_a_device_and_prints_the_url_and_qr(staff):
    out = StringIO()
    call_command("enrol_totp", "reception", stdout=out)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    text = out.getvalue()
    url = re.search(r"otpauth://totp/\S+", text).group(0)
    assert url == device.config_url
    assert "reception" in url
    assert "█" in text or "▀" in text  # the terminal QR code


def test_enrolled_device_lets_the_user_log_in(client, staff):
    call_command("enrol_totp", "reception", stdout=StringIO())
    device = TOTPDevice.objects.get(user=staff)
    assert post_login(client, "reception", PASSWORD, current_token(device)).status_code == 302


def test_enrol_totp_refuses_unknown_user_and_second_device(staff):
    with pytest.raises(CommandError, match="No user"):
        call_command("enrol_totp", "nobody", stdout=StringIO())
    call_command("enrol_totp", "reception", stdout=StringIO())
    first = TOTPDevice.objects.get(user=staff)
    with pytest.raises(CommandError, match="--replace"):
        call_command("enrol_totp", "reception", stdout=StringIO())
    call_command("enrol_totp", "reception", "--replace", "--no-qr", stdout=StringIO())
    second = TOTPDevice.objects.get(user=staff)
    assert second.pk != first.pk and second.key != first.key


# --- sessions ------------------------------------------------------------------------


def test_sessions_expire_after_thirty_idle_minutes(admin_client):
    assert django_settings.SESSION_COOKIE_AGE == 1800
    admin_client.get("/admin/")
    assert 1790 <= admin_client.session.get_expiry_age() <= 1800


def test_activity_pushes_the_expiry_forward_at_most_once_a_minute(admin_client, clock):
    from django.contrib.sessions.models import Session

    admin_client.get("/admin/")
    key = admin_client.session.session_key
    first = Session.objects.get(session_key=key).expire_date

    clock.shift(dt.timedelta(seconds=30))
    admin_client.get("/admin/")  # within the minute: no write (a write would move it 30 s)
    assert Session.objects.get(session_key=key).expire_date == first

    clock.shift(dt.timedelta(seconds=31))
    admin_client.get("/admin/")
    assert Session.objects.get(session_key=key).expire_date > first


def test_argon2_is_the_production_hasher():
    from clinic import settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    names = [v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS]
    assert "MinimumLengthValidator" in names and "CommonPasswordValidator" in names


# --- security log ----------------------------------------------------------------------


def test_logins_failures_and_logouts_are_logged_without_passwords(
    client, staff, device, caplog, axes_on
):
    caplog.set_level(logging.INFO, logger="clinic.security")
    post_login(client, "reception", "the-wrong-secret-123")
    post_login(client, "reception", PASSWORD, current_token(device))
    client.post("/admin/logout/")

    records = [r for r in caplog.records if r.name == "clinic.security"]
    messages = [r.getMessage() for r in records]
    assert any(m.startswith("login failed username=reception ip=203.0.113.7") for m in messages)
    assert any(m.startswith("login succeeded username=reception ip=203.0.113.7") for m in messages)
    assert any(m.startswith("logout username=reception") for m in messages)
    everything = caplog.text
    assert "the-wrong-secret-123" not in everything
    assert PASSWORD not in everything


def test_rejected_codes_and_lockouts_are_logged(client, staff, device, caplog, axes_on):
    caplog.set_level(logging.INFO, logger="clinic.security")
    post_login(
        client, "reception", PASSWORD, "000000" if current_token(device) != "000000" else "1"
    )
    for attempt in range(6):
        post_login(client, "reception", f"wrong-{attempt}")
    messages = [r.getMessage() for r in caplog.records if r.name == "clinic.security"]
    assert "two-factor code rejected username=reception" in messages
    assert any(m.startswith("login locked out username=reception") for m in messages)


def test_log_lines_cannot_be_forged(db, client, caplog):
    caplog.set_level(logging.INFO, logger="clinic.security")
    post_login(client, "evil\nlogin succeeded username=manager", "x")
    messages = [r.getMessage() for r in caplog.records if r.name == "clinic.security"]
    assert messages and all("\n" not in m for m in messages)


# --- client IP behind proxies --------------------------------------------------------


def test_client_ip_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"


# --- where a sign-in lands ------------------------------------------------------------------


def test_a_rejected_next_after_sign_in_lands_on_the_admin_index(client, staff, device):
    data = {
        "username": "reception",
        "password": PASSWORD,
        "otp_token": current_token(device),
        "next": "https://evil.example/",
    }

    response = client.post(LOGIN, data, follow=True)

    assert response.redirect_chain == [("/admin/", 302)]
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/admin/"


def test_a_safe_next_after_sign_in_is_followed(client, staff, device):
    data = {
        "username": "reception",
        "password": PASSWORD,
        "otp_token": current_token(device),
        "next": "/admin/password_change/",
    }

    response = client.post(LOGIN, data)

    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/"
