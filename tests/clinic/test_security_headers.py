"""Security headers on representative pages, scored like Mozilla's HTTP Observatory.

The suite's settings are the real production branch of clinic/settings.py (DEBUG
off: __Host- cookies, Secure, HSTS, CSP); the HTTPS redirect, which tests/settings.py
switches off for the rest of the suite, is switched back on here. The production
values themselves are asserted in a subprocess in test_deploy_check.py.
"""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.factories import TOTPDeviceFactory

HOST = "clinic.example"
PAGES = {
    "home": "/en/",
    "treatment list": "/en/treatments/",
    "contact": "/en/contact/",
    "404": "/en/no-such-page/",
    "admin login": "/admin/login/",
}
SIX_MONTHS = 15_768_000
ONE_YEAR = 31_536_000


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = [HOST]
    return settings


# --- parsing ---------------------------------------------------------------


class InvalidHeader(ValueError):
    pass


def parse_csp(value: str) -> dict[str, list[str]]:
    """``default-src 'self'; img-src 'self' data:`` -> {directive: [sources]}.

    Raises InvalidHeader for a repeated directive (browsers ignore the repeat,
    Observatory calls the header invalid)."""
    policy: dict[str, list[str]] = {}
    for part in value.split(";"):
        tokens = part.split()
        if not tokens:
            continue
        name, *sources = tokens
        name = name.lower()
        if name in policy:
            raise InvalidHeader(f"directive {name} appears twice")
        policy[name] = [s.lower() if s.startswith("'") else s for s in sources]
    return policy


def parse_hsts(value: str) -> dict[str, str | bool]:
    result: dict[str, str | bool] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, val = part.partition("=")
        result[key.strip().lower()] = val.strip().strip('"') if val else True
    return result


def set_cookies(response) -> list[dict]:
    """Every Set-Cookie of a response as {name, secure, httponly, samesite, path, domain}."""
    cookies = []
    for morsel in response.cookies.values():
        if morsel["max-age"] == 0 or morsel.value == "" and morsel["expires"]:
            continue  # a deletion
        cookies.append(
            {
                "name": morsel.key,
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
                "path": morsel["path"],
                "domain": morsel["domain"],
            }
        )
    return cookies


# --- Observatory-style scoring -------------------------------------------------
#
# Modifiers from Mozilla HTTP Observatory's scoring table. Only negative modifiers
# count towards the penalty total; bonuses are listed for information.

UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "data:", "*", "http:", "https:"}
SESSION_COOKIE = re.compile(r"(^|[-_])(sess(ion)?(id)?|sid)$", re.IGNORECASE)
CSRF_COOKIE = re.compile(r"csrf|xsrf", re.IGNORECASE)
SAFE_REFERRER = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRER = {"unsafe-url", "origin", "origin-when-cross-origin"}


def score_csp(headers) -> list[tuple[str, int]]:
    value = headers.get("Content-Security-Policy")
    if not value:
        return [("csp-not-implemented", -25)]
    try:
        csp = parse_csp(value)
    except InvalidHeader:
        return [("csp-header-invalid", -25)]
    found = []
    if "default-src" not in csp:
        found.append(("csp-without-default-src", -20))
    script = csp.get("script-src", csp.get("default-src"))
    if script is None:
        found.append(("csp-implemented-with-unsafe-inline (scripts unrestricted)", -20))
    else:
        uses_nonce_or_hash = any(s.startswith(("'nonce-", "'sha")) for s in script)
        if UNSAFE_SCRIPT_SOURCES & set(script) and not (
            "'unsafe-inline'" in script and uses_nonce_or_hash and len(script) > 0
        ):
            found.append(("csp-implemented-with-unsafe-inline", -20))
        if "'unsafe-eval'" in script:
            found.append(("csp-implemented-with-unsafe-eval", -10))
    active = ("script-src", "style-src", "object-src", "default-src", "connect-src", "font-src")
    if any(s.startswith("http:") for d in active for s in csp.get(d, [])):
        found.append(("csp-implemented-with-insecure-scheme", -20))
    passive = ("img-src", "media-src")
    if any(s.startswith("http:") for d in passive for s in csp.get(d, [])):
        found.append(("csp-implemented-with-insecure-scheme-in-passive-content-only", -10))
    if csp.get("object-src", csp.get("default-src")) != ["'none'"]:
        found.append(("csp-object-src-not-none", -20))
    if "frame-ancestors" not in csp:
        found.append(("csp-without-frame-ancestors", -20))
    return found


