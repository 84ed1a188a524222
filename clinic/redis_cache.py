"""Django's Redis cache backend, keeping its client, and carrying on when Redis is away.

Settings: ``"BACKEND": "clinic.redis_cache.RedisCache"``, otherwise as for
``django.core.cache.backends.redis.RedisCache``, plus two options of its own
(``RETRY_AFTER``, ``WARN_EVERY``; see ``RedisCache``).

**One client.** Django's ``RedisCacheClient.get_client()`` returns a new
``redis.Redis`` for each cache operation. With redis-py 5 and later that constructor
is not cheap (it builds a table of some 170 response callbacks and an event
dispatcher): about a tenth of a millisecond, paid two to four times a request, which
was a quarter of the time a cached public page took. A ``redis.Redis`` only holds its
connection pool and is safe to share between threads; Django already keeps the pool,
so keeping the client with it changes nothing else.

**No Redis, no error.** The cache is only ever a copy of what the database holds, so
losing it must cost speed, never a page. Every operation that fails with a Redis error
(refused, timed out, still loading, out of memory, read-only) answers as an empty cache
would: ``get`` the default, ``get_many`` nothing, ``add``/``touch``/``delete`` False,
``set`` nothing, ``incr`` the ``ValueError`` of a missing key. Callers cope with that
already: they read the database when nothing is cached.

- *Circuit breaker.* After a failure the process leaves Redis alone for
  ``RETRY_AFTER`` seconds (one thread then tries again), so a Redis that times out
  costs one request a socket timeout every few seconds, not every request.
- *Logging.* A warning when Redis goes away and when it is back, each at most once
  every ``WARN_EVERY`` seconds per process (logger ``clinic.cache``), never per request.
- *Nothing stale after an outage.* Writes that were dropped (a version bump, a session
  saved or deleted, a singleton forgotten) would leave Redis holding entries the
  database has moved past, if it kept its data (a network cut, a restart from disk).
  So before its first operation after an outage, the process deletes every key it
  wrote or meant to write while Redis was away, plus the keys registered with
  ``forget_after_outage()`` (the cache versions and singletons, whose loss some *other*
  process may have caused); if Redis was restarted meanwhile (its run id changed: its
  data is empty or from a snapshot, which can bring back what was deleted after it), every
  key under the cache's prefix. A versioned entry then finds a fresh version and is
  never served again; everything else is read from the database and cached afresh.
"""

import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable

import redis
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

logger = logging.getLogger("clinic.cache")

# Keys to delete whenever Redis answers again after an outage (see the module's
# docstring). Registered where each key is defined: CacheVersion, SingletonModel.
_AFTER_OUTAGE: set[str] = set()


# And what this process keeps of its own, dropped at the same moment (page_cache's copies).
_AFTER_OUTAGE_LOCAL: list[Callable[[], None]] = []


def forget_after_outage(key: str) -> None:
    """Delete ``key`` (made with the cache's prefix and default version) from Redis each
    time it answers again after this process found it unavailable."""
    _AFTER_OUTAGE.add(key)


