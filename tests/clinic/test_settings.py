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


# What the site reads; the test run sets some of these itself (tests/settings.py).
SITE_VARIABLES = {
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "FIELD_ENCRYPTION_KEYS",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "EMAIL_HOST",
}
FERNET_KEY = "k9ZyhI0Ye8vTg3H6dp6VnE3cSRx3C8O1Gf9v0bWmXkM="
PRODUCTION_DATABASE = "postgres://clinic:secret@db.internal:5433/clinic_prod"


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `command` in the project with only `env` of the site's variables set."""
    environment = {k: v for k, v in os.environ.items() if k not in SITE_VARIABLES}
    environment.update(env)
    return subprocess.run(
        command,
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter whose environment holds only `env` for the site."""
    return run([sys.executable, "-c", code], env)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py ARGS` as a cron line or a worker would start it."""
    return run([sys.executable, "manage.py", *args], env)


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_settings(SETUP, DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_in_production_with_its_variables():
    result = run_settings(
        SETUP + "; print('ok')",
        DEBUG="0",
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        DATABASE_URL=PRODUCTION_DATABASE,
    )

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
        DEBUG="0",
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        DATABASE_URL=PRODUCTION_DATABASE,
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


# --- Production never falls back to development defaults (issue 8, item 6) ---------------

PRINT_CHOICES = (
    SETUP + "; import json; from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'NAME': s.DATABASES['default']['NAME'], "
    "'HOST': s.DATABASES['default']['HOST'], 'SECRET_KEY': s.SECRET_KEY, "
    "'FIELD_ENCRYPTION_KEYS': s.FIELD_ENCRYPTION_KEYS}))"
)


def test_a_command_without_any_configuration_tells_the_developer_what_to_do():
    result = run_manage("check")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert "DEBUG is not set, so this process uses the production settings." in message
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL"):
        assert f"{name} is not set" in message
    assert "`make run` / `make test`" in message
    assert "DEBUG=1 .venv/bin/python manage.py createsuperuser" in message


def test_a_cron_job_with_the_database_but_no_debug_demands_the_real_keys():
    result = run_manage("migrate", DATABASE_URL=PRODUCTION_DATABASE)

    assert result.returncode == 1
    assert "DEBUG is not set, so this process uses the production settings." in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr
    assert "DATABASE_URL is not set" not in result.stderr


def test_without_debug_the_production_database_and_keys_are_used():
    result = run_settings(
        PRINT_CHOICES,
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        DATABASE_URL=PRODUCTION_DATABASE,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "NAME": "clinic_prod",
        "HOST": "db.internal",
        "SECRET_KEY": "s" * 50,
        "FIELD_ENCRYPTION_KEYS": [FERNET_KEY],
    }


def test_production_without_a_database_url_refuses_rather_than_use_sqlite():
    result = run_manage("check", DEBUG="0", SECRET_KEY="s" * 50, FIELD_ENCRYPTION_KEYS=FERNET_KEY)

    assert result.returncode == 1
    assert "DEBUG is off, so this process uses the production settings." in result.stderr
    assert "DATABASE_URL is not set" in result.stderr
    assert "SECRET_KEY is not set" not in result.stderr


def test_a_blank_list_of_keys_counts_as_missing():
    result = run_settings(
        SETUP,
        DEBUG="0",
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=" , ",
        DATABASE_URL=PRODUCTION_DATABASE,
    )

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_the_web_server_refuses_the_same_way():
    result = run_settings("import clinic.wsgi", DATABASE_URL=PRODUCTION_DATABASE)

    assert result.returncode != 0
    assert "DEBUG is not set, so this process uses the production settings." in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_uses_development_keys_with_a_database_on_this_machine():
    result = run_settings(
        PRINT_CHOICES, DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/clinic"
    )

    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    assert chosen["DEBUG"] is True
    assert chosen["SECRET_KEY"].startswith("django-insecure-development-only")
    assert chosen["FIELD_ENCRYPTION_KEYS"] != [FERNET_KEY]


def test_debug_with_another_machines_database_refuses_development_keys():
    result = run_manage("check", DEBUG="1", DATABASE_URL=PRODUCTION_DATABASE)

    assert result.returncode == 1
    assert "DEBUG=1 with a database on another machine (db.internal)" in result.stderr
    assert "SECRET_KEY and FIELD_ENCRYPTION_KEYS must come from the environment" in result.stderr


def test_debug_with_another_machines_database_and_its_keys_starts_with_a_warning():
    result = run_manage(
        "check",
        DEBUG="1",
        DATABASE_URL=PRODUCTION_DATABASE,
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
    )

    assert result.returncode == 0, result.stderr
    assert "(clinic.W001) DEBUG is on while the database is on another machine" in result.stderr


def test_debug_on_a_developers_machine_gives_no_warning():
    result = run_manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "clinic.W001" not in result.stdout + result.stderr


def test_a_command_that_only_reads_the_code_runs_without_configuration_and_says_so():
    result = run_manage("makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert "makemigrations reads only the code: development settings." in result.stderr
