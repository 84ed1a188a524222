"""Settings for the clinic site.

Every value that differs between a laptop and production comes from an
environment variable, read through the small helpers below. Without `DEBUG`
the production settings apply, and they need `SECRET_KEY`,
`FIELD_ENCRYPTION_KEYS` and `DATABASE_URL`: a process started without them
stops with a message saying so, rather than quietly using a development
database or keys. Development defaults come from `DEBUG=1`, which the Makefile
sets. The README lists every variable.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Production unless DEBUG=1 says otherwise: a cron line or worker that forgets the
# variable must not end up on a development database with development keys.
DEBUG = env_bool("DEBUG", False)

# What production cannot do without, and how to make each.
PRODUCTION_VARIABLES = {
    "SECRET_KEY": "a long random value: python -c 'import secrets; "
    "print(secrets.token_urlsafe(50))'",
    "FIELD_ENCRYPTION_KEYS": "the Fernet keys that encrypt health data at rest; a new one: "
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
    "DATABASE_URL": "the production database, e.g. postgres://user:password@host:5432/clinic",
}


def missing_production_variables_message(missing: list[str], debug_set: bool) -> str:
    """Why this process refuses to start, and what to do on a server or a laptop."""
    lines = [
        "DEBUG is off, so this process uses the production settings."
        if debug_set
        else "DEBUG is not set, so this process uses the production settings.",
        *(f"  {name} is not set: {PRODUCTION_VARIABLES[name]}." for name in missing),
        "In production, give every process (web server, worker, cron jobs, manage.py "
        "commands) the same environment: DEBUG=0, SECRET_KEY, FIELD_ENCRYPTION_KEYS and "
        "DATABASE_URL (see README, 'Deploying').",
        "On a developer's machine, use `make run` / `make test`, or put DEBUG=1 before the "
        "command, e.g. DEBUG=1 .venv/bin/python manage.py createsuperuser.",
    ]
    return "\n".join(lines)


if not DEBUG:
    # Blank counts as missing (", " too: it is an empty list of keys).
    _missing = [name for name in PRODUCTION_VARIABLES if not env_list(name, [])]
    if _missing:
        raise ImproperlyConfigured(
            missing_production_variables_message(_missing, debug_set="DEBUG" in os.environ)
        )

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, used in emails and canonical URLs when there is no request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin: its translation tabs (README, "Languages").
    "modeltranslation",
    "clinic.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "clinic.apps.SignInLockoutsConfig",  # django-axes
    "django_otp",
    "clinic.apps.TwoFactorConfig",  # django_otp.plugins.otp_totp
    "django_tasks",
    "clinic.apps.BackgroundTasksConfig",  # django_tasks_db
    "clinic",
    "treatments",
    "booking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz answers here, before sessions, CSRF, locale and the host check.
    "clinic.health.HealthMiddleware",
    # Header middleware sits above WhiteNoise so static files get the headers too.
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    "clinic.middleware.NoStoreMiddleware",
    # Before anything reads the query string; inside the header middleware, so the 400
    # page gets the security headers too.
    "clinic.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session middleware, so the expiry it pushes forward is saved.
    "clinic.middleware.IdleSessionMiddleware",
    # Django's place for it: after sessions, before CommonMiddleware. It takes the language
    # from the /es/ or /en/ prefix, and sends an address without one to the visitor's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.middleware.ClinicTimezoneMiddleware",
    # django-axes wants to be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# Database: PostgreSQL in CI and production (DATABASE_URL, required without DEBUG);
# a SQLite file for development.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so the overlap check and
    # the insert that follows it cannot interleave with another writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (required with several app servers), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its client and carrying on without Redis
            # (see clinic/redis_cache.py).
            "BACKEND": "clinic.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "clinic"),
            "OPTIONS": {
                # Without Redis the site carries on from the database (README, "When Redis
                # is down"): a Redis that does not answer costs at most this long...
                "socket_connect_timeout": env_float("REDIS_TIMEOUT", 0.5),
                "socket_timeout": env_float("REDIS_TIMEOUT", 0.5),
                # ...and then is left alone this many seconds before the next try.
                "RETRY_AFTER": env_float("REDIS_RETRY_AFTER", 5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django's cached_db, read with the request's first round trip to Redis (clinic/sessions.py).
SESSION_ENGINE = "clinic.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/IP pair is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Staff sign in only through the admin: a login without a usable ?next= (missing, or
# refused as pointing off the site) lands on the admin index, not Django's
# /accounts/profile/ (which does not exist here).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Internationalisation (README, "Languages"). Spanish first: most patients read it first;
# many others cross from the United States and read English. Public pages, the booking
# flow and the manage links live under /es/ and /en/ (clinic/urls.py); a first visit to
# an address without a prefix goes to the language the visitor chose before (the
# language cookie), else the one their browser asks for, else Spanish.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The explicit choice (the switch on every page posts to set_language) is remembered a year.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Database text in both languages (django-modeltranslation: one column per language).
# The content was written in English first, so English is the language every text has
# and the one a missing Spanish text falls back to (marked lang="en" where shown:
# clinic/templatetags/clinic_i18n.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "en": ("es",)}
USE_I18N = True
USE_TZ = True
# The clinic is in Tijuana. Times are stored in UTC and shown in this zone.
TIME_ZONE = "America/Tijuana"

# Static files: hashed, compressed, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Let Django serve uploaded media itself (single-server deployments); otherwise the
# proxy or an object-storage backend serves MEDIA_URL.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# Uploads: refuse anything big before Pillow ever sees it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_IMAGE_UPLOAD_BYTES = env_int("MAX_IMAGE_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000)

# Widgets render with the project's templates too (templates/booking/widgets/); plain
# inputs are written in Python, the same markup (clinic/form_renderer.py).
FORM_RENDERER = "clinic.form_renderer.Renderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
# How long a worker that took an email for sending keeps it before another may assume it
# died mid-send and try again (booking/emails.py). Far longer than a send can take.
EMAIL_SEND_LEASE = env_int("EMAIL_SEND_LEASE", 10 * 60)
if EMAIL_HOST and EMAIL_SEND_LEASE < 4 * EMAIL_TIMEOUT:
    # smtplib waits up to EMAIL_TIMEOUT for each reply of a conversation: a lease shorter
    # than a slow send would let a second worker send the same email again.
    raise ImproperlyConfigured(
        f"EMAIL_SEND_LEASE ({EMAIL_SEND_LEASE} s) must be at least four times EMAIL_TIMEOUT "
        f"({EMAIL_TIMEOUT} s)."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Clinic <bookings@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Admin", addr) for addr in env_list("ADMINS", [])]

# Background work: django-tasks (the backport of Django 6's tasks framework) with its
# database backend. Requests only record what to send; `manage.py db_worker` sends it
# (booking/emails.py; README "Deploying"). tests/settings.py runs tasks in-process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies never reach the logs; only the status line does.
        "django.request": {"level": "ERROR"},
        # Logins, logouts, failures and lockouts: username and IP only (clinic/signals.py).
        "clinic.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Booking: how long the private manage link in emails keeps working (seconds).
MANAGE_LINK_MAX_AGE = env_int("MANAGE_LINK_MAX_AGE", 60 * 60 * 24 * 120)


# ---------------------------------------------------------------------------
# Security. Production (DEBUG off) is strict by default; development over plain
# http://127.0.0.1 keeps ordinary cookie names and no HTTPS redirect. `manage.py
# check --deploy` is clean with production settings (tests/clinic/test_deploy_check.py).
# ---------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF  # noqa: E402

# HTTPS. Behind a proxy that already redirects http->https, SECURE_SSL_REDIRECT=0.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health endpoint over plain HTTP (clinic/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
# Only when the proxy strips and sets X-Forwarded-Proto itself; otherwise any client
# could claim to be on HTTPS.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is a promise that is slow to undo (every subdomain, forever HTTPS), so it
# is an explicit opt-in. Without it, Django's security.W021 reminder is silenced on purpose.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the site never uses (clinic.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Cookies. `__Host-` names make the browser insist on Secure, Path=/ and no Domain.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions (staff and the booking flow alike) end after 30 idle minutes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # clinic.middleware.IdleSessionMiddleware

# Content Security Policy (django-csp 4). No inline script anywhere; JSON-LD blocks
# are data, not script, and are unaffected.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Responses under these paths show patient details or answers and must never be
# stored by a browser or proxy (clinic.middleware.NoStoreMiddleware). Matched after the
# language prefix: "/book/" covers /es/book/ and /en/book/ too.
NO_STORE_PATH_PREFIXES = ["/book/", "/admin/"]

# Staff logins: django-axes locks a username+IP pair after 5 failures for 1 hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clinic.admin_site.lockout_response"
AXES_ALLOWED_CORS_ORIGINS = SITE_URL
# The visitor's address comes from one function (clinic/client_address.py) for every
# feature: lockouts and axes' records, rate limits, hold caps, stored appointments, logs.
AXES_CLIENT_IP_CALLABLE = "clinic.client_address.client_ip"
# How many reverse proxies in front of gunicorn append to X-Forwarded-For. 0 (the
# default) trusts no header: REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)


# Two-factor login for the admin (django-otp, TOTP). See `manage.py enrol_totp`.
def _totp_issuer(device):
    from clinic.models import ClinicProfile

    return ClinicProfile.load().name


OTP_TOTP_ISSUER = _totp_issuer
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Retention (manage.py purge_patient_data, from cron): how long patient data is kept.
RETENTION_HEALTH_DATA_DAYS = env_int("RETENTION_HEALTH_DATA_DAYS", 365)
RETENTION_PATIENT_DETAILS_DAYS = env_int("RETENTION_PATIENT_DETAILS_DAYS", 3 * 365)
RETENTION_ABANDONED_HOURS = env_int("RETENTION_ABANDONED_HOURS", 24)
# Who is told of a patient's data request (a copy, deleting health answers); empty: the
# clinic profile's email.
PRIVACY_REQUESTS_EMAIL = os.environ.get("PRIVACY_REQUESTS_EMAIL", "")

# Rate limits (django-ratelimit) per client address. They count in the default cache:
# Redis in production (shared by every app server); local memory in development.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# The "ip" key counts per visitor as clinic/client_address.py decides it (proxies included).
RATELIMIT_IP_META_KEY = "clinic.client_address.rate_limit_address"
RATE_LIMITS = {
    # POSTs to the booking steps (answers, holds, details, confirmation)
    "booking": os.environ.get("RATE_LIMIT_BOOKING", "30/m"),
    # the private manage link: views, cancellations, reschedules
    "manage": os.environ.get("RATE_LIMIT_MANAGE", "30/m"),
    # staff sign-in attempts (django-axes also locks a username after 5 failures)
    "login": os.environ.get("RATE_LIMIT_LOGIN", "10/m"),
}
# While Redis is down nothing is counted and every request is let through (the cache
# backend logs that, once a minute); staff lockouts (django-axes) are in the database
# and keep working.
RATELIMIT_FAIL_OPEN = True
# Django's own Redis backend (clinic.redis_cache builds on it) increments atomically, as
# django-ratelimit needs; it does not know the subclass by name (W001).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.W001"]
if not REDIS_URL:
    # Local memory counts per process: fine for one development server only.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# /healthz (clinic/health.py): what it checks. The database is critical (503 when it
# does not answer); Redis and the email backlog only make it "degraded" (200).
HEALTH_CHECKS = {
    "database": "clinic.health.database",
    "redis": "clinic.health.redis",
    "email_backlog": "booking.health.email_backlog",
}
# Degraded when the oldest email to a patient has waited longer than this.
HEALTH_EMAIL_BACKLOG_MINUTES = env_int("HEALTH_EMAIL_BACKLOG_MINUTES", 30)

# Health data at rest (clinic/encryption.py): Fernet keys, newest first, comma-separated.
# Required in production; development derives a stable key from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])


def is_on_this_machine(database: Mapping[str, Any]) -> bool:
    """A SQLite file, or a server on the loopback or a Unix socket."""
    host = database.get("HOST") or ""
    return (
        database["ENGINE"] == "django.db.backends.sqlite3"
        or host in {"", "localhost", "127.0.0.1", "::1"}
        or host.startswith("/")
    )


# Development keys encrypt and sign only a developer's own data: with DEBUG=1 against a
# shared or production database they would write health data its site cannot read.
_development_keys = [
    name for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS") if not os.environ.get(name)
]
if DEBUG and _development_keys and not is_on_this_machine(DATABASES["default"]):
    raise ImproperlyConfigured(
        f"DEBUG=1 with a database on another machine ({DATABASES['default']['HOST']}): "
        f"{' and '.join(_development_keys)} must come from the environment, since the "
        "development keys would write data that site cannot read. Set the keys of that "
        "database's site, or point DATABASE_URL at a database on this machine."
    )
if not FIELD_ENCRYPTION_KEYS:
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# dumpdata/loaddata keep health data encrypted (clinic/serializers/): a dump holds the
# ciphertext and needs FIELD_ENCRYPTION_KEYS to be read, like the database itself.
SERIALIZATION_MODULES = {
    name: f"clinic.serializers.{name}" for name in ("json", "jsonl", "python", "xml", "yaml")
}