def drop_after_outage(forget: Callable[[], None]) -> None:
    """Call ``forget`` each time Redis answers again after this process found it
    unavailable: for copies this process keeps of what Redis holds."""
    if forget not in _AFTER_OUTAGE_LOCAL:
        _AFTER_OUTAGE_LOCAL.append(forget)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class Breaker:
    """What one process knows about one Redis: which server answered last (its run id),
    whether it is away and since when, and the keys written (or meant to be) while it
    was away. Shared by the process's threads."""

    # Beyond this many keys to forget, forget every key under the cache's prefix instead.
    MAX_MISSED = 10_000

    def __init__(self, location: str, retry_after: float, warn_every: float):
        self.location = location
        self.retry_after = retry_after
        self.warn_every = warn_every
        self._lock = threading.Lock()
        self.down_since: float | None = None  # time.monotonic()
        self.run_id: str | None = None  # None: not asked yet; "": the server will not say
        self._retry_at = 0.0
        self._probing = False
        self._missed: set[str] = set()
        self._missed_everything = False
        self._without_redis = 0  # operations answered without Redis since the last warning
        self._warned_down_at: float | None = None
        self._warned_back_at: float | None = None

    def admit(self, written: Iterable[str]) -> str:
        """What the calling thread does: "go" (Redis is up), "probe" (contact it first:
        the first time, or again after an outage) or "skip" (answer without Redis; the
        keys it would have written are remembered)."""
        with self._lock:
            if self.down_since is None:
                if self.run_id is None and not self._probing:
                    self._probing = True
                    return "probe"
                return "go"
            if not self._probing and time.monotonic() >= self._retry_at:
                self._probing = True
                return "probe"
            self._remember(written)
            return "skip"

    def failed(self, error: Exception, written: Iterable[str]) -> None:
        with self._lock:
            now = time.monotonic()
            self._remember(written)
            if self.down_since is None:
                self.down_since = now
            self._retry_at = now + self.retry_after
            self._probing = False
            if self._warned_down_at is None or now - self._warned_down_at >= self.warn_every:
                logger.warning(
                    "Redis at %s is unavailable (%s: %s). The site carries on without its "
                    "cache: pages are built from the database, cache writes are dropped and "
                    "rate limits are not counted. Next try in %g s. Operations answered "
                    "without Redis since the last such message: %d (it repeats at most every "
                    "%g s).",
                    self.location,
                    type(error).__name__,
                    error,
                    self.retry_after,
                    self._without_redis,
                    self.warn_every,
                )
                self._warned_down_at = now
                self._without_redis = 0

    def contacted(self, run_id: str) -> None:
        with self._lock:
            self.run_id = run_id
            self._probing = False

    def take_missed(self) -> tuple[set[str], bool]:
        with self._lock:
            missed, everything = self._missed, self._missed_everything
            self._missed, self._missed_everything = set(), False
            return missed, everything

    def give_back(self, keys: set[str], everything: bool) -> None:
        with self._lock:
            self._remember(keys)
            self._missed_everything |= everything

    def close(self, run_id: str, forgotten: int) -> bool:
        """Redis is back: True, unless keys were dropped meanwhile (forget those first)."""
        with self._lock:
            if self._missed or self._missed_everything:
                return False
            now = time.monotonic()
            away = now - (self.down_since or now)
            self.down_since = None
            self.run_id = run_id
            self._probing = False
            if self._warned_back_at is None or now - self._warned_back_at >= self.warn_every:
                logger.warning(
                    "Redis at %s answers again after %.0f s; the cache is in use again. %s "
                    "keys that could be stale were deleted first.",
                    self.location,
                    away,
                    "All its" if forgotten < 0 else forgotten,
                )
                self._warned_back_at = now
            return True

    def _remember(self, written: Iterable[str]) -> None:
        self._without_redis += 1
        if self._missed_everything:
            return
        self._missed.update(written)
        if len(self._missed) > self.MAX_MISSED:
            self._missed, self._missed_everything = set(), True


