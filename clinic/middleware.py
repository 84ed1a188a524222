import re
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from clinic import page_cache, request_memo
from clinic.models import ClinicProfile, keys_read_with_every_request
from clinic.sessions import cache_key_for_cookie


class ClinicTimezoneMiddleware:
    """Shows every time in the clinic's own zone, whatever the visitor's zone is.

    It is also where a request first reads the cache, in one round trip: the clinic's
    profile and the booking policy, the public pages' version (clinic/page_cache.py), and
    the visitor's session (clinic/sessions.py); see clinic/request_memo.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        keys = [*keys_read_with_every_request(), page_cache.VERSION_KEY]
        session = cache_key_for_cookie(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        if session is not None:
            keys.append(session)
        request_memo.prefetch(*keys)
        timezone.activate(ClinicProfile.load().tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# C0 controls, DEL and C1 controls (Unicode category Cc), tab and newline included.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RefuseControlCharactersMiddleware:
    """Answers 400 (the site's kind ``400.html``) to an address holding a control character.

    No path segment or query parameter of this site legitimately holds one (slugs,
    tokens, dates, campaign tags), and PostgreSQL refuses NUL in any text it is given,
    so a lookup with ``?treatment=%00`` would otherwise fail with a 500. Checking here,
    once, keeps every view (and the admin's search and filters) safe without each one
    remembering to. POST bodies are the forms' business: they refuse NUL themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTER.search(request.path_info) or any(
            CONTROL_CHARACTER.search(name) or any(CONTROL_CHARACTER.search(v) for v in values)
            for name, values in request.GET.lists()
        ):
            # Handled by Django like any bad request: clinic.views.bad_request renders it.
            raise BadRequest("A control character in the path or query string.")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Sends a Permissions-Policy header that switches off features the site never uses.

    ``settings.PERMISSIONS_POLICY`` maps a feature to its allow-list; an empty list
    gives ``feature=()`` (nobody, not even this site).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in policy.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's never_cache) for pages with patient data.

    Applies to every response under ``settings.NO_STORE_PATH_PREFIXES`` (the booking
    flow, the manage links and the admin), in every language: ``/book/`` covers
    ``/es/book/`` and ``/en/book/``. A view elsewhere that shows patient details uses
    ``django.views.decorators.cache.never_cache`` itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        prefixes = tuple(getattr(settings, "NO_STORE_PATH_PREFIXES", ()))
        languages = [f"/{code}" for code, _name in settings.LANGUAGES]
        self.prefixes = prefixes + tuple(lang + p for lang in languages for p in prefixes)

    def __call__(self, request):
        response = self.get_response(request)
        if self.prefixes and request.path_info.startswith(self.prefixes):
            add_never_cache_headers(response)
        return response


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without activity.

    Instead of writing the session on every request (SESSION_SAVE_EVERY_REQUEST), an
    active session's expiry is pushed forward at most once a minute: the same idle
    timeout, with one write a minute instead of one a request.
    """

    TOUCH_KEY = "_touched"
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(self.TOUCH_KEY, 0) >= self.TOUCH_EVERY:
            session[self.TOUCH_KEY] = now
        return response
