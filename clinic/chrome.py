"""The site's chrome (header and footer), rendered once and reused.

Every page wraps its own content in the same header and footer. They depend only on the
language, the clinic profile and, for the header, the page's address (the language
switch and the current section); nothing in them belongs to a visitor (no CSRF token,
no message, no patient's data). So each is rendered once per (language, clinic
profile, address) and kept in this process's memory, a bounded dictionary of HTML.

The key holds the clinic profile's field values themselves, not a version number: an
edit in the admin gives a new key on every app server at once, with no cache round
trip per request (the profile is read once per request anyway, clinic/models.py), and a
process can never serve a footer for a profile that has since changed.
"""

import threading
from collections import OrderedDict

from django.db import models

# Enough for every page of the site in both languages; the oldest goes first.
MAX_FRAGMENTS = 512


class FragmentMemo:
    """A bounded, thread-safe least-recently-used dictionary of rendered HTML."""

    def __init__(self, size: int = MAX_FRAGMENTS):
        self.size = size
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


FRAGMENTS = FragmentMemo()


def content_of(instance: models.Model | None) -> tuple:
    """Every stored value of a row (each language's field included): part of a key that
    changes whenever the row does."""
    if instance is None:
        return ()
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)
