"""Django's deployment checklist is clean with production environment variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

# Variables a real deployment sets; nothing else from the developer's shell leaks in.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "clinic.example",
    "SITE_URL": "https://clinic.example",
    "DJANGO_SETTINGS_MODULE": "clinic.settings",
}


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(PRODUCTION_ENV)
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    env["FIELD_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    env["DATABASE_URL"] = "postgres://clinic@127.0.0.1:5432/clinic"
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper(), output
    assert "System check identified no issues" in output, output


def test_check_deploy_is_clean_behind_a_proxy_too():
    env = production_env(SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="1")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    # The proxy does the redirect; Django's W008 reminder about it is the one expected note.
    output = result.stdout + result.stderr
    assert "security.W008" in output
    other = [line for line in output.splitlines() if "security.W" in line and "W008" not in line]
    assert not other, output


def test_hsts_preload_is_opt_in():
    env = production_env(SECURE_HSTS_PRELOAD="1")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def production_settings(**extra):
    """The real clinic.settings values under production environment variables."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ["
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE',"
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE',"
        "'CSRF_COOKIE_SAMESITE', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF',"
        "'SECURE_REFERRER_POLICY', 'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'SESSION_COOKIE_AGE',"
        "'SESSION_SAVE_EVERY_REQUEST', 'SECURE_PROXY_SSL_HEADER', 'MIDDLEWARE',"
        "'AUTHENTICATION_BACKENDS', 'AXES_FAILURE_LIMIT', 'AXES_ENABLED']}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_branch_of_the_real_settings():
    s = production_settings()
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is False
    assert s["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert s["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["SECURE_REFERRER_POLICY"] in {"same-origin", "strict-origin-when-cross-origin"}
    assert s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert s["SESSION_COOKIE_AGE"] == 1800
    assert "clinic.middleware.IdleSessionMiddleware" in s["MIDDLEWARE"]
    assert s["SECURE_PROXY_SSL_HEADER"] is None
    assert s["AXES_ENABLED"] is True
    assert s["AXES_FAILURE_LIMIT"] == 5
    assert s["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    middleware = s["MIDDLEWARE"]
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert middleware.index("django_otp.middleware.OTPMiddleware") > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
    assert "csp.middleware.CSPMiddleware" in middleware


def test_proxy_switches():
    s = production_settings(SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="1")
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