_breakers: dict[tuple, Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(servers: list[str], prefix: str, retry_after: float, warn_every: float):
    # Django makes one cache object per thread; the breaker is one per process.
    key = (tuple(servers), prefix)
    with _breakers_lock:
        if key not in _breakers:
            _breakers[key] = Breaker(_safe_location(servers[0]), retry_after, warn_every)
        return _breakers[key]


def _safe_location(url: str) -> str:
    """host:port/db of a Redis URL, without the password it may carry."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.hostname}{port}{parts.path}"
    return parts.path or "redis"


def _run_id(client: redis.Redis) -> str:
    try:
        return str(client.info("server").get("run_id", ""))
    except redis.ResponseError:  # INFO renamed or refused (some managed services)
        return ""


def _missing(key: str) -> Callable[[], None]:
    def fallback():
        raise ValueError(f"Key '{key}' not found.")  # as Django's backend says it

    return fallback


class RedisCache(django_redis.RedisCache):
    """Django's RedisCache that answers as an empty cache while Redis is unavailable.

    Options of its own (in ``OPTIONS``, beside redis-py's connection options such as
    ``socket_timeout``): ``RETRY_AFTER`` seconds to leave Redis alone after a failure
    (default 5) and ``WARN_EVERY`` seconds between warnings (default 60).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("RETRY_AFTER", 5))
        warn_every = float(options.pop("WARN_EVERY", 60))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient
        self._breaker = _breaker_for(self._servers, self.key_prefix, retry_after, warn_every)

    # --- the guard every operation goes through ------------------------------------------

    def _guarded(self, operation: Callable, fallback: Callable, written: Iterable[str] = ()):
        written = list(written)
        decision = self._breaker.admit(written)
        if decision == "skip":
            return fallback()
        try:
            if decision == "probe":
                self._contact()
            return operation()
        except redis.RedisError as error:
            self._breaker.failed(error, written)
            return fallback()

    def _contact(self) -> None:
        """Learn which Redis answers; after an outage, first delete what may be stale.

        Stale: the keys this process wrote or meant to write while Redis was away, the
        keys registered with ``forget_after_outage()``, and, when Redis was restarted
        meanwhile (another run id: its data is empty or from a snapshot on disk, which
        can bring back what was deleted since, e.g. a signed-out session), every key
        under the cache's prefix.
        """
        breaker = self._breaker
        # RedisCache's own client, a private attribute the stubs do not declare.
        client = self._cache.get_client(write=True)  # type: ignore[attr-defined]
        run_id = _run_id(client)
        if breaker.down_since is None:  # the first contact: nothing was missed
            breaker.contacted(run_id)
            return
        restarted = bool(breaker.run_id and run_id and breaker.run_id != run_id)
        forgotten, all_forgotten = 0, False
        while True:
            keys, everything = breaker.take_missed()
            everything |= restarted
            restarted = False
            keys |= {self.make_key(key) for key in _AFTER_OUTAGE}
            try:
                if everything:
                    match = _glob_escape(self.key_prefix) + ":*"
                    for chunk in _chunks(client.scan_iter(match=match, count=1000)):
                        client.delete(*chunk)
                for chunk in _chunks(keys):
                    client.delete(*chunk)
            except redis.RedisError:
                breaker.give_back(keys, everything)
                raise
            forgotten += len(keys)
            all_forgotten |= everything
            for forget in _AFTER_OUTAGE_LOCAL:
                forget()
            if breaker.close(run_id, -1 if all_forgotten else forgotten):
                return

    def _key(self, key, version=None) -> list[str]:
        return [self.make_key(key, version=version)]

    # --- Django's cache API ------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        operation = super().add
        return self._guarded(
            lambda: operation(key, value, timeout, version),
            lambda: False,
            self._key(key, version),
        )

    def get(self, key, default=None, version=None):
        operation = super().get
        return self._guarded(lambda: operation(key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        operation = super().set
        self._guarded(
            lambda: operation(key, value, timeout, version), lambda: None, self._key(key, version)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        operation = super().touch
        return self._guarded(
            lambda: operation(key, timeout, version), lambda: False, self._key(key, version)
        )

    def delete(self, key, version=None):
        operation = super().delete
        return self._guarded(
            lambda: operation(key, version), lambda: False, self._key(key, version)
        )

    def get_many(self, keys, version=None):
        operation = super().get_many
        return self._guarded(lambda: operation(keys, version), dict)

    def has_key(self, key, version=None):
        operation = super().has_key
        return self._guarded(lambda: operation(key, version), lambda: False)

    def incr(self, key, delta=1, version=None):
        operation = super().incr
        return self._guarded(
            lambda: operation(key, delta, version), _missing(key), self._key(key, version)
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        operation = super().set_many
        return self._guarded(
            lambda: operation(data, timeout, version),
            lambda: list(data),  # the keys that were not stored
            [self.make_key(key, version=version) for key in data],
        )

    def delete_many(self, keys, version=None):
        operation = super().delete_many
        keys = list(keys)
        self._guarded(
            lambda: operation(keys, version),
            lambda: None,
            [self.make_key(key, version=version) for key in keys],
        )

    def clear(self):
        def cleared_when_back():
            self._breaker.give_back(set(), True)
            return False

        return self._guarded(super().clear, cleared_when_back)

    def ping(self) -> bool:
        """Whether Redis answers a PING. While it is known to be away and not yet due for
        another try, False without touching the network."""
        return self._guarded(
            lambda: bool(self._cache.get_client().ping()),  # type: ignore[attr-defined]
            lambda: False,
        )


def _glob_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "*?[]\\" else ch for ch in text)


def _chunks(items: Iterable[str], size: int = 500):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
