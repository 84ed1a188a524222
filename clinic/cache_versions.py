"""What each cached thing depends on, declared once, and how it is made stale.

Some things are worked out from the database and kept in the cache (Redis in production,
shared by every app server): the public pages (clinic/page_cache.py), the free times of
the booking calendar (booking/free_times.py), the blank questionnaire
(booking/blank_questionnaire.py) and the appointment book's counts in admin
(booking/book_count.py). Each is stored with the *version* it was
computed under and used only while that is still the version, so making everything stale
is one increment of one number: nobody ever hunts for keys.

**Declaring a cached thing.** Where it is defined, one line names every model whose rows
it reads (``"app_label.ModelName"``):

    SCHEDULE_VERSION = CacheVersion(
        "booking:schedule-version", depends_on=["booking.Appointment", "booking.Closure", ...]
    )

A proxy model is covered by its concrete model, and a many-to-many link by the model
that declares the field. Where a cached thing reads only some fields of a model, busy
with writes of others, it may name them (``reads_only={"booking.Appointment": [...]}``):
an ``update()`` or a ``save(update_fields=...)`` that writes none of them then leaves the
version as it was (a plain ``save()``, a create or a delete still bumps it). From that
list alone the version is bumped by:

- every save and delete of those models and every change of their many-to-many links
  (signal receivers, connected here);
- every bulk write through their QuerySets, ``update()``, ``delete()``, ``bulk_create()``
  and ``bulk_update()``: the models' managers are built on ``InvalidatingQuerySet``, and a
  system check (``clinic.E011``, clinic/checks.py) fails for a declared model whose
  managers are not;
- every ``migrate`` (each deploy).

Only raw SQL goes around it (the benchmark's seeding bumps by hand); each entry also
expires on its own after a while, a safety net. tests/clinic/test_cache_dependencies.py
renders every cached page and works out the calendar, maps the tables their SQL reads to
models, and fails naming any model that is read but not declared.

**Formats.** A cached entry is a pickle (a dataclass, a model instance). Its key includes
``layout_fingerprint()`` of the classes pickled, a hash of their fields' names and types,
so a release that changes a class never reads back an entry an older release stored.

**Redis outages.** While the cache is unavailable the version is unknown (``current()``
is None) and callers store nothing. A bump lost then is made good when the cache answers
again: the version keys are deleted before anything else is read (``forget_after_outage``,
clinic/redis_cache.py), and a missing version starts afresh from the clock, so no entry
stored under an old version is ever served after an outage.
"""

import dataclasses
import hashlib
import time
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

import django
from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import (
    class_prepared,
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
)

from clinic import request_memo
from clinic.redis_cache import forget_after_outage

_T = TypeVar("_T")

# Every cached thing's version, and, by concrete model ("booking.appointment"), the
# versions of the cached things that read it.
DECLARED: list["CacheVersion"] = []
_READ_BY: dict[str, list["CacheVersion"]] = defaultdict(list)