def score_cookies(cookies, hsts: bool) -> list[tuple[str, int]]:
    found = []
    for cookie in cookies:
        is_session = bool(SESSION_COOKIE.search(cookie["name"].removeprefix("__Host-")))
        is_csrf = bool(CSRF_COOKIE.search(cookie["name"]))
        if not cookie["secure"]:
            if is_session:
                found.append(
                    (
                        "cookies-session-without-secure-flag" + ("-but-protected-by-hsts" * hsts),
                        -10 if hsts else -40,
                    )
                )
            else:
                found.append(
                    (
                        "cookies-without-secure-flag" + ("-but-protected-by-hsts" * hsts),
                        -5 if hsts else -20,
                    )
                )
        if is_session and not cookie["httponly"]:
            found.append(("cookies-session-without-httponly-flag", -30))
        samesite = (cookie["samesite"] or "").lower()
        if samesite and samesite not in {"lax", "strict", "none"}:
            found.append(("cookies-samesite-flag-invalid", -20))
        elif not samesite or (samesite == "none" and not cookie["secure"]):
            found.append(
                (
                    "cookies-anticsrf-without-samesite-flag"
                    if is_csrf
                    else "cookies-without-samesite-flag",
                    -20,
                )
            )
        if cookie["name"].startswith("__Host-") and (
            not cookie["secure"] or cookie["path"] != "/" or cookie["domain"]
        ):
            found.append(("cookies-host-prefix-invalid", -20))
    return found


def score_hsts(headers) -> list[tuple[str, int]]:
    value = headers.get("Strict-Transport-Security")
    if not value:
        return [("hsts-not-implemented", -20)]
    hsts = parse_hsts(value)
    try:
        max_age = int(hsts["max-age"])
    except (KeyError, ValueError):
        return [("hsts-header-invalid", -20)]
    if max_age < SIX_MONTHS:
        return [("hsts-implemented-max-age-less-than-six-months", -10)]
    return []


def score_simple_headers(headers) -> list[tuple[str, int]]:
    found = []
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        found.append(("x-content-type-options-not-implemented", -5))
    csp = headers.get("Content-Security-Policy", "")
    via_csp = "frame-ancestors" in csp.lower()
    xfo = headers.get("X-Frame-Options", "").upper()
    if not via_csp and xfo not in {"DENY", "SAMEORIGIN"}:
        found.append(("x-frame-options-not-implemented", -20))
    referrer = headers.get("Referrer-Policy")
    if referrer is not None:
        values = [v.strip().lower() for v in referrer.split(",") if v.strip()]
        if not values or values[-1] in UNSAFE_REFERRER:
            found.append(("referrer-policy-unsafe", -5))
        elif values[-1] not in SAFE_REFERRER | {"no-referrer-when-downgrade"}:
            found.append(("referrer-policy-header-invalid", -5))
    if headers.get("Access-Control-Allow-Origin", "").strip() == "*":
        found.append(("cross-origin-resource-sharing-implemented-with-universal-access", -50))
    return found


def score_sri(html: str) -> list[tuple[str, int]]:
    """External scripts must carry integrity= (ours are all same-origin)."""
    found = []
    for tag in re.findall(r"<script\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>", html, re.I):
        host = urlsplit(tag).netloc
        if host and host != HOST:
            found.append(("sri-not-implemented-but-external-scripts-loaded-securely", -5))
    return found


def bonuses(headers) -> list[str]:
    result = []
    if "frame-ancestors" in headers.get("Content-Security-Policy", ""):
        result.append("x-frame-options-implemented-via-csp (+5)")
    if headers.get("Referrer-Policy", "").strip().lower() in SAFE_REFERRER:
        result.append("referrer-policy-private (+5)")
    if headers.get("Cross-Origin-Opener-Policy") == "same-origin":
        result.append("cross-origin-opener-policy-same-origin (bonus)")
    if headers.get("Cross-Origin-Resource-Policy") in {"same-origin", "same-site"}:
        result.append("cross-origin-resource-policy (bonus)")
    return result


def observatory_penalties(response, redirect_response) -> list[tuple[str, int]]:
    headers = response.headers
    hsts = bool(headers.get("Strict-Transport-Security"))
    found = []
    found += score_csp(headers)
    found += score_cookies(set_cookies(response), hsts)
    found += score_hsts(headers)
    found += score_simple_headers(headers)
    if "html" in headers.get("Content-Type", ""):
        found += score_sri(response.content.decode())
    location = redirect_response.headers.get("Location", "")
    if redirect_response.status_code not in {301, 302, 307, 308}:
        found.append(("redirection-missing", -20))
    elif not location.startswith(f"https://{HOST}/"):
        found.append(("redirection-not-to-https-on-same-host", -20))
    return found


# --- tests ------------------------------------------------------------------


def fetch(client, path):
    return client.get(path, secure=True, HTTP_HOST=HOST)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_every_header_on_representative_pages(client, production, path):
    response = fetch(client, path)
    assert response.status_code == (404 if path == PAGES["404"] else 200)

    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert set(csp["img-src"]) == {"'self'", "data:"}
    assert csp["font-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] in (["'none'"], ["'self'"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for sources in csp.values():
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources

    hsts = parse_hsts(response["Strict-Transport-Security"])
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert hsts.get("includesubdomains") is True
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation"):
        assert permissions[feature] == "()"
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_plain_http_is_redirected_to_https(client, production, path):
    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}{path}"


