"""The cache backend without Redis (clinic/redis_cache.py): no error, one warning a
minute, nothing stale afterwards, and every feature that uses the cache keeps working.

Redis is a server of each test's own (tests/servers.py): stopped, restarted, or frozen
with SIGSTOP, which keeps its data and its port open but answers nothing, as behind a
network cut. "Nothing listens" is a free port.
"""

import datetime as dt
import json
import logging
import os
import signal
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from booking.models import Appointment, Status
from clinic import page_cache
from clinic.cache_versions import CacheVersion
from clinic.models import ClinicProfile
from tests.admin_forms import admin_form_data
from tests.booking.pages import answers
from tests.factories import (
    AppointmentFactory,
    ClinicProfileFactory,
    PractitionerFactory,
    SectionFactory,
    TOTPDeviceFactory,
    TreatmentFactory,
    questionnaire,
)
from tests.factories.booking import tomorrow_at_ten
from tests.servers import HOST, RedisServer, free_port
from treatments.models import SectionKind

# Socket timeouts of the backend under test, seconds: short enough to keep the frozen-Redis
# tests quick, long enough that a live Redis on a busy CI machine never misses it (0.2 s
# did: a page that should have been cached was not).
TIMEOUT = 1.0
RETRY_AFTER = 0.2  # seconds the backend leaves Redis alone after a failure


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    if server.process is not None:
        os.kill(server.process.pid, signal.SIGCONT)  # in case a test failed while frozen
    server.close()


