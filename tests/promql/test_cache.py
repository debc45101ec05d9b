"""The result cache: hits within the TTL, never across tenants, bounded, thread-safe."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from fastapi.testclient import TestClient

from pulseboard.promql.api import (
    InstantSample,
    Matrix,
    QueryExecutionError,
    QueryResult,
    QueryTimeoutError,
    RangeSeries,
    SharedSubexpressions,
    Vector,
)
from pulseboard.promql.cache import CachedEngine
from pulseboard.storage.protocol import UNRESTRICTED, Scope


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingEngine:
    """Answers a matrix with `points` samples naming the call, so answers can be told apart."""

    def __init__(self, points: int = 3) -> None:
        self.calls = 0
        self.points = points
        self.fail: Exception | None = None
        self.gate: threading.Event | None = None
        self.lock = threading.Lock()

    def _answer(self, tag: str) -> QueryResult:
        with self.lock:
            self.calls += 1
            call = self.calls
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail is not None:
            raise self.fail
        series = RangeSeries(
            (("call", str(call)), ("tag", tag)),
            np.arange(self.points, dtype=np.int64),
            np.full(self.points, float(call)),
        )
        return QueryResult(Matrix([series]), ["warned"])

    def instant(
        self, query: str, time_ms: int, scope: Scope = UNRESTRICTED, timeout_s: float | None = None
    ) -> QueryResult:
        self._answer(f"{query}@{time_ms}/{scope.project}")
        sample = InstantSample((("call", str(self.calls)),), time_ms, 1.0)
        return QueryResult(Vector([sample]))

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
        return self._answer(f"{query}:{start_ms}:{end_ms}:{step_ms}/{scope.project}")


def call_of(result: QueryResult) -> str:
    assert isinstance(result.value, Matrix)
    return dict(result.value.series[0].labels)["call"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inner() -> CountingEngine:
    return CountingEngine()


@pytest.fixture
def cache(inner: CountingEngine, clock: Clock) -> CachedEngine:
    return CachedEngine(inner, 5.0, clock=clock)


def test_identical_queries_within_the_ttl_are_answered_from_memory(
    cache: CachedEngine, inner: CountingEngine, clock: Clock
) -> None:
    first = cache.range("up", 0, 3600_000, 60_000)
    clock.now += 4.9
    again = cache.range("up", 0, 3600_000, 60_000, timeout_s=30)  # timeout is not in the key
    assert inner.calls == 1
    assert call_of(first) == call_of(again) == "1"
    assert again.warnings == ["warned"]
    clock.now += 0.2  # 5.1 s after the first query started: expired
    assert call_of(cache.range("up", 0, 3600_000, 60_000)) == "2"
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 2, 1)


def test_the_ttl_counts_from_when_the_query_started(clock: Clock) -> None:
    class SlowEngine(CountingEngine):
        def _answer(self, tag: str) -> QueryResult:
            clock.now += 4.0  # the query itself takes 4 s
            return super()._answer(tag)

    inner = SlowEngine()
    cache = CachedEngine(inner, 5.0, clock=clock)
    cache.range("up", 0, 1, 1)
    clock.now += 1.5  # 5.5 s after its data was read: too old, though stored 1.5 s ago
    cache.range("up", 0, 1, 1)
    assert inner.calls == 2


@pytest.mark.parametrize(
    "other",
    [
        ("down", 0, 3600_000, 60_000, UNRESTRICTED),
        ("up", 60_000, 3600_000, 60_000, UNRESTRICTED),
        ("up", 0, 3660_000, 60_000, UNRESTRICTED),
        ("up", 0, 3600_000, 30_000, UNRESTRICTED),
        ("up", 0, 3600_000, 60_000, Scope("atlas")),
    ],
)
def test_everything_that_decides_the_answer_is_in_the_key(
    cache: CachedEngine, inner: CountingEngine, other: tuple[str, int, int, int, Scope]
) -> None:
    cache.range("up", 0, 3600_000, 60_000, UNRESTRICTED)
    assert call_of(cache.range(*other)) == "2"
    assert inner.calls == 2


def test_tenants_never_see_each_others_results(cache: CachedEngine) -> None:
    atlas = cache.range("up", 0, 10, 1, Scope("atlas"))
    borealis = cache.range("up", 0, 10, 1, Scope("borealis"))
    assert dict(atlas.value.series[0].labels)["tag"].endswith("/atlas")  # type: ignore[union-attr]
    assert dict(borealis.value.series[0].labels)["tag"].endswith("/borealis")  # type: ignore[union-attr]
    assert call_of(cache.range("up", 0, 10, 1, Scope("atlas"))) == call_of(atlas)


def test_instant_and_range_queries_do_not_share_entries(
    cache: CachedEngine, inner: CountingEngine
) -> None:
    cache.instant("up", 10)
    cache.range("up", 10, 0, 0)
    cache.instant("up", 10)
    assert inner.calls == 2


def test_errors_are_not_cached(cache: CachedEngine, inner: CountingEngine) -> None:
    inner.fail = QueryExecutionError("boom")
    with pytest.raises(QueryExecutionError):
        cache.range("up", 0, 1, 1)
    inner.fail = None
    assert call_of(cache.range("up", 0, 1, 1)) == "2"


def test_entries_are_bounded_least_recently_used_first(inner: CountingEngine) -> None:
    cache = CachedEngine(inner, 60.0, max_entries=2)
    cache.range("a", 0, 1, 1)
    cache.range("b", 0, 1, 1)
    cache.range("a", 0, 1, 1)  # a is now the most recently used
    cache.range("c", 0, 1, 1)  # evicts b
    assert inner.calls == 3
    cache.range("a", 0, 1, 1)
    assert inner.calls == 3
    cache.range("b", 0, 1, 1)
    assert inner.calls == 4
    assert cache.stats().entries == 2


def test_memory_is_bounded_by_points(inner: CountingEngine) -> None:
    inner.points = 40
    cache = CachedEngine(inner, 60.0, max_points=100)
    for query in ("a", "b", "c"):
        cache.range(query, 0, 1, 1)
    assert cache.stats().points <= 100
    assert cache.stats().entries == 2
    inner.points = 500  # larger than the whole cache: answered, never stored
    cache.range("huge", 0, 1, 1)
    cache.range("huge", 0, 1, 1)
    assert inner.calls == 5


def test_zero_ttl_caches_nothing(inner: CountingEngine) -> None:
    cache = CachedEngine(inner, 0.0)
    cache.range("up", 0, 1, 1)
    cache.range("up", 0, 1, 1)
    assert inner.calls == 2


def test_callers_get_their_own_containers_and_read_only_arrays(cache: CachedEngine) -> None:
    first = cache.range("up", 0, 1, 1)
    assert isinstance(first.value, Matrix)
    first.value.series.clear()
    first.warnings.append("mine")
    again = cache.range("up", 0, 1, 1)
    assert isinstance(again.value, Matrix)
    assert len(again.value.series) == 1
    assert again.warnings == ["warned"]
    with pytest.raises(ValueError):
        again.value.series[0].values[0] = 99.0


def test_concurrent_identical_queries_run_once(inner: CountingEngine) -> None:
    cache = CachedEngine(inner, 5.0)
    inner.gate = threading.Event()
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(cache.range, "up", 0, 1, 1, UNRESTRICTED, 10.0) for _ in range(8)]
        while cache.stats().misses == 0:
            pass
        inner.gate.set()
        results = [future.result() for future in futures]
    assert inner.calls == 1
    assert {call_of(result) for result in results} == {"1"}
    assert cache.stats().shared + cache.stats().hits == 7


def test_a_waiter_gives_up_at_its_own_timeout(inner: CountingEngine) -> None:
    cache = CachedEngine(inner, 5.0)
    inner.gate = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(cache.range, "up", 0, 1, 1)
        while inner.calls == 0:
            pass
        with pytest.raises(QueryTimeoutError):
            cache.range("up", 0, 1, 1, UNRESTRICTED, 0.05)
        inner.gate.set()
        assert call_of(leader.result()) == "1"


def test_waiters_run_the_query_themselves_when_the_leader_fails(inner: CountingEngine) -> None:
    cache = CachedEngine(inner, 5.0)
    inner.gate = threading.Event()
    inner.fail = QueryTimeoutError("query timed out")
    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(cache.range, "up", 0, 1, 1)
        while inner.calls == 0:
            pass
        follower = pool.submit(cache.range, "up", 0, 1, 1)
        inner.gate.set()
        with pytest.raises(QueryTimeoutError):
            leader.result()
        with pytest.raises(QueryTimeoutError):
            follower.result()
    assert inner.calls == 2


def test_the_servers_engine_is_cached_and_keeps_tenants_apart(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    now_ms = int(time.time() * 1000)
    text = f'm{{project="atlas"}} 1 {now_ms}\nm{{project="borealis"}} 2 {now_ms}\n'
    assert client.post("/api/v1/import/prometheus", content=text).status_code == 204
    engine = client.app.state.pulseboard.engine  # type: ignore[attr-defined]
    assert isinstance(engine, CachedEngine)

    def answer(project: str | None) -> list[float]:
        result = engine.instant("m", now_ms, Scope(project))
        assert isinstance(result.value, Vector)
        return sorted(sample.value for sample in result.value.samples)

    for _ in range(2):  # the second round is answered from the cache
        assert answer("atlas") == [1.0]
        assert answer("borealis") == [2.0]
        assert answer(None) == [1.0, 2.0]
    assert engine.stats().hits == 3

    uncached = make_client(query={"cache_ttl": "0s"}).app.state.pulseboard.engine  # type: ignore[attr-defined]
    assert not isinstance(uncached, CachedEngine)