@pytest.mark.django_db
def test_cookies_are_host_prefixed_secure_httponly_samesite(client, production, admin_user):
    from django_otp.oath import totp

    # The admin login form sets the CSRF cookie ...
    response = fetch(client, "/admin/login/")
    cookies = {c["name"]: c for c in set_cookies(response)}
    csrf = cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    assert csrf["path"] == "/" and not csrf["domain"]

    # ... and a successful two-factor login sets the session cookie.
    device = TOTPDeviceFactory(user=admin_user)
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post(
        "/admin/login/",
        {
            "username": admin_user.username,
            "password": "password",
            "otp_token": f"{token:0{device.digits}d}",
            "next": "/admin/",
        },
        secure=True,
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302, re.findall(
        r"errornote[^<]*<[^>]*>[^<]*|errorlist.*", response.content.decode()
    )
    cookies = {c["name"]: c for c in set_cookies(response)}
    session = cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]
    assert score_cookies(cookies.values(), hsts=True) == []
    assert "sessionid" not in cookies and "csrftoken" not in cookies


@pytest.mark.django_db
def test_observatory_penalty_total_is_zero(client, production):
    report = {}
    total = 0
    for name, path in PAGES.items():
        response = fetch(client, path)
        redirect = client.get(path, HTTP_HOST=HOST)
        penalties = observatory_penalties(response, redirect)
        report[name] = (penalties, bonuses(response.headers))
        total += sum(points for _test, points in penalties)
    assert total == 0, report
    for _penalties, found_bonuses in report.values():
        assert "x-frame-options-implemented-via-csp (+5)" in found_bonuses
        assert "referrer-policy-private (+5)" in found_bonuses


def test_scorer_catches_the_problems_it_is_meant_to():
    """The scorer is not vacuous: a weak response collects the expected penalties."""

    class Fake:
        def __init__(self, headers, status=200):
            self.headers = headers
            self.status_code = status
            self.cookies = SimpleCookie()
            self.content = b"<script src='https://cdn.example/x.js'></script>"

    weak = Fake(
        {
            "Content-Type": "text/html",
            "Content-Security-Policy": "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "Strict-Transport-Security": "max-age=300",
            "Referrer-Policy": "unsafe-url",
            "Access-Control-Allow-Origin": "*",
        }
    )
    weak.cookies["sessionid"] = "x"
    weak.cookies["csrftoken"] = "y"
    names = {name for name, _ in observatory_penalties(weak, Fake({}, status=200))}
    assert {
        "csp-without-default-src",
        "csp-implemented-with-unsafe-inline",
        "csp-implemented-with-unsafe-eval",
        "csp-object-src-not-none",
        "csp-without-frame-ancestors",
        "hsts-implemented-max-age-less-than-six-months",
        "x-content-type-options-not-implemented",
        "x-frame-options-not-implemented",
        "referrer-policy-unsafe",
        "cross-origin-resource-sharing-implemented-with-universal-access",
        "cookies-session-without-secure-flag-but-protected-by-hsts",
        "cookies-session-without-httponly-flag",
        "cookies-anticsrf-without-samesite-flag",
        "sri-not-implemented-but-external-scripts-loaded-securely",
        "redirection-missing",
    } <= names
    assert score_csp({}) == [("csp-not-implemented", -25)]
    assert score_hsts({}) == [("hsts-not-implemented", -20)]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/book/", "/admin/login/"])
def test_pages_with_patient_data_are_never_stored(client, production, path):
    response = fetch(client, path)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "no-store" in directives
    assert "private" in directives


@pytest.mark.django_db
def test_public_pages_are_not_forced_no_store(client, production):
    response = fetch(client, reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=[\"']", re.I)


def assert_csp_safe_html(html: str, where: str):
    """Nothing in the page that `script-src 'self'; style-src 'self'` would block."""
    assert not INLINE_SCRIPT.search(html), f"inline <script> on {where}"
    assert not INLINE_HANDLER.search(html), f"inline event handler on {where}"
    assert not INLINE_STYLE.search(html), f"inline style on {where}"
    assert "javascript:" not in html.lower(), f"javascript: URL on {where}"


@pytest.mark.django_db
# ClinicProfile.map_url's admin form field warns about Django 6's https default
# (clinic/models.py or clinic/admin.py should pass assume_scheme="https").
@pytest.mark.filterwarnings("ignore:The default scheme will be changed:DeprecationWarning")
def test_admin_works_under_the_csp(admin_client, production):
    """Index, every changelist, every add form and a change form all render without
    anything the policy would block."""
    from django.contrib import admin

    from clinic.models import ClinicProfile

    ClinicProfile.load()
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(type("R", (), {"user": _superuser()})()):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    for page in pages:
        response = admin_client.get(page, secure=True, HTTP_HOST=HOST)
        assert response.status_code == 200, page
        assert "Content-Security-Policy" in response
        assert "no-store" in response["Cache-Control"], page
        assert_csp_safe_html(response.content.decode(), page)


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).first()


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_public_pages_need_nothing_the_csp_blocks(client, production, path):
    response = fetch(client, path)
    assert_csp_safe_html(response.content.decode(), path)