def use_cache(settings, url: str, **options):
    """The default cache on ``url`` with short timeouts, under a key prefix of its own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.redis_cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"outage-{uuid.uuid4().hex}",
            "OPTIONS": {
                "socket_connect_timeout": TIMEOUT,
                "socket_timeout": TIMEOUT,
                "RETRY_AFTER": RETRY_AFTER,
                **options,
            },
        }
    }
    return caches["default"]


def nothing_listens() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


@contextmanager
def frozen(server: RedisServer):
    """Redis keeps its data and its port but answers nothing (SIGSTOP), then resumes."""
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


def after_the_retry_interval() -> None:
    time.sleep(RETRY_AFTER + 0.05)


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "clinic.cache"]


# --- The backend -----------------------------------------------------------------------------


def test_every_operation_answers_as_an_empty_cache_when_redis_is_unreachable(settings):
    # RETRY_AFTER=0: every operation really tries Redis and meets the error.
    cache = use_cache(settings, nothing_listens(), RETRY_AFTER=0)

    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert "k" not in cache
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    assert cache.delete_many(["a", "b"]) is None
    with pytest.raises(ValueError):  # as for a missing key
        cache.incr("n")
    with pytest.raises(ValueError):
        cache.decr("n")
    assert cache.get_or_set("k", "computed") == "computed"
    assert cache.clear() is False
    assert cache.ping() is False


def test_a_redis_that_stops_answering_costs_one_timeout_per_retry_interval(settings, own_redis):
    cache = use_cache(settings, own_redis.url, RETRY_AFTER=30)
    cache.set("k", "v")

    with frozen(own_redis):
        started = time.monotonic()
        assert cache.get("k") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(200):
            assert cache.get("k") is None
            cache.set("k", "w")
        rest = time.monotonic() - started

    assert TIMEOUT * 0.9 <= first < TIMEOUT + 1  # the first waits for the socket timeout...
    assert rest < TIMEOUT  # ...the next 400 do not touch the network at all (each would cost one)


def test_it_warns_once_per_interval_not_once_per_request(settings, caplog, monkeypatch):
    url = f"redis://:s3cret-password@127.0.0.1:{free_port()}/0"
    cache = use_cache(settings, url, RETRY_AFTER=0, WARN_EVERY=0.5)
    # The interval is measured on time.monotonic(), which time-machine leaves alone: a
    # clock of the test's own, so a busy machine cannot stretch the loop past it.
    now = [1000.0]
    monkeypatch.setattr("clinic.redis_cache.time.monotonic", lambda: now[0])

    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        for _ in range(100):
            cache.get("k")
            cache.set("k", 1)
        assert len(cache_warnings(caplog)) == 1
        now[0] += 0.55
        cache.get("k")

    warnings = cache_warnings(caplog)
    assert len(warnings) == 2
    assert "is unavailable" in warnings[0]
    assert "rate limits are not counted" in warnings[0]
    assert "since the last such message: 200 " in warnings[1]
    assert "s3cret" not in caplog.text  # the URL's password never reaches the logs


def test_it_uses_redis_again_by_itself_once_it_is_back(settings, own_redis, caplog):
    cache = use_cache(settings, own_redis.url)
    cache.set("k", "before")
    own_redis.stop()
    assert cache.get("k") is None
    cache.set("k", "during")  # dropped

    own_redis.start()  # empty: nothing on disk
    after_the_retry_interval()
    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        cache.set("k", "after")
        assert cache.get("k") == "after"
        assert cache.incr(cache.add("n", 1) and "n") == 2

    raw = redis.Redis(port=own_redis.port)
    assert raw.exists(cache.make_key("k"))
    assert [w for w in cache_warnings(caplog) if "answers again" in w]


def test_writes_dropped_while_redis_was_away_are_not_served_stale_when_it_is_back(
    settings, own_redis
):
    cache = use_cache(settings, own_redis.url)
    cache.set("profile", "old name")
    cache.set("session", "signed in")
    cache.set("untouched", "same")

    with frozen(own_redis):  # Redis keeps its data, as behind a network cut
        cache.set("profile", "new name")  # dropped
        cache.delete("session")  # dropped
        assert cache.get("profile") is None

    after_the_retry_interval()
    assert cache.get("profile") is None  # not "old name": read afresh from the database
    assert cache.get("session") is None  # not brought back to life
    assert cache.get("untouched") == "same"  # and nothing else was thrown away


def test_a_redis_restarted_from_an_old_snapshot_brings_nothing_back(settings, own_redis):
    cache = use_cache(settings, own_redis.url)
    raw = redis.Redis(port=own_redis.port)
    cache.set("session", "signed in")
    raw.save()  # a snapshot on disk (Debian's redis.conf takes them by default)
    cache.delete("session")  # signed out, with Redis up: nothing missed
    own_redis.stop()  # started with --save "": stops without a newer snapshot
    assert cache.get("anything") is None

    own_redis.start()
    assert raw.exists(cache.make_key("session")), "the snapshot brought the session back"
    after_the_retry_interval()

    assert cache.get("session") is None  # a restarted Redis: everything of ours forgotten
    assert not raw.exists(cache.make_key("session"))
    cache.set("k", "v")
    assert cache.get("k") == "v"


@pytest.mark.django_db
@pytest.mark.ticking_clock  # a fresh version is the wall clock's (clinic/cache_versions.py)
def test_a_version_is_unknown_while_redis_is_away_and_fresh_afterwards(settings, own_redis):
    use_cache(settings, own_redis.url)
    version = CacheVersion(f"test:version:{uuid.uuid4().hex}")
    before = version.current()
    assert before is not None

    with frozen(own_redis):
        version.bump()  # lost
        assert version.current() is None  # store nothing under a version nobody knows

    after_the_retry_interval()
    after = version.current()
    assert after is not None
    assert after != before  # entries stored under `before` are never served again


@pytest.mark.django_db
@pytest.mark.ticking_clock  # a fresh version is the wall clock's (clinic/cache_versions.py)
def test_what_another_process_lost_while_redis_was_away_is_forgotten_too(settings, own_redis):
    cache = use_cache(settings, own_redis.url)
    # Another process on the same Redis (its own breaker): a management command, or a
    # worker that has been restarted since, so it never gets to make good what it lost.
    settings.CACHES = {
        **settings.CACHES,
        "other": {
            **settings.CACHES["default"],
            "LOCATION": own_redis.url.replace(HOST, "localhost"),
        },
    }
    other = caches["other"]
    version = CacheVersion(f"test:version:{uuid.uuid4().hex}")
    before = version.current()
    ClinicProfileFactory(name="Clínica Rosa")
    assert ClinicProfile.load().name == "Clínica Rosa"  # cached

    with frozen(own_redis):
        assert cache.get("anything") is None  # this process finds Redis away too
        with pytest.raises(ValueError):
            other.incr(version.key)  # its bump is lost
        ClinicProfile.objects.update(name="Clínica Azul")
        assert other.delete(ClinicProfile.CACHE_KEY) is False  # and forgetting the old copy

    after_the_retry_interval()
    assert version.current() not in {None, before}
    assert ClinicProfile.load().name == "Clínica Azul"


# --- Every feature that uses the cache -----------------------------------------------------


@pytest.fixture
def treatment(db):
    from tests.factories import FAQFactory

    ClinicProfileFactory(name="Clínica Rosa")
    treatment = TreatmentFactory(name="Microneedling", slug="microneedling")
    SectionFactory(treatment=treatment, kind=SectionKind.HOW_IT_WORKS, body="Tiny channels.")
    FAQFactory(treatment=treatment, question="Does it hurt?", answer="A little.")
    return treatment


@pytest.fixture
def staff_client(db, otp_login, admin_user):
    """Signed in to the admin, made after the test has chosen its cache."""

    def make() -> Client:
        return otp_login(Client(), admin_user)

    return make


def test_every_page_is_served_from_the_database_while_redis_is_unreachable(
    settings, treatment, caplog
):
    use_cache(settings, nothing_listens())
    anon = Client()
    urls = [
        reverse("home"),
        reverse("contact"),
        reverse("treatments:list"),
        treatment.get_absolute_url(),
        reverse("booking:start") + "?treatment=microneedling",
        reverse("admin:login"),
    ]
    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        for _ in range(2):
            for url in urls:
                response = anon.get(url, follow=True)
                assert response.status_code == 200, url
                assert "X-Page-Cache" not in response, url  # neither read nor stored
    assert "Clínica Rosa" in anon.get(reverse("home")).text
    assert len(cache_warnings(caplog)) == 1


def test_an_edit_made_while_redis_is_away_is_not_hidden_by_a_cached_page_afterwards(
    settings, own_redis, treatment, staff_client
):
    use_cache(settings, own_redis.url)
    anon, staff = Client(), staff_client()
    url = treatment.get_absolute_url()
    anon.get(url)
    assert anon.get(url)["X-Page-Cache"] == "hit"
    change = reverse("admin:treatments_treatment_change", args=[treatment.pk])
    data = admin_form_data(staff.get(change))

    with frozen(own_redis):
        data["summary_en"] = "Edited while Redis was away."
        assert staff.post(change, data).status_code == 302  # the bump is lost
        assert "Edited while Redis was away." in anon.get(url).text

    after_the_retry_interval()
    first = anon.get(url)
    assert "Edited while Redis was away." in first.text
    assert first["X-Page-Cache"] == "miss"
    assert anon.get(url)["X-Page-Cache"] == "hit"  # and the cache is in use again


def test_a_booking_made_while_redis_is_away_is_counted_in_the_book_afterwards(
    settings, own_redis, treatment, staff_client
):
    """The appointment book's count is kept until an appointment changes
    (booking/book_count.py); a change whose bump Redis missed still shows."""
    use_cache(settings, own_redis.url)
    staff = staff_client()
    practitioner = PractitionerFactory(treatments=[treatment])
    AppointmentFactory(treatment=treatment, practitioner=practitioner)

    def counted() -> int:
        response = staff.get(reverse("admin:booking_appointment_changelist"), {"when": "all"})
        assert response.status_code == 200
        return response.context["cl"].result_count

    assert counted() == 1
    assert counted() == 1  # kept
    with frozen(own_redis):
        AppointmentFactory(
            treatment=treatment,
            practitioner=practitioner,
            starts_at=tomorrow_at_ten() + dt.timedelta(days=7),
        )
        assert counted() == 2  # counted in the database while Redis is away

    after_the_retry_interval()
    assert counted() == 2


@pytest.mark.django_db
def test_a_clinic_profile_saved_while_redis_is_away_is_not_hidden_afterwards(
    settings, own_redis, treatment
):
    use_cache(settings, own_redis.url)
    anon = Client()
    assert "Clínica Rosa" in anon.get(reverse("contact")).text
    assert ClinicProfile.load().name == "Clínica Rosa"  # cached for an hour

    with frozen(own_redis):
        profile = ClinicProfile.objects.get()
        profile.name = "Clínica Azul"
        profile.save()  # forgetting the cached copy is lost
        assert "Clínica Azul" in anon.get(reverse("contact")).text

    after_the_retry_interval()
    assert ClinicProfile.load().name == "Clínica Azul"
    assert "Clínica Azul" in anon.get(reverse("contact")).text


def test_signing_out_while_redis_is_away_ends_the_session_for_good(
    settings, own_redis, staff_client
):
    use_cache(settings, own_redis.url)
    staff = staff_client()
    assert staff.get(reverse("admin:index")).status_code == 200
    cookie = settings.SESSION_COOKIE_NAME
    stolen = staff.cookies[cookie].value  # e.g. left behind on a shared computer

    with frozen(own_redis):
        assert staff.post(reverse("admin:logout")).status_code == 200

    after_the_retry_interval()
    other = Client()
    other.cookies[cookie] = stolen
    response = other.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.fixture
def booking(db):
    ClinicProfileFactory()
    treatment = TreatmentFactory(microneedling=True)
    PractitionerFactory(treatments=[treatment])
    return treatment, questionnaire(treatment)


def test_a_patient_books_from_start_to_finish_while_redis_is_unreachable(settings, booking):
    use_cache(settings, nothing_listens())
    treatment, questions = booking
    patient = Client()

    def step(name: str) -> str:
        return reverse("booking:step", args=[name])

    assert patient.get(reverse("booking:start") + "?treatment=microneedling").status_code == 302
    response = patient.post(step("treatment"), {"treatment": treatment.pk, "practitioner": ""})
    assert response.status_code == 302
    assert patient.post(step("screening"), answers(questions)).status_code == 302
    picker = patient.get(step("time")).context["picker"]  # free times worked out afresh
    start = next(time.start for time in picker.times)
    response = patient.post(step("time"), {"start": start.isoformat()})
    assert response.status_code == 302, response.content[:500]
    assert patient.get(step("details")).status_code == 200  # the session lives in the database
    assert Appointment.objects.filter(status=Status.HELD, starts_at=start).count() == 1


def test_rate_limits_let_patients_through_while_redis_is_unreachable(settings, booking, caplog):
    use_cache(settings, nothing_listens())
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": "2/m"}
    url = reverse("booking:step", args=["screening"])

    with caplog.at_level(logging.WARNING, logger="clinic.cache"):
        statuses = [
            Client().post(url, {"date_of_birth": "1990-01-01"}).status_code for _ in range(6)
        ]

    assert 429 not in statuses
    assert any("rate limits are not counted" in w for w in cache_warnings(caplog))


def test_staff_lockouts_keep_working_while_redis_is_unreachable(settings, db):
    from django.contrib.auth import get_user_model

    use_cache(settings, nothing_listens())
    settings.AXES_ENABLED = True
    password = "a-long-staff-passphrase-42"
    user = get_user_model().objects.create_user("reception", password=password, is_staff=True)
    device = TOTPDeviceFactory(user=user)
    client = Client()

    def sign_in(password: str, token: str = "") -> int:
        data = {"username": "reception", "password": password, "otp_token": token}
        return client.post(reverse("admin:login"), data).status_code

    for attempt in range(5):
        assert sign_in(f"wrong-{attempt}") in {200, 429}
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)

    assert sign_in(password, f"{code:0{device.digits}d}") == 429  # locked, in the database
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_page_cache_is_bypassed_while_redis_is_away(settings, own_redis, treatment):
    use_cache(settings, own_redis.url)
    anon = Client()
    url = reverse("home")
    anon.get(url)
    with frozen(own_redis):
        for _ in range(3):
            response = anon.get(url)
            assert response.status_code == 200
            assert "X-Page-Cache" not in response
    after_the_retry_interval()
    assert anon.get(url)["X-Page-Cache"] == "miss"
    assert anon.get(url)["X-Page-Cache"] == "hit"
    assert caches["default"].get(page_cache.VERSION_KEY) is not None


# --- Settings ----------------------------------------------------------------------------------


def test_the_timeout_and_the_pause_come_from_the_environment():
    from tests.clinic.test_settings import SETUP, run_settings

    code = (
        SETUP + "; import json; from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']['OPTIONS']))"
    )
    redis_url = "redis://127.0.0.1:1/0"
    result = run_settings(
        code, DEBUG="1", REDIS_URL=redis_url, REDIS_TIMEOUT="0.25", REDIS_RETRY_AFTER="2"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "socket_connect_timeout": 0.25,
        "socket_timeout": 0.25,
        "RETRY_AFTER": 2.0,
    }

    result = run_settings(SETUP, DEBUG="1", REDIS_URL=redis_url, REDIS_TIMEOUT="fast")
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_TIMEOUT must be a number" in result.stderr


def test_this_processs_page_copies_are_dropped_when_redis_answers_again(
    settings, own_redis, treatment
):
    use_cache(settings, own_redis.url)
    anon = Client()
    url = reverse("home")
    anon.get(url)
    assert anon.get(url)["X-Page-Cache"] == "hit"
    assert len(page_cache.recent_pages) == 1
    with frozen(own_redis):
        anon.get(url)
    after_the_retry_interval()
    caches["default"].get("anything")  # the first contact after the outage
    assert len(page_cache.recent_pages) == 0
