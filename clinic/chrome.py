"""The site's chrome (header and footer), rendered once and reused.

Every page wraps its own content in the same header and footer. They depend only on the
language, the clinic profile and, for the header, the page's address (the language
switch and the current section); nothing in them belongs to a visitor (no CSRF token,
no message, no patient's data). So each is rendered once per (language, clinic
profile, address) and kept in this process's memory (clinic/process_memo.py).

The key holds the clinic profile's field values themselves, not a version number: an
edit in the admin gives a new key on every app server at once, with no cache round
trip per request (the profile is read once per request anyway, clinic/models.py), and a
process can never serve a footer for a profile that has since changed.
"""

from django.db import models

from clinic.process_memo import LruMemo

# Enough for every page of the site in both languages; the oldest goes first.
MAX_FRAGMENTS = 512


FRAGMENTS: LruMemo[tuple, str] = LruMemo(MAX_FRAGMENTS)


def content_of(instance: models.Model | None) -> tuple:
    """Every stored value of a row (each language's field included): part of a key that
    changes whenever the row does."""
    if instance is None:
        return ()
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)
