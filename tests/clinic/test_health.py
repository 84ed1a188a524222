"""/healthz (clinic/health.py): 200 while the database answers, 503 when it does not;
Redis down is only "degraded"; nothing cached, no session, no secrets."""

import json

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test import Client

from tests.servers import free_port

pytestmark = pytest.mark.django_db

URL = "/healthz"


def health(client: Client | None = None, **extra) -> tuple[int, dict, object]:
    response = (client or Client()).get(URL, **extra)
    return response.status_code, json.loads(response.content), response


def test_it_answers_200_ok_with_every_check_when_everything_is_up(redis_cache):
    status, body, response = health()

    assert status == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
    assert body["checks"]["email_backlog"] == {
        "status": "ok",
        "pending": 0,
        "oldest_pending_seconds": None,
    }


def test_redis_is_not_configured_without_redis_url():
    status, body, _ = health()

    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["redis"] == {"status": "not configured"}


def test_redis_down_is_degraded_but_keeps_the_server_in_rotation(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.redis_cache.RedisCache",
            "LOCATION": f"redis://:redis-secret@127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    status, body, response = health()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == {"status": "down"}
    assert body["checks"]["database"]["status"] == "ok"
    assert b"redis-secret" not in response.content
    assert str(settings.CACHES["default"]["LOCATION"]) not in response.content.decode()


def test_it_answers_503_when_the_database_does_not_answer(monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise OperationalError(
            'connection to server at "db.internal" (10.0.0.5), port 5432 failed: '
            "password authentication failed for user clinic password=hunter2"
        )

    monkeypatch.setattr(connection, "cursor", unreachable)

    status, body, response = health()

    assert status == 503
    assert body["status"] == "down"
    assert body["checks"]["database"] == {"status": "down"}
    text = response.content.decode()
    assert "hunter2" not in text and "db.internal" not in text
    assert "hunter2" not in caplog.text  # the log says what failed, not the message


def test_the_body_holds_no_secret_and_no_setting(redis_cache):
    _, body, response = health()
    text = response.content.decode()

    assert set(body) == {"status", "checks"}
    assert set(body["checks"]) == {"database", "redis", "email_backlog"}
    for secret in [
        django_settings.SECRET_KEY,
        *django_settings.FIELD_ENCRYPTION_KEYS,
        str(connection.settings_dict["NAME"]),
        redis_cache._servers[0],
        str(redis_cache._servers[0]).rsplit(":", 1)[-1].split("/")[0],  # the port
        django_settings.SITE_URL,
    ]:
        assert secret not in text


def test_it_is_never_cached_sets_no_cookie_and_starts_no_session():
    client = Client()
    response = client.get(URL)

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert not client.cookies
    assert Session.objects.count() == 0
    assert "X-Page-Cache" not in response


def test_it_reads_nothing_from_the_cache(monkeypatch):
    # Not even the clinic profile the time-zone middleware reads on every other page.
    cache = caches["default"]
    for name in ("get", "get_many", "set", "add", "incr"):
        monkeypatch.setattr(cache, name, lambda *a, **k: pytest.fail("the cache was used"))

    status, body, _ = health()

    assert status == 200
    assert body["status"] == "ok"


def test_it_answers_head_with_the_same_status_and_no_body(monkeypatch):
    response = Client().head(URL)

    assert response.status_code == 200
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_other_methods_without_a_csrf_check():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_it_is_not_redirected_to_https_nor_checked_against_allowed_hosts(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()

    assert client.get("/").status_code == 301  # everything else goes to HTTPS
    for host in ("127.0.0.1", "10.0.0.7"):  # load balancers probe by IP address
        response = client.get(URL, HTTP_HOST=host)
        assert response.status_code == 200, host
    assert client.get(URL + "/").status_code == 200


def test_it_sits_at_the_root_outside_any_language_prefix(settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]

    for language in ("en", "es"):
        response = Client().get(URL, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert "Content-Language" not in response
