"""The embedded store against real files in a temporary data directory."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from pulseboard.config import StorageConfig
from pulseboard.model.labels import InvalidSeriesError
from pulseboard.model.matchers import parse_selector
from pulseboard.model.samples import STALE_NAN, BatchBuilder, SampleBatch, stale_mask
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import Scope

HOUR = 3_600_000
NOW = int(time.time() * 1000) // 1000 * 1000


def batch(*samples: tuple[dict[str, str], int, float]) -> SampleBatch:
    builder = BatchBuilder()
    for labels, timestamp, value in samples:
        builder.add(tuple(labels.items()), timestamp, value)
    return builder.build()


def grid(series: int, points: int, start: int, step: int = 15_000) -> SampleBatch:
    builder = BatchBuilder()
    for i in range(series):
        labels = (("__name__", "requests_total"), ("instance", f"host-{i}"), ("job", "api"))
        for k in range(points):
            builder.add(labels, start + k * step, float(i * 1000 + k))
    return builder.build()


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStorage:
    storage = EmbeddedStorage(tmp_path, StorageConfig())
    yield storage
    storage.close()


def select_all(storage: EmbeddedStorage, selector: str = "requests_total") -> dict:
    found = storage.select(parse_selector(selector), 0, NOW + HOUR)
    return {dict(found.series(i)[0])["instance"]: found.series(i)[1:] for i in range(len(found))}


def test_samples_read_back_as_written(store: EmbeddedStorage) -> None:
    result = store.append(grid(50, 20, NOW - HOUR))
    assert (result.accepted, result.duplicates, result.rejected) == (1000, 0, [])
    found = store.select(parse_selector('requests_total{instance="host-7"}'), 0, NOW)
    assert len(found) == 1
    _, timestamps, values = found.series(0)
    assert timestamps.tolist() == [NOW - HOUR + k * 15_000 for k in range(20)]
    assert values.tolist() == [7000.0 + k for k in range(20)]


def test_time_range_is_inclusive_at_both_ends(store: EmbeddedStorage) -> None:
    store.append(grid(1, 10, NOW - HOUR))
    found = store.select(parse_selector("requests_total"), NOW - HOUR + 15_000, NOW - HOUR + 45_000)
    assert found.timestamps.tolist() == [NOW - HOUR + 15_000 * k for k in (1, 2, 3)]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ('requests_total{instance="host-1"}', {"host-1"}),
        ('requests_total{instance!="host-1"}', {"host-0", "host-2", "host-10"}),
        ('requests_total{instance=~"host-1.*"}', {"host-1", "host-10"}),
        ('requests_total{instance=~"host-1"}', {"host-1"}),  # anchored: not host-10
        ('requests_total{instance!~"host-1.*"}', {"host-0", "host-2"}),
        ('requests_total{zone=""}', {"host-0", "host-1", "host-2", "host-10"}),
        ('requests_total{zone=~"a|"}', {"host-0", "host-1", "host-2", "host-10"}),
        ('requests_total{zone!=""}', set()),
    ],
)
def test_matchers_follow_prometheus_semantics(
    store: EmbeddedStorage, selector: str, expected: set[str]
) -> None:
    store.append(
        batch(
            *[
                ({"__name__": "requests_total", "instance": f"host-{i}"}, NOW - 1000, 1.0)
                for i in (0, 1, 2, 10)
            ]
        )
    )
    assert set(select_all(store, selector)) == expected


def test_retried_batch_is_a_no_op(store: EmbeddedStorage) -> None:
    first = store.append(grid(10, 5, NOW - HOUR))
    again = store.append(grid(10, 5, NOW - HOUR))
    assert (again.accepted, again.duplicates, again.rejected) == (0, first.accepted, [])
    assert store.select(parse_selector("requests_total"), 0, NOW).timestamps.shape == (50,)


def test_conflicting_sample_is_refused_and_the_rest_kept(store: EmbeddedStorage) -> None:
    labels = {"__name__": "requests_total", "instance": "a"}
    store.append(batch((labels, NOW - 60_000, 1.0)))
    result = store.append(
        batch(
            (labels, NOW - 60_000, 2.0),  # same timestamp, another value
            (labels, NOW - 30_000, 3.0),
            ({"__name__": "requests_total", "instance": "b"}, NOW - 30_000, 4.0),
        )
    )
    assert result.accepted == 2
    assert len(result.rejected) == 1
    assert "duplicate sample for timestamp" in result.rejected[0].reason
    assert result.rejected[0].example_timestamp_ms == NOW - 60_000
    stored = select_all(store)
    assert stored["a"][1].tolist() == [1.0, 3.0]
    assert stored["b"][1].tolist() == [4.0]


def test_out_of_order_samples_within_the_head_are_kept_in_order(store: EmbeddedStorage) -> None:
    labels = {"__name__": "requests_total", "instance": "a"}
    store.append(batch((labels, NOW - 10_000, 3.0)))
    store.append(batch((labels, NOW - 30_000, 1.0), (labels, NOW - 20_000, 2.0)))
    timestamps, values = select_all(store)["a"]
    assert timestamps.tolist() == [NOW - 30_000, NOW - 20_000, NOW - 10_000]
    assert values.tolist() == [1.0, 2.0, 3.0]


def test_too_old_and_future_samples_are_refused_by_name(store: EmbeddedStorage) -> None:
    labels = {"__name__": "requests_total", "instance": "a"}
    result = store.append(
        batch(
            (labels, NOW - 31 * 24 * HOUR, 1.0),
            (labels, NOW + 2 * HOUR, 2.0),
            (labels, -5, 3.0),
            (labels, NOW, 4.0),
        )
    )
    assert result.accepted == 1
    reasons = {r.reason: r.count for r in result.rejected}
    assert reasons == {
        "out of bounds: sample older than the raw retention": 2,
        "out of bounds: sample too far in the future": 1,
    }
    assert select_all(store)["a"][1].tolist() == [4.0]


@pytest.mark.parametrize(
    "labels",
    [
        (("__name__", "ok_total"), ("bad-name", "x")),
        (("__name__", "1starts_with_digit"), ("a", "x")),
        (("__name__", "ok_total"), ("a", "x"), ("a", "y")),
        (("job", "no_metric_name"),),
    ],
)
def test_invalid_series_refuse_the_whole_batch(
    store: EmbeddedStorage, tmp_path: Path, labels: tuple[tuple[str, str], ...]
) -> None:
    builder = BatchBuilder()
    builder.add((("__name__", "good_total"),), NOW, 1.0)
    builder.add(labels, NOW, 1.0)
    with pytest.raises(InvalidSeriesError):
        store.append(builder.build())
    assert store.select(parse_selector("good_total"), 0, NOW + 1).timestamps.shape == (0,)
    assert store.stats().series == 0
    assert not (tmp_path / "series.log").exists() or (tmp_path / "series.log").stat().st_size == 0


def test_series_limit_refuses_new_series_only(tmp_path: Path) -> None:
    storage = EmbeddedStorage(tmp_path, StorageConfig(), max_series_per_project=3)
    try:
        storage.append(grid(2, 1, NOW - 1000))
        result = storage.append(grid(5, 2, NOW - 500))
        assert result.accepted == 3 * 2  # the two known series and one new one, two samples each
        [rejection] = result.rejected
        assert "series limit of 3" in rejection.reason
        assert "max_series_per_project" in rejection.reason
        assert rejection.count == 4
        assert storage.stats().series == 3
    finally:
        storage.close()


def test_staleness_markers_survive_head_blocks_and_restart(tmp_path: Path) -> None:
    labels = {"__name__": "up", "instance": "a"}
    storage = EmbeddedStorage(tmp_path, StorageConfig())
    storage.append(
        batch((labels, NOW - 3 * HOUR, 1.0), (labels, NOW - 3 * HOUR + 15_000, STALE_NAN))
    )
    storage.append(batch((labels, NOW - 1000, float("nan"))))
    storage.maintain(NOW)
    storage.close()
    reopened = EmbeddedStorage(tmp_path, StorageConfig())
    try:
        found = reopened.select(parse_selector("up"), 0, NOW)
        assert stale_mask(found.values).tolist() == [False, True, False]
        assert np.isnan(found.values[2])
    finally:
        reopened.close()


def test_restart_replays_the_write_ahead_log(tmp_path: Path) -> None:
    storage = EmbeddedStorage(tmp_path, StorageConfig())
    storage.append(grid(20, 30, NOW - HOUR))
    before = select_all(storage)
    # No close(): as after kill -9, only what reached the files counts.
    reopened = EmbeddedStorage(tmp_path, StorageConfig())
    try:
        after = select_all(reopened)
        assert before.keys() == after.keys()
        for name in before:
            assert before[name][0].tolist() == after[name][0].tolist()
            assert before[name][1].tolist() == after[name][1].tolist()
        assert reopened.append(grid(20, 30, NOW - HOUR)).duplicates == 600
    finally:
        reopened.close()


def test_torn_log_tails_are_cut_off(tmp_path: Path) -> None:
    storage = EmbeddedStorage(tmp_path, StorageConfig())
    storage.append(grid(3, 2, NOW - HOUR))
    [wal] = list((tmp_path / "wal").glob("*.wal"))
    with open(wal, "ab") as handle:
        handle.write(b"\x05\x00\x00\x00garbage")
    with open(tmp_path / "series.log", "ab") as handle:
        handle.write(b'[3, [["__name__", "half')
    reopened = EmbeddedStorage(tmp_path, StorageConfig())
    try:
        assert len(select_all(reopened)) == 3
        assert reopened.append(grid(4, 1, NOW - 1000)).accepted == 4
    finally:
        reopened.close()


def test_closed_windows_become_blocks_and_reads_span_both(store: EmbeddedStorage) -> None:
    start = NOW - 6 * HOUR
    store.append(grid(30, 6 * 240, start))  # six hours at 15 s
    store.maintain(NOW)
    stats = store.stats()
    assert stats.blocks >= 3 * 2  # raw + two rollups for each closed window
    stored = select_all(store)
    assert len(stored) == 30
    timestamps, values = stored["host-4"]
    assert timestamps.tolist() == [start + k * 15_000 for k in range(6 * 240)]
    assert values.tolist() == [4000.0 + k for k in range(6 * 240)]


def test_batches_hold_every_series_once_and_about_the_samples_asked(
    store: EmbeddedStorage,
) -> None:
    start = NOW - 6 * HOUR
    store.append(grid(30, 6 * 240, start))  # six hours at 15 s: half in blocks, half in the head
    store.maintain(NOW)
    whole = store.select(parse_selector("requests_total"), start, NOW)
    groups = list(
        store.select_batches(parse_selector("requests_total"), start, NOW, batch_samples=3_000)
    )
    # The first group is a guess (3 series); the next ones hold 3,000 / 1,440 = 2 series each.
    assert [len(group) for group in groups] == [3] + [2] * 13 + [1]
    streamed = {
        group.series(i)[0]: group.series(i)[1:] for group in groups for i in range(len(group))
    }
    assert len(streamed) == 30
    for i in range(len(whole)):
        labels, timestamps, values = whole.series(i)
        assert streamed[labels][0].tolist() == timestamps.tolist()
        assert streamed[labels][1].tolist() == values.tolist()
    # Groups follow label order, so each reads neighbouring rows of a block.
    names = [dict(group.labels[0])["instance"] for group in groups]
    assert names == sorted(names)


def test_late_samples_for_a_closed_window_are_merged_not_duplicated(
    store: EmbeddedStorage, tmp_path: Path
) -> None:
    start = NOW - NOW % (2 * HOUR) - 6 * HOUR + 60_000  # all within one block window
    store.append(grid(2, 40, start))
    store.maintain(NOW)
    late = grid(2, 41, start)  # the same 40 again (a retry) plus one new sample
    store.append(late)
    store.maintain(NOW)
    stored = select_all(store)
    assert stored["host-1"][0].tolist() == [start + k * 15_000 for k in range(41)]
    window_blocks = [p for p in (tmp_path / "blocks" / "raw").iterdir()]
    assert len(window_blocks) == 1


def test_rollups_agree_with_the_raw_samples(store: EmbeddedStorage) -> None:
    start = NOW - NOW % HOUR - 5 * HOUR
    store.append(grid(3, 4 * 240, start))
    store.append(
        batch(({"__name__": "requests_total", "instance": "host-1"}, start + 7, STALE_NAN))
    )
    store.maintain(NOW)
    raw = store.select(parse_selector('requests_total{instance="host-1"}'), start, start + 4 * HOUR)
    rolled = store.select_rollup(
        parse_selector('requests_total{instance="host-1"}'), start, start + 4 * HOUR, 300_000
    )
    _, timestamps, values = raw.series(0)
    live = ~stale_mask(values)
    timestamps, values = timestamps[live], values[live]
    for bucket_index, bucket in enumerate(rolled.timestamps.tolist()):
        inside = (timestamps >= bucket) & (timestamps < bucket + 300_000)
        assert rolled.columns["min"][bucket_index] == values[inside].min()
        assert rolled.columns["max"][bucket_index] == values[inside].max()
        assert rolled.columns["sum"][bucket_index] == values[inside].sum()
        assert rolled.columns["count"][bucket_index] == inside.sum()
        assert rolled.columns["last"][bucket_index] == values[inside][-1]
    assert rolled.timestamps.shape[0] == 4 * 12


def test_retention_deletes_whole_blocks(tmp_path: Path) -> None:
    config = StorageConfig(retention={"raw": timedelta(hours=8)})
    storage = EmbeddedStorage(tmp_path, config)
    try:
        storage.append(grid(2, 10, NOW - 7 * HOUR))
        storage.maintain(NOW)
        assert list((tmp_path / "blocks" / "raw").iterdir())
        storage.maintain(NOW + 4 * HOUR)
        assert not list((tmp_path / "blocks" / "raw").iterdir())
        assert list((tmp_path / "blocks" / "5m").iterdir())  # rollups are kept longer
        assert storage.select(parse_selector("requests_total"), 0, NOW).timestamps.size == 0
    finally:
        storage.close()


def test_a_scoped_caller_writes_and_reads_only_its_project(store: EmbeddedStorage) -> None:
    atlas, borealis = Scope("atlas"), Scope("borealis")
    store.append(batch(({"__name__": "x", "project": "borealis"}, NOW - 1000, 1.0)), atlas)
    store.append(batch(({"__name__": "x"}, NOW - 1000, 2.0)), borealis)
    assert [dict(s)["project"] for s in store.series([parse_selector("x")], 0, NOW, atlas)] == [
        "atlas"
    ]
    seen = store.select(parse_selector('x{project="atlas"}'), 0, NOW, borealis)
    assert len(seen) == 0
    assert store.label_values("project", [], 0, NOW) == ["atlas", "borealis"]


def test_label_names_and_values_respect_selectors_and_time(store: EmbeddedStorage) -> None:
    store.append(batch(({"__name__": "a", "x": "1"}, NOW - 5 * HOUR, 1.0)))
    store.append(batch(({"__name__": "b", "y": "2"}, NOW - 1000, 1.0)))
    assert store.label_names([], 0, NOW) == ["__name__", "x", "y"]
    assert store.label_names([parse_selector("b")], 0, NOW) == ["__name__", "y"]
    assert store.label_values("__name__", [], NOW - HOUR, NOW) == ["b"]


def test_a_retry_of_samples_already_in_a_block_counts_as_duplicate(store: EmbeddedStorage) -> None:
    start = NOW - 6 * HOUR
    store.append(grid(3, 10, start))
    store.maintain(NOW)
    again = store.append(grid(3, 10, start))
    assert (again.accepted, again.duplicates, again.rejected) == (0, 30, [])
    labels = {"__name__": "requests_total", "instance": "host-1", "job": "api"}
    conflict = store.append(batch((labels, start, 99.0)))
    assert conflict.accepted == 0 and "duplicate sample" in conflict.rejected[0].reason


def test_a_window_with_logs_of_two_generations_is_replayed_whole(tmp_path: Path) -> None:
    """The server stopped while closing a window into which late samples had already arrived."""
    start = NOW - 6 * HOUR
    storage = EmbeddedStorage(tmp_path, StorageConfig())
    storage.append(grid(2, 4, start))
    [first_log] = list((tmp_path / "wal").glob("*.wal"))
    saved = first_log.read_bytes()
    storage.maintain(NOW)  # writes the block and removes the first log
    storage.append(grid(2, 6, start))  # a retry plus two later samples: a second generation
    # As if the block had never been written and the first log were still there:
    for block in (tmp_path / "blocks").glob("*/*"):
        shutil.rmtree(block)
    first_log.write_bytes(saved)
    assert len(list((tmp_path / "wal").glob("*.wal"))) == 2
    reopened = EmbeddedStorage(tmp_path, StorageConfig())
    try:
        stored = select_all(reopened)
        assert stored["host-1"][0].tolist() == [start + k * 15_000 for k in range(6)]
        assert stored["host-1"][1].tolist() == [1000.0 + k for k in range(6)]
        reopened.maintain(NOW)
        assert not list((tmp_path / "wal").glob("*.wal"))
        assert select_all(reopened)["host-0"][1].tolist() == [float(k) for k in range(6)]
    finally:
        reopened.close()
