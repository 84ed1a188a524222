"""clinic/settings.py, imported in a fresh interpreter with a chosen environment."""

import json
import os
import subprocess
import sys

from django.conf import settings

SETUP = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'clinic.settings'; django.setup()"
)
PRINT_DATABASE = (
    SETUP + "; import json; from django.conf import settings; "
    "print(json.dumps({k: settings.DATABASES['default'][k] "
    "for k in ('ENGINE', 'NAME', 'HOST', 'PORT', 'USER')}))"
)


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter whose environment holds only `env` for the site."""
    environment = {
        name: value
        for name, value in os.environ.items()
        # The test run itself sets some of these (tests/settings.py sets SECRET_KEY).
        if name not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_settings(SETUP, DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_in_production_with_a_secret_key():
    result = run_settings(SETUP + "; print('ok')", DEBUG="0", SECRET_KEY="s" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_it_starts_without_a_secret_key_in_development():
    result = run_settings(SETUP + "; print('ok')", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_it_rejects_a_boolean_it_cannot_read():
    result = run_settings(SETUP, DEBUG="maybe", SECRET_KEY="s" * 50)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be a boolean" in result.stderr
    assert "'maybe'" in result.stderr


def test_it_rejects_a_number_it_cannot_read():
    result = run_settings(SETUP, DEBUG="1", MAX_IMAGE_PIXELS="lots")

    assert result.returncode != 0
    assert "ImproperlyConfigured: MAX_IMAGE_PIXELS must be a whole number" in result.stderr


def test_database_url_selects_postgresql():
    result = run_settings(
        PRINT_DATABASE,
        DEBUG="1",
        DATABASE_URL="postgres://clinic:secret@db.internal:5433/clinic_prod",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "clinic_prod",
        "HOST": "db.internal",
        "PORT": 5433,
        "USER": "clinic",
    }


def test_the_database_is_a_sqlite_file_by_default():
    result = run_settings(PRINT_DATABASE, DEBUG="1")

    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(settings.BASE_DIR / "db.sqlite3")
