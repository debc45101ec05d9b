"""A short-lived result cache in front of the query engine, for dashboard traffic.

A dashboard open on ten screens, refreshing every few seconds, asks the same range queries over
and over; Grafana and our own UI align start and end to the step, so those requests are identical.
The cache answers them from memory for `ttl_s` seconds, and runs a query that is already running
for someone else only once (the others wait for its result).

Invalidation is by age only, on purpose. A result depends on every sample any of its selectors
could match, on late and out-of-order samples, on retention removing blocks and on the clock
(`now`-relative ranges): invalidating on writes would mean matching each ingested series against
every cached query on the ingest hot path, and a missed case would serve wrong data for as long as
the entry lives. Expiring a few seconds after the query started bounds staleness to the TTL
whatever changed, which is below a dashboard's refresh interval and close to the freshness a
scrape interval gives anyway.

The key holds everything that decides the answer: query text, time parameters and the caller's
whole `Scope` (the project its selectors are restricted to), so one tenant can never be answered
with another's data. Engine settings (lookback, limits) are fixed per engine, and there is one
cache per engine. The timeout is not part of the key: it decides whether an answer comes, not
what it is, and failures are never cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from pulseboard.promql.api import (
    Matrix,
    QueryEngine,
    QueryResult,
    QueryTimeoutError,
    SharedSubexpressions,
    Vector,
)
from pulseboard.storage.protocol import UNRESTRICTED, Scope

# (kind, query, time or start, end, step, scope)
_Key = tuple[str, str, int, int, int, Scope]


@dataclass
class _Entry:
    result: QueryResult
    expires: float
    points: int


@dataclass
class _Flight:
    """A query being computed; callers asking for the same key wait for it instead."""

    done: threading.Event = field(default_factory=threading.Event)
    result: QueryResult | None = None


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    shared: int = 0  # answered by waiting for an identical query already running
    entries: int = 0
    points: int = 0


class CachedEngine:
    """Same interface as the engine it wraps; results are shared, so callers must not mutate
    the arrays in them (they are made read-only) - the lists are copied per caller."""

    def __init__(
        self,
        engine: QueryEngine,
        ttl_s: float = 5.0,
        *,
        max_entries: int = 1024,
        max_points: int = 5_000_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = engine
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        # Bounds memory by samples held (16 bytes each), not by entry count alone: one wide
        # query can weigh as much as thousands of stat panels.
        self.max_points = max_points
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._flights: dict[_Key, _Flight] = {}
        self._points = 0
        self._stats = CacheStats()

    def instant(
        self, query: str, time_ms: int, scope: Scope = UNRESTRICTED, timeout_s: float | None = None
    ) -> QueryResult:
        return self._get(
            ("instant", query, time_ms, 0, 0, scope),
            lambda: self.inner.instant(query, time_ms, scope, timeout_s),
            timeout_s,
        )

    def range(
        self,
        query: str,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        scope: Scope = UNRESTRICTED,
        timeout_s: float | None = None,
        shared: SharedSubexpressions | None = None,
    ) -> QueryResult:
        return self._get(
            ("range", query, start_ms, end_ms, step_ms, scope),
            lambda: self.inner.range(query, start_ms, end_ms, step_ms, scope, timeout_s, shared),
            timeout_s,
        )

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                self._stats.hits,
                self._stats.misses,
                self._stats.shared,
                len(self._entries),
                self._points,
            )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._points = 0

    def _get(
        self, key: _Key, compute: Callable[[], QueryResult], timeout_s: float | None
    ) -> QueryResult:
        started = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry.expires > started:
                    self._entries.move_to_end(key)
                    self._stats.hits += 1
                    return _private_copy(entry.result)
                self._drop(key)
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
                self._stats.misses += 1
        if not leader:
            return self._follow(flight, compute, timeout_s)
        try:
            result = compute()
        except BaseException:
            with self._lock:
                del self._flights[key]
            flight.done.set()  # followers run the query themselves: errors are not shared
            raise
        _freeze(result)
        with self._lock:
            del self._flights[key]
            # The entry expires TTL after the query *started*: that is how old its data may be.
            self._store(key, _Entry(result, started + self.ttl_s, _points(result)))
        flight.result = result
        flight.done.set()
        return _private_copy(result)

    def _follow(
        self, flight: _Flight, compute: Callable[[], QueryResult], timeout_s: float | None
    ) -> QueryResult:
        if not flight.done.wait(timeout_s):
            raise QueryTimeoutError("query timed out in query execution")
        if flight.result is None:
            return compute()
        with self._lock:
            self._stats.shared += 1
        return _private_copy(flight.result)

    def _store(self, key: _Key, entry: _Entry) -> None:
        if self.ttl_s <= 0 or entry.points > self.max_points:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self._points += entry.points
        while len(self._entries) > self.max_entries or self._points > self.max_points:
            self._drop(next(iter(self._entries)))  # least recently used first

    def _drop(self, key: _Key) -> None:
        self._points -= self._entries.pop(key).points


def _points(result: QueryResult) -> int:
    value = result.value
    if isinstance(value, Matrix):
        return sum(len(series.timestamps) for series in value.series) + len(value.series)
    if isinstance(value, Vector):
        return len(value.samples) + 1
    return 1


def _freeze(result: QueryResult) -> None:
    """Make shared arrays read-only, so a caller that writes into one fails loudly instead of
    changing what the next caller is answered."""
    if isinstance(result.value, Matrix):
        for series in result.value.series:
            series.timestamps.flags.writeable = False
            series.values.flags.writeable = False


def _private_copy(result: QueryResult) -> QueryResult:
    """The containers are mutable (callers truncate and sort them); copying them is O(series)."""
    value = result.value
    if isinstance(value, Matrix):
        value = Matrix(list(value.series))
    elif isinstance(value, Vector):
        value = Vector(list(value.samples))
    return QueryResult(value, list(result.warnings))
