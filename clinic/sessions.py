"""Sessions: Django's cached_db engine, read in the request's first round trip to Redis.

The session lives in the database and is cached in Redis (``cached_db``: a Redis outage
loses no session). Its cache entry is read together with the clinic's profile and the
other values every request needs (clinic/request_memo.py, prefetched by
ClinicTimezoneMiddleware), so a patient's booking step or a staff page costs one round
trip to Redis less. Anything not found that way is read exactly as Django reads it.
"""

from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

from clinic import request_memo

# Session keys are made of these (django.contrib.sessions: get_random_string's letters
# and digits, 32 of them); a cookie holding anything else is not looked up early.
_KEY_LENGTH = range(8, 41)


def cache_key_for_cookie(value: str | None) -> str | None:
    """The session's cache key for a session cookie's value, if it can be one."""
    if value and len(value) in _KEY_LENGTH and value.isascii() and value.isalnum():
        return KEY_PREFIX + value
    return None


class SessionStore(CachedDbStore):
    def load(self):
        data = request_memo.prefetched(self.cache_key_prefix + (self.session_key or ""))
        if isinstance(data, dict):
            return data
        return super().load()