class CacheVersion:
    """The version of one cached thing, and the models it is worked out from."""

    def __init__(
        self,
        key: str,
        *,
        depends_on: Iterable[str] = (),
        reads_only: dict[str, Iterable[str]] | None = None,
    ):
        self.key = key
        self.depends_on = tuple(depends_on)
        declared = {label.lower() for label in self.depends_on}
        self.reads_only = {
            label.lower(): tuple(names) for label, names in (reads_only or {}).items()
        }
        if not set(self.reads_only) <= declared:
            raise ValueError(f"{key}: reads_only names a model depends_on does not.")
        # By concrete model, once it is loaded (_watch): the fields' names and columns.
        self._fields_read: dict[str, frozenset[str]] = {}
        forget_after_outage(key)
        DECLARED.append(self)
        for label in self.depends_on:
            app_label, _, model_name = label.lower().partition(".")
            # Once the model exists (now, or when the app registry loads it). A label that
            # names no model never fires: the system check clinic.E010 reports it.
            apps.lazy_model_operation(partial(_watch, self), (app_label, model_name))

    def __repr__(self) -> str:
        return f"CacheVersion({self.key!r})"

    def known(self) -> int | None:
        """The version if there is one; None when it is missing or the cache is
        unavailable. Read once a request when the request prefetched it
        (clinic/request_memo.py)."""
        version = request_memo.prefetched(self.key)
        if version is request_memo.NOT_READ:
            version = cache.get(self.key)
        return version

    def current(self) -> int | None:
        """The version to store new entries under; None while the cache is unavailable
        (store nothing then)."""
        version = self.known()
        if version is None:
            # Missing (first use, cache flushed or evicted, or after an outage): start from
            # the clock, so the entries stored before the loss can never be used again.
            cache.add(self.key, self._fresh(), timeout=None)
            version = cache.get(self.key)
        return version

    def cached(
        self,
        key: str,
        compute: Callable[[], _T],
        timeout: float,
        usable: Callable[[_T], bool] | None = None,
    ) -> _T:
        """``compute()``'s value, from the cache while this is still the version it was
        stored under (the version and the value read in one round trip) and ``usable``,
        when given, accepts it; computed and stored under the current version otherwise
        (nothing stored while the cache is unavailable)."""
        found = cache.get_many([self.key, key])
        version = found.get(self.key)
        stored = found.get(key)
        if (
            version is not None
            and isinstance(stored, tuple)
            and stored[0] == version
            and (usable is None or usable(stored[1]))
        ):
            return stored[1]
        if version is None:
            version = self.current()
        value = compute()
        if version is not None:  # None: the cache is unavailable (clinic/redis_cache.py)
            cache.set(key, (version, value), timeout)
        return value

    def fields_read(self, model: type[models.Model]) -> frozenset[str] | None:
        """The fields of ``model`` (names and columns) this thing reads, if only some."""
        concrete = model._meta.concrete_model or model
        return self._fields_read.get(concrete._meta.label_lower)

    def made_stale_by(self, model: type[models.Model], fields: Iterable[str] | None) -> bool:
        """Whether a write of ``fields`` (None: any field, or not known) of ``model``
        changes what this thing is worked out from."""
        read = self.fields_read(model)
        return fields is None or read is None or not read.isdisjoint(fields)

    def bump(self, **_kwargs: object) -> None:
        """Make every entry stored so far stale (usable as a signal receiver).

        Bumped at once and again when the transaction commits: a value computed
        between the write and the commit (still reading the old rows) is stored under
        the version of the first bump, which the second makes unreachable.
        """
        self._bump()
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        request_memo.forget(self.key)
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


def versions_reading(model: type[models.Model]) -> list[CacheVersion]:
    """The versions of the cached things that read this model (or the model it proxies)."""
    concrete = model._meta.concrete_model or model
    return _READ_BY.get(concrete._meta.label_lower, [])


def bump_versions_reading(model: type[models.Model], fields: Iterable[str] | None = None) -> None:
    """Make stale what reads ``model``, or only what reads one of ``fields`` when they
    are known (an ``update()``'s, a ``save(update_fields=...)``'s)."""
    for version in versions_reading(model):
        if version.made_stale_by(model, fields):
            version.bump()


# --- Bulk writes -------------------------------------------------------------------------

_M = TypeVar("_M", bound=models.Model, covariant=True)


class InvalidatingQuerySet(models.QuerySet[_M]):
    """A QuerySet whose bulk writes make stale the cached things that read its model.

    ``update()``, ``delete()`` and ``bulk_create()`` send no ``post_save``, and
    ``bulk_update()`` is an ``update()``: without this, every service writing in bulk
    would have to remember to bump. The base of the QuerySet (or manager) of every model
    a cached thing declares; writes that change nothing bump nothing.
    """

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows:
            bump_versions_reading(self.model, fields=kwargs.keys())
        return rows

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        if deleted[0]:
            bump_versions_reading(self.model)
        return deleted

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump_versions_reading(self.model)
        return created


# --- Signals: saves, deletes, links, migrate ----------------------------------------------


def _saved(
    sender: type[models.Model],
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    **_kwargs: object,
) -> None:
    bump_versions_reading(sender, fields=None if created else update_fields)


def _deleted(sender: type[models.Model], **_kwargs: object) -> None:
    bump_versions_reading(sender)


