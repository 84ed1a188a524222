"""What one process keeps in its own memory: a bounded least-recently-used dictionary.

Used for what is worked out from shared state and is the same for every request that
asks with the same key: the header and footer (clinic/chrome.py), the copies of public
pages (clinic/page_cache.py), the admin sidebar (clinic/templatetags/admin_sidebar.py).
Each key (or the value's own version) says what it was worked out from, so an entry is
never wrong, only unused; the least recently used goes first when the memo is full.
"""

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruMemo(Generic[K, V]):
    """A bounded, thread-safe least-recently-used dictionary."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
