"""The demo workload against a real embedded store: what it writes, and that it never rewrites."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from pulseboard.config import DemoConfig, LimitsConfig, StorageConfig
from pulseboard.demo import DemoWorkload
from pulseboard.demo.catalogue import CATALOGUE, RESETTING_COUNTERS, MetricSpec
from pulseboard.demo.projects import PROJECT_NAMES
from pulseboard.demo.simulator import Simulator
from pulseboard.ingest.pipeline import Ingester
from pulseboard.model.labels import Labels, metric_name
from pulseboard.model.matchers import Matcher, MatchType
from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.telemetry import Telemetry

BACKFILL = timedelta(hours=3)
INTERVAL = timedelta(milliseconds=200)
STEP_MS = 60_000

Data = dict[Labels, tuple[Int64Array, Float64Array]]

SPEC_OF: dict[str, MetricSpec] = {
    name: spec for spec in CATALOGUE for name in spec.series_names
}  # series name -> its catalogue entry


@dataclass
class Store:
    path: Path
    storage: EmbeddedStorage
    ingester: Ingester

    @classmethod
    def open(cls, path: Path) -> Store:
        storage = EmbeddedStorage(path, StorageConfig())
        return cls(path, storage, Ingester(storage, LimitsConfig(), Telemetry(storage)))

    def reopen(self) -> Store:
        self.storage.close()
        return Store.open(self.path)

    def read(self) -> Data:
        """Every series in the store, whoever wrote it."""
        now = int(time.time() * 1000)
        every = [Matcher.create("__name__", MatchType.REGEX, ".+")]
        found = self.storage.select(every, now - 2 * 86_400_000, now + 3_600_000)
        return {labels: (ts, values) for labels, ts, values in map(found.series, range(len(found)))}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.storage.close()


def workload(store: Store, backfill: timedelta = BACKFILL, seed: int = 42) -> DemoWorkload:
    config = DemoConfig(enabled=True, interval=INTERVAL, backfill=backfill)
    return DemoWorkload(store.ingester, store.storage, config, seed=seed)


async def run(demo: DemoWorkload, ticks: int = 2) -> DemoWorkload:
    """Start, wait for the backfill and `ticks` live writes, stop."""
    await demo.start()
    try:
        await asyncio.wait_for(demo.backfilled.wait(), timeout=120)
        async with asyncio.timeout(60):
            while demo.stats.live_ticks < ticks:
                await asyncio.sleep(0.02)
    finally:
        await demo.stop()
    return demo


def simulate(seed: int, start: datetime, hours: int) -> Data:
    """The simulator alone over a fixed past stretch, in 2-hour frames as the backfill does."""
    simulator = Simulator(seed)
    first = int(start.timestamp() * 1000)
    times = np.arange(first, first + hours * 3_600_000, STEP_MS, dtype=np.int64)
    columns: dict[Labels, list[Float64Array]] = defaultdict(list)
    previous = first - STEP_MS
    for chunk in np.array_split(times, max(1, hours // 2)):
        samples = simulator.advance(chunk, previous)
        previous = int(chunk[-1])
        for position, labels in enumerate(samples.series):
            columns[labels].append(samples.values[:, position])
    return {labels: (times, np.concatenate(parts)) for labels, parts in columns.items()}


# Monday to Thursday of a past week: fixed, so the incidents in it are fixed too.
PAST_WEEK = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def four_days() -> Data:
    return simulate(42, PAST_WEEK, 96)


# ----------------------------------------------------------------------------- invariants


def label(labels: Labels, name: str) -> str:
    return dict(labels).get(name, "")


def without(labels: Labels, *names: str) -> Labels:
    return tuple((n, v) for n, v in labels if n not in names)


def restart_times(data: Data) -> dict[str, set[int]]:
    """pod -> times at which its restart counter went up."""
    found: dict[str, set[int]] = defaultdict(set)
    for labels, (ts, values) in data.items():
        if metric_name(labels) == "kube_pod_container_status_restarts_total":
            found[label(labels, "pod")].update(ts[1:][np.diff(values) > 0].tolist())
    return found


def assert_counters_only_grow(data: Data) -> int:
    """Returns how many resets it saw (all of them at a restart of the pod)."""
    restarts = restart_times(data)
    resets = 0
    for labels, (ts, values) in data.items():
        name = metric_name(labels)
        if SPEC_OF[name].type == "gauge":
            continue
        assert values.min() >= 0, labels
        dropped = set(ts[1:][np.diff(values) < 0].tolist())
        if name in RESETTING_COUNTERS:
            assert dropped <= restarts[label(labels, "pod")], (labels, dropped)
            resets += len(dropped)
        else:
            assert not dropped, f"{labels} decreased at {sorted(dropped)[:3]}"
    return resets


def assert_histograms_consistent(data: Data) -> int:
    """Buckets cumulative in `le`, `+Inf` == `_count` at every time; returns groups checked."""
    buckets: dict[Labels, dict[float, Float64Array]] = defaultdict(dict)
    counts: dict[Labels, Float64Array] = {}
    times: dict[Labels, Int64Array] = {}
    for labels, (ts, values) in data.items():
        name = metric_name(labels)
        family = (*without(labels, "__name__", "le"), ("family", SPEC_OF[name].name))
        if name.endswith("_bucket"):
            buckets[family][float(label(labels, "le"))] = values
            times.setdefault(family, ts)
            assert np.array_equal(times[family], ts), f"{labels}: buckets at different times"
        elif name.endswith("_count"):
            counts[family] = values
    assert buckets and set(buckets) == set(counts)
    for family, by_le in buckets.items():
        spec = SPEC_OF[label(family, "family") + "_bucket"]
        assert sorted(by_le) == [*spec.buckets, float("inf")], family
        stacked = np.vstack([by_le[le] for le in sorted(by_le)])
        assert np.all(np.diff(stacked, axis=0) >= 0), f"{family}: buckets not cumulative"
        assert np.array_equal(by_le[float("inf")], counts[family]), f"{family}: +Inf != _count"
    return len(buckets)


def names_of(data: Data) -> set[str]:
    return {metric_name(labels) for labels in data}


# ----------------------------------------------------------------------------- through the store


async def test_backfill_then_live_writes_every_catalogued_series(store: Store) -> None:
    began = int(time.time() * 1000)
    demo = await run(workload(store))
    data = store.read()

    assert names_of(data) == set(SPEC_OF)
    assert 1500 <= len(data) <= 3000
    for labels in data:
        assert label(labels, "project") in PROJECT_NAMES, labels
        spec = SPEC_OF[metric_name(labels)]
        expected = {"__name__", *spec.labels} | (
            {"le"} if metric_name(labels).endswith("_bucket") else set()
        )
        assert {n for n, _ in labels} == expected, labels

    # Every series got every time: the backfill on a 60 s grid from 3 h ago, then live ticks.
    times = {tuple(ts.tolist()) for ts, _ in data.values()}
    assert len(times) == 1
    ts = np.array(times.pop())
    backfilled = ts[ts % STEP_MS == 0]
    oldest = began - BACKFILL.total_seconds() * 1000
    assert oldest <= backfilled[0] < oldest + 2 * STEP_MS  # the grid point after `oldest`
    assert np.all(np.diff(backfilled) == STEP_MS)
    assert len(ts) >= len(backfilled) + 1  # live ticks at 200 ms can land on the grid too
    assert ts[-1] > began

    stored = sum(len(values) for _, values in data.values())
    assert demo.stats.accepted == stored
    assert demo.stats.rejected == demo.stats.duplicates == 0
    # storage.maintain() ran between chunks: the closed windows are blocks, not head memory.
    assert store.storage.stats().blocks > 0

    assert_counters_only_grow(data)
    assert assert_histograms_consistent(data) > 0


async def test_metadata_describes_every_metric(store: Store) -> None:
    await run(workload(store), ticks=1)
    metadata = store.storage.metadata()
    for spec in CATALOGUE:
        assert spec.name in metadata, spec.name
        assert metadata[spec.name].type == spec.type
        assert metadata[spec.name].help
        assert metadata[spec.name].unit == spec.unit


async def test_restart_continues_without_rewriting_history(store: Store) -> None:
    await run(workload(store))
    before = store.read()
    newest = max(int(ts[-1]) for ts, _ in before.values())

    store = store.reopen()  # as after a server restart: the index and head come from disk
    again = await run(workload(store))
    after = store.read()

    assert again.stats.rejected == again.stats.duplicates == 0
    assert set(after) == set(before)
    new_times: set[int] = set()
    for labels, (ts, values) in after.items():
        old_ts, old_values = before[labels]
        kept = ts <= newest
        assert np.array_equal(ts[kept], old_ts), f"{labels}: history changed"
        assert np.array_equal(values[kept], old_values), f"{labels}: history rewritten"
        new_times.update(ts[~kept].tolist())
    assert new_times, "the second run wrote nothing"
    # Only the new times were added: nothing from `now - backfill` was written again.
    added = sum(len(v) for _, v in after.values()) - sum(len(v) for _, v in before.values())
    assert added == len(new_times) * len(after) == again.stats.accepted
    assert_counters_only_grow(after)  # the counters continued from their stored values
    assert_histograms_consistent(after)
    store.storage.close()


async def test_stopped_mid_backfill_resumes_where_it_stopped(store: Store) -> None:
    demo = workload(store, backfill=timedelta(hours=12))
    await demo.start()
    async with asyncio.timeout(60):
        while demo.stats.accepted == 0:
            await asyncio.sleep(0.01)
    await demo.stop()
    assert not demo.backfilled.is_set()  # six 2-hour chunks; it stopped after one or two

    again = await run(workload(store, backfill=timedelta(hours=12)), ticks=1)
    assert again.stats.rejected == again.stats.duplicates == 0
    data = store.read()
    # The store does not report a rewrite of a window already closed into a block, so this
    # is what shows that the second run wrote only what the first had not.
    stored = sum(len(values) for _, values in data.values())
    assert demo.stats.accepted + again.stats.accepted == stored
    ts, _ = next(iter(data.values()))
    backfilled = ts[ts % STEP_MS == 0]
    assert np.all(np.diff(backfilled) == STEP_MS), "a gap where the first run stopped"
    assert backfilled[-1] - backfilled[0] >= 12 * 3_600_000 - 2 * STEP_MS


# ----------------------------------------------------------------------------- the simulation


def test_counters_reset_only_where_a_pod_restarted(four_days: Data) -> None:
    assert sum(len(times) for times in restart_times(four_days).values()) > 0
    assert assert_counters_only_grow(four_days) > 0
    assert assert_histograms_consistent(four_days) > 0


def test_deterministic_given_the_seed_yet_varying_with_time() -> None:
    start = datetime(2026, 3, 4, 9, tzinfo=UTC)
    first, second = simulate(7, start, 2), simulate(7, start, 2)
    other = simulate(8, start, 2)
    assert first.keys() == second.keys() == other.keys()
    for labels in first:
        assert np.array_equal(first[labels][1], second[labels][1]), labels
    assert any(not np.array_equal(first[k][1], other[k][1]) for k in first)
    active = [v for k, (_, v) in first.items() if metric_name(k) == "sessions_active"]
    assert all(len(np.unique(v)) > 5 for v in active)


SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
UNIT_SUFFIX = re.compile(r"_(seconds|bytes|usd)(_total)?$")


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda s: s.name)
def test_names_follow_prometheus_conventions(spec: MetricSpec) -> None:
    assert SNAKE.match(spec.name)
    assert spec.labels[0] == "project" and all(SNAKE.match(n) for n in spec.labels)
    assert "le" not in spec.labels and len(set(spec.labels)) == len(spec.labels)
    assert spec.help.endswith(".") and len(spec.help) > 20
    suffixes = ("_total", "_count", "_sum", "_bucket")
    if spec.type == "counter":
        assert spec.name.endswith("_total") and spec.name.count("_total") == 1
    else:
        assert not spec.name.endswith(suffixes)
    # The unit is in the name exactly when it is declared, as the last word before `_total`.
    unit = UNIT_SUFFIX.search(spec.name)
    assert (unit.group(1) if unit else "") == spec.unit
    if spec.type == "histogram":
        assert spec.unit and list(spec.buckets) == sorted(set(spec.buckets))
        assert all(np.isfinite(spec.buckets)) and spec.buckets[0] > 0


def rate_by(data: Data, name: str, key: str, since: int, until: int) -> dict[str, float]:
    """Increase of every series of `name` in (since, until], added up by label `key`."""
    total: dict[str, float] = defaultdict(float)
    for labels, (ts, values) in data.items():
        if metric_name(labels) == name:
            inside = (ts > since) & (ts <= until)
            total[label(labels, key)] += float(np.diff(values, prepend=values[0])[inside].sum())
    return total


def test_baselines_meet_the_targets_and_incidents_break_them(four_days: Data) -> None:
    ts = next(iter(four_days.values()))[0]
    first, last = int(ts[0]), int(ts[-1])

    statuses = rate_by(four_days, "http_requests_total", "status", first, last)
    requests = sum(statuses.values())
    server_errors = sum(v for s, v in statuses.items() if s.startswith("5")) / requests
    client_errors = sum(v for s, v in statuses.items() if s.startswith("4")) / requests
    assert server_errors < 0.006 and client_errors < 0.05

    # An error burst: some project has > 1% 5xx over some 5 minutes.
    steps = len(ts) - 1
    worst = 0.0
    for project in PROJECT_NAMES:
        bad, every = np.zeros(steps), np.zeros(steps)
        for labels, (_, values) in four_days.items():
            if metric_name(labels) == "http_requests_total" and label(labels, "project") == project:
                every += np.diff(values)
                if label(labels, "status").startswith("5"):
                    bad += np.diff(values)
        five_minutes = np.ones(5)
        ratio = np.convolve(bad, five_minutes, "valid") / np.convolve(every, five_minutes, "valid")
        worst = max(worst, float(ratio.max()))
    assert worst > 0.01

    reasons = rate_by(four_days, "sessions_failed_total", "reason", first, last)
    completed = sum(rate_by(four_days, "sessions_completed_total", "project", first, last).values())
    finished = completed + sum(reasons.values())
    assert 0.85 < completed / finished < 0.95
    assert reasons["timeout"] / finished < 0.05 and reasons["unknown"] / finished < 0.01

    # LLM spend lands where "projected month" and the $50/day warning mean something.
    spend = sum(rate_by(four_days, "llm_cost_usd_total", "project", first, last).values())
    assert 30 < spend / 4 < 80
