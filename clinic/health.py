"""``/healthz``: is this app server fit to take patients? For load balancers and uptime
monitors.

JSON, never cached, with one entry per check (``settings.HEALTH_CHECKS``)::

    {"status": "degraded",
     "checks": {"database": {"status": "ok", "ms": 0.4},
                "redis": {"status": "down"},
                "email_backlog": {"status": "ok", "pending": 0, "oldest_pending_seconds": null}}}

- **200 "ok"**: everything answers.
- **200 "degraded"**: a check that is not critical failed: Redis is down (every page is
  still served, from the database: README, "When Redis is down") or emails wait too
  long. A load balancer must keep the server in rotation (taking every server out
  because the shared Redis is down would turn a slower site into no site); an uptime
  monitor should alert on the word "degraded".
- **503 "down"**: a critical check failed: the database does not answer, and no page
  can be served.

Answered by a middleware right after Django's SecurityMiddleware, before anything
else: no session, no CSRF cookie, no language prefix, no time-zone middleware (which
reads the clinic profile through the cache and the database, and would turn a database
outage into a 500 instead of a 503), and no ``ALLOWED_HOSTS`` check (load balancers
probe by IP address; the answer contains nothing derived from the Host header).
Plain HTTP is allowed (``SECURE_REDIRECT_EXEMPT``).

Not django-health-check: its failures answer 500 rather than 503, its JSON has one
string per check with no room for figures such as the email backlog, its database
check writes a row into a table of its own and its cache check writes and reads a key
rather than pinging, and its view runs behind the whole middleware stack (host check,
sessions, the time-zone middleware's database read). What is needed here is about
sixty lines.
"""

import enum
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

logger = logging.getLogger("clinic.health")

PATHS = ("/healthz", "/healthz/")


class State(enum.StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"
    NOT_CONFIGURED = "not configured"


@dataclass(frozen=True)
class Result:
    """One check's finding. A critical check that is down makes the answer 503."""

    state: State
    critical: bool = False
    details: dict = field(default_factory=dict)


def _timed(probe: Callable[[], object]) -> float:
    started = time.perf_counter()
    probe()
    return round((time.perf_counter() - started) * 1000, 1)


def database() -> Result:
    """The default database answers ``SELECT 1``. Critical: nothing works without it."""
    from django.db import connection

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    try:
        ms = _timed(select_one)
    except Exception as error:  # any failure means the same to a load balancer
        logger.warning("Health check: the database does not answer (%s)", type(error).__name__)
        return Result(State.DOWN, critical=True)
    return Result(State.OK, critical=True, details={"ms": ms})


def redis() -> Result:
    """Redis answers a PING, when the cache is Redis. Not critical: pages are built from
    the database without it."""
    from django.core.cache import caches

    from clinic.redis_cache import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return Result(State.NOT_CONFIGURED)
    answered = False

    def ping() -> None:
        nonlocal answered
        answered = cache.ping()

    ms = _timed(ping)
    if not answered:
        return Result(State.DOWN)
    return Result(State.OK, details={"ms": ms})


def run_checks() -> tuple[State, dict]:
    """Every check in ``settings.HEALTH_CHECKS`` ({name: dotted path}), and the verdict."""
    checks: dict[str, dict] = {}
    verdict = State.OK
    for name, path in settings.HEALTH_CHECKS.items():
        try:
            result = import_string(path)()
        except Exception as error:  # a broken check says so, never a 500
            logger.warning("Health check %s failed (%s)", name, type(error).__name__)
            result = Result(State.DOWN)
        checks[name] = {"status": str(result.state), **result.details}
        if result.state in (State.DOWN, State.DEGRADED):
            if result.state == State.DOWN and result.critical:
                verdict = State.DOWN
            elif verdict == State.OK:
                verdict = State.DEGRADED
    return verdict, checks


def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
    else:
        verdict, checks = run_checks()
        response = HttpResponse(
            json.dumps({"status": str(verdict), "checks": checks}),
            content_type="application/json",
            status=503 if verdict == State.DOWN else 200,
        )
        if request.method == "HEAD":
            response.content = b""
    add_never_cache_headers(response)
    return response


class HealthMiddleware:
    """Answers ``/healthz`` (see the module's docstring); everything else goes on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PATHS:
            return healthz(request)
        return self.get_response(request)
