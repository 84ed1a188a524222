"""The email worker's settings (clinic/settings.py), read in a fresh interpreter."""

from tests.clinic.test_settings import SETUP, run_settings

PRINT_EMAIL = (
    SETUP + "; from django.conf import settings; "
    "print(settings.EMAIL_SEND_LEASE, settings.TASKS['default']['BACKEND'])"
)


def test_the_worker_uses_the_database_backend_and_a_ten_minute_lease_by_default():
    result = run_settings(PRINT_EMAIL, DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["600", "django_tasks_db.DatabaseBackend"]


def test_it_refuses_a_lease_shorter_than_a_slow_send():
    result = run_settings(
        SETUP, DEBUG="1", EMAIL_HOST="smtp.example", EMAIL_TIMEOUT="30", EMAIL_SEND_LEASE="60"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_SEND_LEASE (60 s) must be at least four times EMAIL_TIMEOUT (30 s)" in (
        result.stderr
    )


def test_it_accepts_a_lease_of_four_sends():
    result = run_settings(
        PRINT_EMAIL,
        DEBUG="1",
        EMAIL_HOST="smtp.example",
        EMAIL_TIMEOUT="30",
        EMAIL_SEND_LEASE="120",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "120"
