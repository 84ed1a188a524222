import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests import clock as test_clock
from tests.servers import RedisServer


@pytest.fixture(autouse=True)
def clock(request):
    """Time frozen at tests/clock.py's instant for the whole test (time-machine, tick=False).

    The test travels with ``clock.shift(dt.timedelta(...))`` or ``clock.move_to(...)``.
    ``@pytest.mark.ticking_clock``: time starts at that instant and runs on.
    ``@pytest.mark.real_clock``: no travel at all (``clock`` is None), for tests whose code
    under test runs in other processes, which time-machine cannot reach.
    """
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    tick = request.node.get_closest_marker("ticking_clock") is not None
    with time_machine.travel(test_clock.frozen_at(), tick=tick) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _english_unless_said_otherwise():
    """The suite speaks English unless a test says otherwise (tests/clinic/test_i18n.py).

    The site's first language is Spanish (clinic/settings.py). English is active around
    each test, so `reverse()` gives /en/ addresses and factories write the English
    columns of translated fields; a test about Spanish uses `translation.override("es")`
    or requests /es/ addresses.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """pytest-django's client, whose browser asks for English (the admin has no prefix)."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the clinic profile and policy are cached), and
    with no page copies in this process (clinic/page_cache.py's ``recent_pages``: the
    frozen clock gives a cleared cache the same fresh version in every test)."""
    from clinic.page_cache import recent_pages

    cache.clear()
    recent_pages.clear()
    yield
    cache.clear()
    recent_pages.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def otp_login():
    """Log a user into a test client as fully verified for the admin (password + TOTP).

    ``otp_login(client, user)`` force-logs-in ``user``, gives them a confirmed TOTP
    device if they have none, and marks the session as verified by it, exactly as a
    successful two-factor login does. Returns the client.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import TOTPDeviceFactory

    def login(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDeviceFactory(user=user, name="test device")
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def otp_admin_client(db, client, admin_user, otp_login):
    """A client signed in as a superuser who has passed the TOTP check."""
    return otp_login(client, admin_user)


@pytest.fixture
def admin_client(otp_admin_client):
    """pytest-django's admin_client, made to pass the admin's two-factor check."""
    return otp_admin_client


@pytest.fixture(autouse=True)
def _staff_groups(request):
    """The staff groups the migrations create, for every test using the database.

    A transactional test (live server, threads) ends with a flush that removes them,
    and later tests on the same worker would find no groups; this puts them back the
    way the migrations make them.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if marker is None and "db" not in request.fixturenames:
        return
    if transactional:
        return
    request.getfixturevalue("db")
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="Manager").exists():
        import_module("booking.migrations.0005_staff_groups").create_groups(apps, None)
        import_module("booking.migrations.0007_access_records").grant_to_manager(apps, None)
        import_module("booking.migrations.0009_manager_administers_staff").grant_to_manager(
            apps, None
        )
        import_module("booking.migrations.0014_privacy_permissions").grant(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _no_leftover_database_sessions(django_db_setup, django_db_blocker):
    """End every other session on the PostgreSQL test database before it is dropped.

    Server threads (the live server's request threads, which a browser's keep-alive
    connection can leave parked) may still hold a connection when the run ends, and
    PostgreSQL refuses to drop a database in use. This runs just before the drop.
    """
    yield
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return
    if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
        return  # no test here used the database, so none was created
    with django_db_blocker.unblock():
        connections.close_all()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()


@pytest.fixture(scope="session")
def private_redis():
    """A redis-server of the test session's own (tests/servers.py), never the shared one."""
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def redis_cache(settings, private_redis):
    """The default cache on the private Redis, as in production, emptied after the test."""
    import uuid

    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.redis_cache.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield caches["default"]
    caches["default"].clear()
