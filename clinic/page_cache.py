"""Whole-page cache for the public content pages (home, contact, treatments).

Anonymous visitors' GET requests are answered from the default cache (Redis in
production, shared by every app server) with the body the view rendered last time.
Only the *view's* response is cached: every middleware (security headers, CSP,
Permissions-Policy, sessions, X-Frame-Options) still runs on a cached hit.

Invalidation is by version, never by hunting keys: one "content version" integer
lives in the cache; a page is stored with the version it was rendered under and
served only while that is still the version. The version is read once a request, in
the same round trip as the clinic's profile (clinic/request_memo.py), and each process
keeps copies of the pages it served last (``recent_pages``), so a hit usually costs no
round trip of its own; a copy, like Redis's entry, is used only under the current version.
``CONTENT_VERSION`` below names every model a public page shows, whichever app it
belongs to; any write to one of them (a save, a delete, a bulk update) bumps it, so
every page renders afresh next time (clinic/cache_versions.py). Running ``migrate``
(every deploy) bumps it too, and the static files' manifest hash and the layout of
what is stored are part of the key, so a new release never serves pages pointing at
old assets. While Redis is unavailable every page is rendered from the database and
nothing is stored; after the outage the version starts afresh.

Not cached, ever: logged-in users (staff previews of drafts included), requests
with pending messages, anything but GET, query strings other than tracking tags,
and responses that are not a plain 200, set a cookie, change the session, carry a
CSRF token or say ``private``/``no-store``.
"""

import hashlib
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from clinic.cache_versions import CacheVersion, layout_fingerprint
from clinic.process_memo import LruMemo
from clinic.redis_cache import drop_after_outage

VERSION_KEY = "page-cache:version"
# Every model whose rows a public page shows. Named by label, so this module imports none
# of the apps; tests/clinic/test_cache_dependencies.py fails if a page reads one not here.
CONTENT_VERSION = CacheVersion(
    VERSION_KEY,
    depends_on=[
        "clinic.ClinicProfile",
        "clinic.PrivacyNotice",
        "treatments.Treatment",
        "treatments.Section",
        "treatments.FAQ",
        "treatments.TreatmentImage",
        # The treatment page's "who should not have this treatment" (booking's template tag).
        "booking.ScreeningQuestion",
    ],
)
# A safety net only (edits invalidate at once): also bounds anything changed behind
# the ORM's back, e.g. with raw SQL.
TIMEOUT = getattr(settings, "PAGE_CACHE_SECONDS", 60 * 60)
# Query parameters that do not change the page (campaign links); any other parameter
# means the request is rendered and not cached, so random URLs cannot fill the cache.
IGNORED_PARAMETERS = ("utm_", "gclid", "fbclid", "msclkid")
HEADER = "X-Page-Cache"

content_version = CONTENT_VERSION.current
# Invalidate every cached page (for writes behind the ORM's back, and tests).
bump = CONTENT_VERSION.bump


@dataclass(frozen=True)
class StoredPage:
    """What the cache keeps of a rendered page."""

    version: int
    content: bytes
    headers: list[tuple[str, str]]


# Part of every key: a release that changes StoredPage never reads older entries.
FORMAT = layout_fingerprint(StoredPage)


# --- the decorator --------------------------------------------------------------------


def _static_release() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def _cacheable_request(request) -> bool:
    if request.method != "GET":
        return False
    for name in request.GET:
        if not name.startswith(IGNORED_PARAMETERS):
            return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False  # staff see drafts and previews; nobody signed in gets a shared page
    storage = getattr(request, "_messages", None)
    if storage is not None and len(storage):
        # Reading them here does not mark them used: the page that renders shows them.
        return False
    return True


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page used a CSRF token: it is this visitor's
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def page_key(request) -> str:
    raw = "|".join(
        (
            FORMAT,
            request.get_host(),
            request.path,
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            _static_release(),
        )
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


# This process's copies of the pages it served last, so that a hit costs no round trip to
# Redis beyond the version, which the request has already read with the clinic's profile
# (clinic/request_memo.py). A copy is used only under the current version, exactly as
# Redis's entry is: an edit on any server shows at once on every other.
recent_pages: LruMemo[str, StoredPage] = LruMemo(getattr(settings, "PAGE_CACHE_RECENT_PAGES", 200))
# After an outage the versions start afresh (clinic/redis_cache.py): drop the copies too.
drop_after_outage(recent_pages.clear)


def _serve(stored: StoredPage) -> HttpResponse:
    response = HttpResponse(stored.content)
    for name, value in stored.headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


def cache_public_page(view):
    """Serve ``view``'s rendered page from the cache to anonymous visitors."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        # Read with the clinic's profile when the request started: no round trip here.
        version = CONTENT_VERSION.known()
        if version is not None:
            stored = recent_pages.get(key)
            if stored is not None and stored.version == version:
                return _serve(stored)
            stored = cache.get(key)
            # An entry counts only if it was stored under the current version.
            if isinstance(stored, StoredPage) and stored.version == version:
                recent_pages.put(key, stored)
                return _serve(stored)
        if version is None:
            # Missing, so nothing is stored under it yet: start one and store under it.
            version = content_version()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        # No version: the cache is unavailable (see clinic/redis_cache.py), store nothing.
        if version is not None and _cacheable_response(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() != HEADER.lower()]
            stored = StoredPage(version, response.content, headers)
            cache.set(key, stored, TIMEOUT)
            recent_pages.put(key, stored)
            response[HEADER] = "miss"
        return response

    # Which version makes this view's pages stale (tests/clinic/test_cache_dependencies.py
    # finds every cached view by it).
    wrapped.cache_version = CONTENT_VERSION
    return wrapped
