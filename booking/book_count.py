"""How many appointments a list of the appointment book holds, kept until one changes.

The book's lists in admin (booking/admin/appointments.py, the review queue) count their
rows for the pages under them. That COUNT is the one query of a list that grows with the
book (an index-only scan: ~8 ms at 50,000 appointments, ~80 ms at 200,000), and its answer
changes only when an appointment does. So each list's count is kept, per query (its SQL
and parameters: the filters, the search, today's date), under a version that every write
of an appointment makes stale (clinic/cache_versions.py): never a count the book no
longer has.
"""

import hashlib

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from clinic.cache_versions import CacheVersion

# Imported by booking/apps.py, so that every process (the worker, commands) bumps it.
BOOK_VERSION = CacheVersion(
    "booking:book-version",
    depends_on=["booking.Appointment"],  # and its proxy, the clinicians' review queue
)
KEPT_SECONDS = 60 * 60  # a safety net: a write makes the count stale at once


class BookPaginator(Paginator):
    """Django's paginator, with the count kept until an appointment changes."""

    @cached_property
    def count(self) -> int:
        counted = self.object_list
        if not isinstance(counted, QuerySet):  # a list: nothing to keep
            return len(counted)
        try:
            # What decides the count (the tables and the conditions), without the columns,
            # joins and order the page reads: a fifth of compiling the page's own query.
            sql, params = counted.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing: no query to keep
            return counted.count()
        # Hashed: a search for a patient's name or email is not kept in the key.
        query = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        return BOOK_VERSION.cached(f"booking:book-count:{query}", counted.count, KEPT_SECONDS)
