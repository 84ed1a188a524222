"""Settings for the test suite: the real settings, made fast and self-contained."""

import os
import tempfile
from pathlib import Path

# The suite runs the production settings (no DEBUG), which need these three.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "k9ZyhI0Ye8vTg3H6dp6VnE3cSRx3C8O1Gf9v0bWmXkM=")
os.environ.setdefault(
    "SECRET_KEY", "tests-only-secret-key-that-is-long-enough-to-be-fine-0123456789"
)
# SQLite unless the run names a database (make test-postgres); the test database itself
# is a file of its own (below).
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parent.parent / 'db.sqlite3'}"
)

from clinic.settings import *  # noqa: F403

# A test-only model with encrypted fields (tests/encryption_app/).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.encryption_app"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="clinic-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process the moment they are enqueued, so an email handed to the worker after
# a commit lands in mail.outbox at once. The worker itself (the database backend and
# `manage.py db_worker`) is exercised by tests/booking/test_email_worker.py and
# tests/faults/test_slow_mail.py.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SERVE_MEDIA = True
SITE_URL = "https://clinic.example"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: concurrency tests open one connection per thread, as a
    # real server would, and SQLite's in-memory shared cache locks differently.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="clinic-test-db-"), "test.sqlite3")
    }

# Security (clinic/settings.py). The suite runs the production branch (DEBUG off):
# __Host- cookie names, Secure cookies, HSTS, CSP, OTP on the admin. Only the HTTPS
# redirect is off, so plain test-client requests reach the views; tests that check
# it turn it back on (tests/clinic/test_security_headers.py).
SECURE_SSL_REDIRECT = False
# django-axes refuses authenticate() calls without a request (Client.login()).
# tests/clinic/test_staff_security.py switches it on to test the lockout.
AXES_ENABLED = False

# Persistent connections help a server, not tests: a thread's open connection would keep
# PostgreSQL from dropping the test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
