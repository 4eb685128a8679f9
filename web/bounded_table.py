"""A table of recently used things, bounded by how many it holds and by their bytes.

Whatever a request can name (an address with its query, a header) may be new on every
request: a table filled from requests must forget, or a crawler decides how much memory a
worker takes. The least recently used entry makes way.
"""

import threading
from collections import OrderedDict


class BoundedTable:
    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries = OrderedDict()  # key -> (value, size)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key, value, size: int) -> None:
        """Keep `value`, which takes about `size` bytes; one larger than an eighth of the
        table is not kept (it would push out many others for one address)."""
        if size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._entries[key] = (value, size)
            self.bytes += size
            self._make_room()

    def grew(self, key, value, extra: int) -> None:
        """`value`, kept under `key`, now takes `extra` bytes more (another encoding)."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] is not value:
                return
            self._entries[key] = (value, found[1] + extra)
            self.bytes += extra
            self._make_room()

    def _make_room(self) -> None:
        while self._entries and (len(self._entries) > self.max_entries or self.bytes > self.max_bytes):
            _, (_, size) = self._entries.popitem(last=False)
            self.bytes -= size
