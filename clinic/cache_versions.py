"""Versioned cache entries: invalidate everything at once by bumping one number.

A cached value is stored with the version it was computed under and used only while
that is still the version. Saves and deletes of the models it depends on bump the
version (signal receivers, connected in an app's ``ready()``), so nobody ever hunts
for keys, and servers sharing the cache (Redis) agree at once.

Used by the public page cache (clinic/page_cache.py) and the free times of the
booking calendar (booking/free_times.py).

While the cache is unavailable the version is unknown (``current()`` is None) and
callers store nothing. A bump lost then is made good when the cache answers again:
the version keys are deleted before anything else is read (``forget_after_outage``,
clinic/redis_cache.py), and a missing version starts afresh from the clock, so no
entry stored under an old version is ever served after an outage.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from clinic.redis_cache import forget_after_outage


class CacheVersion:
    def __init__(self, key: str):
        self.key = key
        forget_after_outage(key)

    def current(self) -> int | None:
        """The version to store new entries under; None while the cache is unavailable
        (store nothing then)."""
        version = cache.get(self.key)
        if version is None:
            # Missing (first use, cache flushed or evicted, or after an outage): start from
            # the clock, so the entries stored before the loss can never be used again.
            cache.add(self.key, self._fresh(), timeout=None)
            version = cache.get(self.key)
        return version

    def bump(self, **_kwargs) -> None:
        """Make every entry stored so far stale (a signal receiver; usable directly).

        Bumped at once and again when the transaction commits: a value computed
        between the save and the commit (still reading the old rows) is stored under
        the version of the first bump, which the second makes unreachable.
        """
        self._bump()
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # no version yet, evicted, or the cache is unavailable
            if not cache.add(self.key, self._fresh(), timeout=None):
                try:
                    cache.incr(self.key)  # another process has just started one
                except ValueError:
                    pass  # unavailable: the version is forgotten when the cache is back

    @staticmethod
    def _fresh() -> int:
        return time.time_ns() // 1000

    def watch(self, labels: list[str]) -> None:
        """Bump on every save or delete of these models ("app.Model"), their many-to-many
        links included, and after every ``migrate``."""
        from django.apps import apps

        for label in labels:
            model = apps.get_model(label)
            uid = f"{self.key}.{label}"
            post_save.connect(self.bump, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(self.bump, sender=model, dispatch_uid=uid + ".delete")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    self.bump,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}.{field.name}",
                )
        post_migrate.connect(self.bump, dispatch_uid=f"{self.key}.migrate")
