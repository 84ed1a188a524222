"""The email backlog in /healthz (booking/health.py): how many, how old, degraded when old."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from booking.models import PatientEmail
from tests.factories import PatientEmailFactory

pytestmark = pytest.mark.django_db


def backlog() -> tuple[int, dict]:
    response = Client().get("/healthz")
    body = json.loads(response.content)
    return response.status_code, body


def queue_email(appointment, *, minutes_ago: int, **fields) -> PatientEmail:
    created_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return PatientEmailFactory(appointment=appointment, created_at=created_at, **fields)


def test_it_counts_pending_emails_and_the_age_of_the_oldest(confirmed_appointment):
    queue_email(confirmed_appointment, minutes_ago=10)
    queue_email(confirmed_appointment, minutes_ago=2)
    queue_email(confirmed_appointment, minutes_ago=90, sent_at=timezone.now())  # sent
    queue_email(confirmed_appointment, minutes_ago=95, attempts=PatientEmail.MAX_ATTEMPTS)

    status, body = backlog()

    assert status == 200
    assert body["status"] == "ok"
    check = body["checks"]["email_backlog"]
    assert check["status"] == "ok"
    assert check["pending"] == 2
    assert 10 * 60 <= check["oldest_pending_seconds"] < 11 * 60


def test_an_email_waiting_too_long_makes_it_degraded_not_down(confirmed_appointment, settings):
    settings.HEALTH_EMAIL_BACKLOG_MINUTES = 30
    queue_email(confirmed_appointment, minutes_ago=31)

    status, body = backlog()

    assert status == 200  # pages and bookings work: keep the server in rotation
    assert body["status"] == "degraded"
    assert body["checks"]["email_backlog"]["status"] == "degraded"
    assert body["checks"]["email_backlog"]["pending"] == 1
    assert "jane@example.com" not in json.dumps(body)
