"""Decoded data kept for the next read (dashboards re-read the same hours): row groups of closed
blocks and chunks of the head's compressed segments.

Decompressing and decoding dominates a read; panels refreshing every few seconds read the same
row groups and chunks again and again. Entries are immutable arrays (blocks are written once, a
frozen head run is replaced, never changed, and names its chunks uniquely), so a cached group is
never stale; the least recently used go first once the byte budget is spent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

Group = dict[str, np.ndarray]
GroupKey = tuple[str, int]  # (block directory, row group) or (head window, run and chunk)


class DecodedGroupCache:
    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._groups: OrderedDict[GroupKey, Group] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: GroupKey, load: Callable[[], Group]) -> Group:
        with self._lock:
            found = self._groups.get(key)
            if found is not None:
                self._groups.move_to_end(key)
                return found
        group = load()  # outside the lock: decoding is the slow part and releases the GIL
        for array in group.values():
            array.flags.writeable = False
        size = sum(array.nbytes for array in group.values())
        if size > self._max_bytes:
            return group
        with self._lock:
            if key not in self._groups:
                self._groups[key] = group
                self._bytes += size
            while self._bytes > self._max_bytes:
                _, evicted = self._groups.popitem(last=False)
                self._bytes -= sum(array.nbytes for array in evicted.values())
        return group

    def forget(self, owner: str) -> None:
        """Drop the groups of a deleted block or closed head window (its name may be reused)."""
        with self._lock:
            for key in [key for key in self._groups if key[0] == owner]:
                self._bytes -= sum(array.nbytes for array in self._groups.pop(key).values())

    @property
    def size_bytes(self) -> int:
        return self._bytes
