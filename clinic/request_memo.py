"""What a request reads from the cache, read once and kept until the request ends.

Every request needs the clinic's profile (its time zone: ClinicTimezoneMiddleware), and
every public page the content version (clinic/page_cache.py). ``prefetch`` asks Redis for
both in **one round trip** when the request starts; ``SingletonModel.load()`` and
``CacheVersion.current()`` then take them from here. A write in this process forgets what
it changed (``forget``), so the rest of the request sees the write; another process's
write is seen by the next request, which reads afresh.

Set up on Django's ``request_started`` and ``request_finished`` signals (ClinicConfig.ready).
Outside a request (commands, tests, the worker) there is no memo and every read goes to the
cache.
"""

from typing import Any

from asgiref.local import Local
from django.core.cache import cache

_this_request = Local()

# Told apart from a value the cache holds (which may be None: unavailable, or missing).
NOT_READ = object()


def begin_request_memo(**_kwargs: object) -> None:
    _this_request.singletons = {}
    _this_request.values = {}


def end_request_memo(**_kwargs: object) -> None:
    _this_request.singletons = None
    _this_request.values = None


def singletons() -> dict[type, Any] | None:
    """This request's singleton rows by model (None outside a request)."""
    return getattr(_this_request, "singletons", None)


def prefetch(*keys: str) -> None:
    """Read these cache keys in one round trip and keep them for the rest of the request."""
    values = getattr(_this_request, "values", None)
    if values is None:
        return
    found = cache.get_many(keys)
    for key in keys:
        values[key] = found.get(key)


def prefetched(key: str) -> Any:
    """What ``prefetch`` read for this key this request (None: the cache had nothing);
    ``NOT_READ`` if it was not read, or was forgotten since."""
    values = getattr(_this_request, "values", None)
    if not values:
        return NOT_READ
    return values.get(key, NOT_READ)


def forget(key: str) -> None:
    """This process changed the key: the rest of the request reads it afresh."""
    values = getattr(_this_request, "values", None)
    if values:
        values.pop(key, None)
