"""The head window (compressed in time segments) against a plain sorted numpy reference."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from pulseboard.model.samples import STALE_NAN_BITS, Float64Array, Int64Array
from pulseboard.storage.chunks import FrozenRun, ValueCodec
from pulseboard.storage.head import HeadWindow
from pulseboard.storage.runs import Run

WINDOW = 7_200_000
START = 1_700_000_000_000 // WINDOW * WINDOW
MINUTE = 60_000

# Small segments and chunks, so a few hundred samples exercise freezing, many chunks and
# late samples; `late_min` small so compressing a segment anew happens too.
SMALL: dict[str, Any] = {
    "segment_ms": 5 * MINUTE,
    "slack_ms": MINUTE,
    "chunk_samples": 16,
    "late_min": 8,
}


class Reference:
    """What the head should hold: every (series, timestamp) -> value bits, kept in a dict."""

    def __init__(self) -> None:
        self.samples: dict[tuple[int, int], int] = {}

    def add(self, ids: Int64Array, timestamps: Int64Array, values: Float64Array) -> None:
        bits = values.view(np.uint64).tolist()
        for key, value in zip(
            zip(ids.tolist(), timestamps.tolist(), strict=True), bits, strict=True
        ):
            assert key not in self.samples
            self.samples[key] = value

    def select(
        self, ids: list[int], start: int, end: int
    ) -> tuple[list[int], list[int], list[int]]:
        wanted = set(ids)
        rows = sorted(
            (series, timestamp, bits)
            for (series, timestamp), bits in self.samples.items()
            if series in wanted and start <= timestamp <= end
        )
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def insert(
    head: HeadWindow,
    reference: Reference,
    ids: Int64Array,
    timestamps: Int64Array,
    values: Float64Array,
) -> None:
    """As the store does: sort by key, drop samples already stored, insert the rest."""
    keys = head.keys(ids, timestamps)
    order = np.argsort(keys, kind="stable")
    keys, ids, timestamps, values = keys[order], ids[order], timestamps[order], values[order]
    first = np.ones(keys.shape[0], dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    found, _ = head.lookup(keys)
    new = first & ~found
    reference.add(ids[new], timestamps[new], values[new])
    head.insert(keys[new], values[new])


def as_rows(head: HeadWindow, run: Run) -> tuple[list[int], list[int], list[int]]:
    ids, timestamps = head.split_keys(run.keys)
    return ids.tolist(), timestamps.tolist(), run.values.view(np.uint64).tolist()


def random_values(rng: np.random.Generator, count: int) -> Float64Array:
    """Gauges, counters, and NaNs of several payloads (the staleness marker among them)."""
    values = np.round(rng.normal(100, 30, count), int(rng.integers(0, 4)))
    special = rng.random(count) < 0.1
    bits = np.array(
        [STALE_NAN_BITS, 0x7FF8000000000000, 0xFFF8000000000001, 0x8000000000000000],
        dtype=np.uint64,
    )
    values.view(np.uint64)[special] = rng.choice(bits, int(special.sum()))
    return values


def filled(
    rng: np.random.Generator, series: int = 40, **options: Any
) -> tuple[HeadWindow, Reference]:
    """A head fed scrapes in time order, with late, repeated and out-of-order samples mixed in."""
    head = HeadWindow(START, START + WINDOW, 0, **options)
    reference = Reference()
    for step in range(0, WINDOW, 15_000):
        present = rng.random(series) < 0.9
        ids = np.flatnonzero(present).astype(np.int64)
        timestamps = np.full(ids.shape[0], START + step, dtype=np.int64)
        timestamps += rng.integers(0, 3, ids.shape[0])  # a little jitter
        if rng.random() < 0.2:  # a sender catching up: samples up to 40 minutes late
            late = int(rng.integers(1, 30))
            ids = np.concatenate([ids, rng.integers(0, series, late)])
            back = rng.integers(0, 40 * MINUTE, late)
            timestamps = np.concatenate([timestamps, np.maximum(START + step - back, START)])
        insert(head, reference, ids, timestamps, random_values(rng, ids.shape[0]))
    return head, reference


@pytest.fixture(scope="module", params=["zstd", "lz4"])
def small_head(request: pytest.FixtureRequest) -> tuple[HeadWindow, Reference]:
    return filled(np.random.default_rng(11), **SMALL, value_codec=request.param)


def test_everything_matches_the_reference(small_head: tuple[HeadWindow, Reference]) -> None:
    head, reference = small_head
    assert head.samples == len(reference.samples)
    everything = head.everything()
    assert as_rows(head, everything) == reference.select(list(range(1000)), 0, 2**62)
    assert np.all(np.diff(everything.keys) > 0)
    # Most samples are compressed; only late ones and the newest segment are not.
    memory = head.memory()
    assert memory["frozen_bytes"] > 0
    assert memory["loose_bytes"] < 16 * head.samples / 4


def test_random_selections_match_the_reference(small_head: tuple[HeadWindow, Reference]) -> None:
    head, reference = small_head
    rng = np.random.default_rng(5)
    for _ in range(150):
        ids = sorted(set(rng.integers(0, 45, int(rng.integers(1, 45))).tolist()))
        start = START + int(rng.integers(-MINUTE, WINDOW))
        end = start + int(rng.integers(0, WINDOW // 2))
        found = head.select(np.array(ids, dtype=np.int64), start, end)
        assert as_rows(head, found) == reference.select(ids, start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, START),  # the window's first instant
        (START + WINDOW - 1, START + WINDOW + 10 * MINUTE),  # its last instant, and beyond
        (START + 5 * MINUTE, START + 10 * MINUTE - 1),  # exactly one segment
        (START + 5 * MINUTE - 1, START + 5 * MINUTE),  # both sides of a segment boundary
        (START + 10 * MINUTE, START + 10 * MINUTE),  # one instant on a boundary
        (START - WINDOW, START + WINDOW * 2),  # all of it
    ],
)
def test_boundaries_are_inclusive(
    small_head: tuple[HeadWindow, Reference], start: int, end: int
) -> None:
    head, reference = small_head
    ids = list(range(40))
    assert as_rows(head, head.select(np.arange(40), start, end)) == reference.select(
        ids, start, end
    )


def test_samples_on_segment_boundaries() -> None:
    head = HeadWindow(START, START + WINDOW, 0, **SMALL)
    reference = Reference()
    edges = [0, 1, 5 * MINUTE - 1, 5 * MINUTE, 5 * MINUTE + 1, 10 * MINUTE, WINDOW - 1]
    for offset in edges:
        ids = np.arange(3, dtype=np.int64)
        insert(head, reference, ids, np.full(3, START + offset), np.arange(3.0) + offset / 1000)
    for offset in edges:
        found = head.select(np.arange(3), START + offset, START + offset)
        assert as_rows(head, found) == reference.select([0, 1, 2], START + offset, START + offset)
    assert as_rows(head, head.everything()) == reference.select([0, 1, 2], 0, 2**62)


def test_empty_selections(small_head: tuple[HeadWindow, Reference]) -> None:
    head, _ = small_head
    for ids, start, end in [
        (np.empty(0, dtype=np.int64), START, START + WINDOW),  # no series
        (np.array([500, 600]), START, START + WINDOW),  # series without samples here
        (np.arange(40), START + WINDOW, START + 2 * WINDOW),  # after the window
        (np.arange(40), START - WINDOW, START - 1),  # before it
        (np.arange(40), START + MINUTE, START + MINUTE - 1),  # end before start
    ]:
        found = head.select(ids, start, end)
        assert found.keys.shape == (0,)
        assert found.values.shape == (0,)
        assert found.keys.dtype == np.int64
        assert found.values.dtype == np.float64
    empty = HeadWindow(START, START + WINDOW, 0)
    assert empty.everything().keys.shape == (0,)
    assert empty.select(np.arange(3), START, START + WINDOW).keys.shape == (0,)
    stored, values = empty.lookup(empty.keys(np.arange(3), np.full(3, START)))
    assert not stored.any()
    assert np.isnan(values).all()


def test_lookup_finds_stored_samples_in_frozen_chunks_and_late_runs(
    small_head: tuple[HeadWindow, Reference],
) -> None:
    head, reference = small_head
    stored = list(reference.samples.items())
    rng = np.random.default_rng(3)
    chosen = [stored[i] for i in rng.choice(len(stored), 3000, replace=False)]
    ids = np.array([key[0] for key, _ in chosen], dtype=np.int64)
    timestamps = np.array([key[1] for key, _ in chosen], dtype=np.int64)
    # Absent keys in between: other series, timestamps next to stored ones.
    absent_ids = np.concatenate([ids + 100, ids])
    absent_timestamps = np.concatenate([timestamps, timestamps + 7])
    absent = [
        (i, t)
        for i, t in zip(absent_ids.tolist(), absent_timestamps.tolist(), strict=True)
        if (i, t) not in reference.samples
    ]
    query_ids = np.concatenate([ids, np.array([a[0] for a in absent], dtype=np.int64)])
    query_timestamps = np.concatenate(
        [timestamps, np.array([a[1] for a in absent], dtype=np.int64)]
    )
    shuffle = rng.permutation(query_ids.shape[0])  # lookups need not be sorted
    keys = head.keys(query_ids[shuffle], query_timestamps[shuffle])
    found, values = head.lookup(keys)
    expected_found = shuffle < ids.shape[0]
    assert found.tolist() == expected_found.tolist()
    expected_bits = [chosen[i][1] for i in shuffle[expected_found].tolist()]
    assert values[found].view(np.uint64).tolist() == expected_bits
    assert np.isnan(values[~found]).all()


def test_late_samples_for_a_frozen_segment_are_found_and_read() -> None:
    options = {**SMALL, "late_min": 1000}  # late samples stay uncompressed here
    head = HeadWindow(START, START + WINDOW, 0, **options)
    reference = Reference()
    ids = np.arange(30, dtype=np.int64)
    for step in range(0, 20 * MINUTE, 15_000):
        timestamps = np.full(30, START + step, dtype=np.int64)
        insert(head, reference, ids, timestamps, np.arange(30.0) + step / 1e3)
    before = head.memory()
    assert before["frozen_bytes"] > 0  # the first segments are frozen
    # Late: between the scrapes of the first (frozen) segment, and a repeat of a frozen sample.
    late_ids = np.array([3, 3, 17, 29], dtype=np.int64)
    late_timestamps = START + np.array([7_000, 7_001, 60_000 + 5, 4 * MINUTE], dtype=np.int64)
    insert(head, reference, late_ids, late_timestamps, np.array([-1.0, -2.0, -3.0, -4.0]))
    assert head.memory()["loose_bytes"] > before["loose_bytes"]
    found, values = head.lookup(head.keys(late_ids, late_timestamps))
    assert found.tolist() == [True] * 4
    assert values.tolist() == [-1.0, -2.0, -3.0, 29 + 240.0]  # the repeat was not stored
    # The sample at START of series 3 is frozen; its neighbour at 7_000 is late: both found.
    found, values = head.lookup(head.keys(np.array([3, 3]), START + np.array([0, 7_000])))
    assert found.tolist() == [True, True]
    assert values.tolist() == [3.0, -1.0]
    assert as_rows(head, head.select(np.array([3, 17, 29]), START, START + 5 * MINUTE)) == (
        reference.select([3, 17, 29], START, START + 5 * MINUTE)
    )
    assert as_rows(head, head.everything()) == reference.select(list(range(30)), 0, 2**62)


def test_many_late_samples_are_compressed_again() -> None:
    head = HeadWindow(START, START + WINDOW, 0, **SMALL)
    reference = Reference()
    ids = np.arange(10, dtype=np.int64)
    for step in range(0, 30 * MINUTE, 15_000):
        insert(head, reference, ids, np.full(10, START + step), np.full(10, step / 1e3))
    # A backfill of the first segment, at other timestamps, in several batches.
    for batch in range(10):
        offsets = np.arange(batch * 30_000 + 1, (batch + 1) * 30_000, 1_000)
        late_ids = np.repeat(ids, offsets.shape[0])
        late_timestamps = START + np.tile(offsets, 10)
        insert(head, reference, late_ids, late_timestamps, late_timestamps / 7.0)
    # All past segments compressed (anew): only the newest ones' samples stay uncompressed.
    assert head.memory()["loose_bytes"] <= 16 * 10 * 2 * 5 * 4 * 2
    assert as_rows(head, head.everything()) == reference.select(list(range(10)), 0, 2**62)
    keys = head.keys(late_ids, late_timestamps)
    found, values = head.lookup(keys)
    assert found.all()
    assert values.tolist() == (late_timestamps / 7.0).tolist()


def test_duplicates_are_detected_across_frozen_chunks() -> None:
    head = HeadWindow(START, START + WINDOW, 0, **SMALL)
    reference = Reference()
    ids = np.arange(50, dtype=np.int64)  # 50 series x 20 scrapes a segment: many chunks of 16
    for step in range(0, 15 * MINUTE, 15_000):
        insert(
            head, reference, ids, np.full(50, START + step), (ids * 1000 + step).astype(np.float64)
        )
    # A retry of the whole first 5 minutes: every sample is stored, in some chunk or other.
    timestamps = START + np.arange(0, 5 * MINUTE, 15_000)
    retry_ids = np.repeat(ids, timestamps.shape[0])
    retry_timestamps = np.tile(timestamps, 50)
    keys = head.keys(retry_ids, retry_timestamps)
    found, values = head.lookup(keys)
    assert found.all()
    assert values.tolist() == (retry_ids * 1000.0 + (retry_timestamps - START)).tolist()
    samples = head.samples
    insert(head, reference, retry_ids, retry_timestamps, np.zeros(retry_ids.shape[0]))
    assert head.samples == samples  # nothing inserted twice


def test_nan_payloads_and_signed_zeros_are_kept_bit_for_bit() -> None:
    head = HeadWindow(START, START + WINDOW, 0, **SMALL)
    patterns = np.array(
        [
            STALE_NAN_BITS,  # Prometheus' staleness marker
            0x7FF8000000000000,  # the ordinary NaN
            0x7FF8000000000001,
            0xFFF8000000000000,  # negative NaN
            0x7FF0000000000001,  # a signalling NaN
            0x8000000000000000,  # -0.0
            0x0000000000000000,
            0x7FF0000000000000,  # inf
            0x0000000000000001,  # the smallest subnormal
        ],
        dtype=np.uint64,
    )
    ids = np.arange(patterns.shape[0], dtype=np.int64)
    for step in range(0, 12 * MINUTE, 15_000):
        keys = head.keys(ids, np.full(ids.shape[0], START + step))
        head.insert(keys, np.roll(patterns, step // 15_000).view(np.float64))
    assert head.memory()["frozen_bytes"] > 0
    everything = head.everything()
    _, timestamps = head.split_keys(everything.keys)
    shift = (timestamps - START) // 15_000
    expected = patterns[(head.split_keys(everything.keys)[0] - shift) % patterns.shape[0]]
    assert everything.values.view(np.uint64).tolist() == expected.tolist()
    some = head.select(np.array([0, 4]), START, START + 3 * MINUTE)
    _, some_timestamps = head.split_keys(some.keys)
    some_ids = head.split_keys(some.keys)[0]
    some_expected = patterns[(some_ids - (some_timestamps - START) // 15_000) % patterns.shape[0]]
    assert some.values.view(np.uint64).tolist() == some_expected.tolist()
    found, values = head.lookup(head.keys(ids, np.full(ids.shape[0], START)))
    assert found.all()
    assert values.view(np.uint64).tolist() == patterns.tolist()


@pytest.mark.parametrize("codec", ["zstd", "lz4"])
@pytest.mark.parametrize("count", [0, 1, 15, 16, 17, 100])
def test_frozen_run_round_trip(count: int, codec: ValueCodec) -> None:
    rng = np.random.default_rng(count)
    keys = np.sort(rng.choice(2**40, count, replace=False)).astype(np.int64)
    bits = rng.integers(0, 2**63, count, dtype=np.int64).view(np.uint64)
    bits[::3] = STALE_NAN_BITS
    frozen = FrozenRun(Run(keys, bits.view(np.float64)), chunk_samples=16, value_codec=codec)
    assert len(frozen) == count
    whole = frozen.everything()
    assert whole.keys.tolist() == keys.tolist()
    assert whole.values.view(np.uint64).tolist() == bits.tolist()
    if count:
        lo = keys[count // 3 : count // 3 + 1]
        hi = keys[-1:]
        part = frozen.select(lo, hi)
        assert part.keys.tolist() == keys[count // 3 :].tolist()
        assert part.values.view(np.uint64).tolist() == bits[count // 3 :].tolist()
    found, values = frozen.lookup(np.concatenate([keys, keys + 1]))
    assert found.tolist() == [True] * count + [bool(k + 1 in set(keys.tolist())) for k in keys]
    assert values[:count].view(np.uint64).tolist() == bits.tolist()


def test_default_segments_freeze_as_scrapes_arrive() -> None:
    head = HeadWindow(START, START + WINDOW, 0)
    reference = Reference()
    ids = np.arange(200, dtype=np.int64)
    rng = np.random.default_rng(1)
    for step in range(0, 40 * MINUTE, 15_000):
        insert(head, reference, ids, np.full(200, START + step), rng.normal(size=200))
    memory = head.memory()
    # 40 minutes written: all but the segment being written and the one within the slack.
    assert memory["loose_bytes"] <= 200 * 16 * (5 + 1) * 4
    assert memory["frozen_bytes"] < 0.6 * 16 * 200 * 20 * 7  # 7 segments frozen
    assert as_rows(head, head.everything()) == reference.select(list(range(200)), 0, 2**62)
    assert as_rows(head, head.select(ids[50:150], START + 7 * MINUTE, START + 31 * MINUTE)) == (
        reference.select(list(range(50, 150)), START + 7 * MINUTE, START + 31 * MINUTE)
    )


def test_readers_see_whole_inserts_while_segments_freeze() -> None:
    head = HeadWindow(START, START + WINDOW, 0, **SMALL)
    series = 64
    ids = np.arange(series, dtype=np.int64)
    scrapes = 400
    problems: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            run = head.everything() if np.random.random() < 0.3 else head.select(ids, 0, 2**62)
            found_ids, timestamps = head.split_keys(run.keys)
            counts = np.bincount(found_ids, minlength=series)
            # Each insert is one whole scrape: every series has the same samples, in order.
            if counts.min() != counts.max():
                problems.append(f"uneven counts {counts.min()}..{counts.max()}")
            elif counts[0]:
                expected = START + 15_000 * np.arange(counts[0])
                if not (timestamps.reshape(series, -1) == expected).all():
                    problems.append("timestamps out of place")
            if run.keys.shape[0] and not (np.diff(run.keys) > 0).all():
                problems.append("keys not sorted")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for k in range(scrapes):
            head.insert(
                head.keys(ids, np.full(series, START + k * 15_000)), (ids + k).astype(np.float64)
            )
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert problems == []
    assert head.samples == series * scrapes


def test_with_compression_off_nothing_is_frozen_and_answers_are_the_same() -> None:
    head, reference = filled(np.random.default_rng(11), **SMALL, compress=False)
    assert head.memory()["frozen_bytes"] == 0
    everything = head.everything()
    assert as_rows(head, everything) == reference.select(list(range(1000)), 0, 2**62)
    ids = [1, 5, 9]
    found = head.select(np.array(ids, dtype=np.int64), START + 7 * MINUTE, START + 70 * MINUTE)
    assert as_rows(head, found) == reference.select(ids, START + 7 * MINUTE, START + 70 * MINUTE)