def _links_changed(sender: type[models.Model], action: str, **_kwargs: object) -> None:
    if action.startswith("post_"):
        # An automatic link table belongs to the model that declares the field.
        owner = sender._meta.auto_created
        bump_versions_reading(owner if isinstance(owner, type) else sender)


def _migrated(**_kwargs: object) -> None:
    for version in DECLARED:
        version.bump()


def _watch(version: CacheVersion, model: type[models.Model]) -> None:
    """From now on, writes to this model (its concrete model, if it is a proxy) make the
    version stale."""
    declared_as = model._meta.label_lower
    model = model._meta.concrete_model or model
    if declared_as in version.reads_only:
        # A misspelt field, or one that is no column, fails here, at start-up.
        found = [model._meta.get_field(name) for name in version.reads_only[declared_as]]
        columns = [field for field in found if isinstance(field, models.Field) and field.concrete]
        if len(columns) != len(found):
            raise ValueError(
                f"{version.key}: reads_only names a field of {declared_as} with no column."
            )
        version._fields_read[model._meta.label_lower] = frozenset(
            name for field in columns for name in (field.name, field.attname)
        )
    readers = _READ_BY[model._meta.label_lower]
    if version not in readers:
        readers.append(version)
    _watch_deletes(model)


def _watch_deletes(model: type[models.Model]) -> None:
    """Receive deletes of a model that is read (and of its proxies, which send their own).

    Per model, not for every sender: Django deletes rows without fetching them first only
    when nothing listens to their deletion, and the models no cache reads keep that.
    """
    proxies = [
        other
        for app_models in list(apps.all_models.values())
        for other in list(app_models.values())
        if other._meta.proxy and other._meta.concrete_model is model
    ]
    for each in (model, *proxies):
        uid = f"cache-versions.delete.{each._meta.label_lower}"
        post_delete.connect(_deleted, sender=each, dispatch_uid=uid)


def _proxy_prepared(sender: type[models.Model], **_kwargs: object) -> None:
    """A proxy defined after its concrete model was declared."""
    if sender._meta.proxy and versions_reading(sender):
        uid = f"cache-versions.delete.{sender._meta.label_lower}"
        post_delete.connect(_deleted, sender=sender, dispatch_uid=uid)


# A save or a link change costs a dictionary lookup for models nothing reads; a delete
# receiver is connected per model (above).
post_save.connect(_saved, dispatch_uid="cache-versions.save")
m2m_changed.connect(_links_changed, dispatch_uid="cache-versions.links")
post_migrate.connect(_migrated, dispatch_uid="cache-versions.migrate")
class_prepared.connect(_proxy_prepared, dispatch_uid="cache-versions.proxy")


# --- Formats -------------------------------------------------------------------------------


def layout_fingerprint(*classes: type) -> str:
    """A short hash of how instances of these classes are laid out when pickled.

    A dataclass: its fields' names and types, and the layout of every dataclass named in
    those types (``list[Slot]`` includes ``Slot``). A model: its concrete fields' names
    and classes, and Django's version (which pickles model instances). Put it in the key
    of every cached entry, so a change to a cached class gives new keys by itself.
    """
    layouts: dict[str, object] = {}

    def describe(cls: type) -> None:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in layouts:
            return
        if dataclasses.is_dataclass(cls):
            hints = typing.get_type_hints(cls)
            layouts[name] = [(f.name, repr(hints[f.name])) for f in dataclasses.fields(cls)]
            for field in dataclasses.fields(cls):
                for inner in _classes_in(hints[field.name]):
                    describe(inner)
        elif issubclass(cls, models.Model):
            layouts[name] = [django.get_version()] + [
                (f.attname, f"{type(f).__module__}.{type(f).__qualname__}")
                for f in cls._meta.concrete_fields
            ]
        else:
            layouts[name] = None

    for cls in classes:
        describe(cls)
    return hashlib.sha256(repr(sorted(layouts.items())).encode()).hexdigest()[:12]


def _classes_in(hint: object) -> list[type]:
    """The classes a type hint names, e.g. ``dict[int, list[Slot]]`` -> int, Slot."""
    found = [hint] if isinstance(hint, type) and typing.get_origin(hint) is None else []
    for argument in typing.get_args(hint):
        found += _classes_in(argument)
    return found
