"""The series index: label set -> series id, and postings (label pair -> ids) for matchers.

It lives in memory; `SeriesLog` makes it durable as an append-only file of new series, written
before any sample that refers to them, so a restart rebuilds the same ids.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from pulseboard.model.labels import PROJECT_LABEL, Labels, get
from pulseboard.model.matchers import Matcher
from pulseboard.model.samples import Int64Array
from pulseboard.storage.files import write_all
from pulseboard.storage.growable import GrowableArray

_NO_TIME = np.iinfo(np.int64).min


class SeriesIndex:
    def __init__(self) -> None:
        self._ids: dict[Labels, int] = {}
        self.labels: list[Labels] = []
        # name -> value -> ids in ascending order (ids are handed out in ascending order).
        self._postings: dict[str, dict[str, list[int]]] = defaultdict(dict)
        self._per_project: dict[str, int] = defaultdict(int)
        self.min_time = GrowableArray(np.int64, np.iinfo(np.int64).max)
        self.max_time = GrowableArray(np.int64, _NO_TIME)

    def __len__(self) -> int:
        return len(self.labels)

    def get(self, labels: Labels) -> int | None:
        return self._ids.get(labels)

    def add(self, labels: Labels) -> int:
        series_id = len(self.labels)
        self._ids[labels] = series_id
        self.labels.append(labels)
        for name, value in labels:
            self._postings[name].setdefault(value, []).append(series_id)
        self._per_project[get(labels, PROJECT_LABEL)] += 1
        self.min_time.ensure(series_id + 1)
        self.max_time.ensure(series_id + 1)
        return series_id

    def series_in_project(self, project: str) -> int:
        """Series whose `project` label is `project` ("" counts those without one)."""
        return self._per_project.get(project, 0)

    def note_times(self, ids: Int64Array, timestamps: Int64Array) -> None:
        np.minimum.at(self.min_time.data, ids, timestamps)
        np.maximum.at(self.max_time.data, ids, timestamps)

    def select(self, matchers: Sequence[Matcher]) -> Int64Array:
        """Ids of series matching every matcher, ascending.

        A matcher that matches the empty string also matches series without that label, as in
        Prometheus.
        """
        result: Int64Array | None = None
        # Most selective first: equality matchers shrink the candidate set cheaply.
        for matcher in sorted(matchers, key=lambda m: m.matches("")):
            ids = self._matching(matcher, result)
            result = ids if result is None else np.intersect1d(result, ids, assume_unique=True)
            if result.size == 0:
                break
        if result is None:
            return np.arange(len(self.labels), dtype=np.int64)
        return result

    def _matching(self, matcher: Matcher, candidates: Int64Array | None) -> Int64Array:
        values = self._postings.get(matcher.name, {})
        if matcher.matches(""):
            excluded = [ids for value, ids in values.items() if not matcher.matches(value)]
            universe = (
                candidates
                if candidates is not None
                else np.arange(len(self.labels), dtype=np.int64)
            )
            if not excluded:
                return universe
            return np.setdiff1d(universe, _union(excluded), assume_unique=True)
        if matcher.type.value == "=":
            return np.asarray(values.get(matcher.value, ()), dtype=np.int64)
        return _union([ids for value, ids in values.items() if matcher.matches(value)])

    def names_of(self, ids: Int64Array) -> set[str]:
        names: set[str] = set()
        for series_id in ids.tolist():
            names.update(name for name, _ in self.labels[series_id])
        return names

    def values_of(self, name: str, ids: Int64Array) -> set[str]:
        if ids.shape[0] == len(self.labels):
            return set(self._postings.get(name, {}))
        found = {get(self.labels[series_id], name) for series_id in ids.tolist()}
        found.discard("")
        return found

    def in_time_range(self, ids: Int64Array, start_ms: int, end_ms: int) -> Int64Array:
        keep = (self.min_time.data[ids] <= end_ms) & (self.max_time.data[ids] >= start_ms)
        return ids[keep]


def _union(lists: Iterable[list[int]]) -> Int64Array:
    arrays = [np.asarray(ids, dtype=np.int64) for ids in lists]
    if not arrays:
        return np.empty(0, dtype=np.int64)
    if len(arrays) == 1:
        return arrays[0]
    return np.unique(np.concatenate(arrays))


class SeriesLog:
    """Append-only file of created series, one JSON line each: [id, [[name, value], ...]]."""

    def __init__(self, path: Path, fsync: bool) -> None:
        self._path = path
        self._fsync = fsync
        self._fd: int | None = None

    def load(self, index: SeriesIndex) -> None:
        if not self._path.exists():
            return
        data = self._path.read_bytes()
        good_end = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break  # torn tail of a write that was never acknowledged
            series_id, pairs = json.loads(line)
            if series_id != len(index):
                raise RuntimeError(f"{self._path}: series id {series_id} out of sequence")
            index.add(tuple((name, value) for name, value in pairs))
            good_end += len(line)
        if good_end != len(data):
            with open(self._path, "r+b") as handle:
                handle.truncate(good_end)

    def append(self, entries: Sequence[tuple[int, Labels]]) -> None:
        if not entries:
            return
        if self._fd is None:
            self._fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        payload = b"".join(
            json.dumps([series_id, [list(pair) for pair in labels]]).encode() + b"\n"
            for series_id, labels in entries
        )
        write_all(self._fd, payload)
        if self._fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
