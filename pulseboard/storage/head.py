"""The head: recent samples of one block window, held in memory, compressed once complete.

Samples are keyed by `series_id << 32 | (timestamp - window_start)`, so one sort orders them by
series then time. The window is cut in time segments (5 minutes by default). Each segment keeps
its samples as sorted numpy runs, one per append, runs of similar size merged (as in an LSM tree),
so appends stay cheap and reads are a few binary searches.

Samples arrive mostly in time order: once the newest sample of the window is a slack (1 minute)
past a segment's end, the segment is frozen: its runs are merged into one sorted run compressed
in chunks (chunks.py: 4-5 bytes a sample on the benchmark's data instead of 16). Samples arriving
later for a frozen segment go to uncompressed runs of that segment again, and the segment is
compressed anew when those outgrow a quarter of its frozen samples (and LATE_MIN). Lookups and
reads see both. Reads decompress only the chunks whose key ranges meet the requested ones.

State is replaced, never changed in place: readers take the segment map as it is, without a lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.block_cache import DecodedGroupCache
from pulseboard.storage.chunks import CHUNK_SAMPLES, VALUE_CODEC, FrozenRun, ValueCodec
from pulseboard.storage.ranges import interleave_by_series, keys_in_ranges
from pulseboard.storage.runs import Run, add_run, empty_run, lookup_run, merge_runs

__all__ = ["FREEZE_SLACK_MS", "LATE_MIN", "SEGMENT_MS", "HeadWindow", "Run"]

_OFFSET_BITS = 32
_OFFSET_MASK = (1 << _OFFSET_BITS) - 1

SEGMENT_MS = 5 * 60_000
FREEZE_SLACK_MS = 60_000
# Late samples a frozen segment keeps uncompressed before it is compressed anew (at least).
LATE_MIN = 4096


@dataclass(frozen=True)
class _Segment:
    frozen: FrozenRun | None
    runs: tuple[Run, ...]

    @property
    def loose(self) -> int:
        return sum(len(run) for run in self.runs)

    def parts(self, lo_keys: Int64Array, hi_keys: Int64Array) -> list[Run]:
        parts = [] if self.frozen is None else [self.frozen.select(lo_keys, hi_keys)]
        for run in self.runs:
            positions = keys_in_ranges(run.keys, lo_keys, hi_keys)
            parts.append(Run(run.keys[positions], run.values[positions]))
        return parts

    def everything(self) -> list[Run]:
        return [*([] if self.frozen is None else [self.frozen.everything()]), *self.runs]


class HeadWindow:
    def __init__(
        self,
        start_ms: int,
        end_ms: int,
        generation: int,
        *,
        segment_ms: int = SEGMENT_MS,
        slack_ms: int = FREEZE_SLACK_MS,
        chunk_samples: int = CHUNK_SAMPLES,
        late_min: int = LATE_MIN,
        value_codec: ValueCodec = VALUE_CODEC,
        compress: bool = True,
        cache: DecodedGroupCache | None = None,
    ) -> None:
        if end_ms - start_ms > _OFFSET_MASK:
            raise ValueError("block windows longer than 49 days are not supported")
        if segment_ms <= 0 or slack_ms < 0 or chunk_samples <= 0:
            raise ValueError("segment_ms and chunk_samples must be positive, slack_ms not negative")
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.generation = generation
        self.samples = 0
        self._segment_ms = segment_ms
        self._slack_ms = slack_ms
        self._chunk_samples = chunk_samples
        self._late_min = late_min
        self._value_codec: ValueCodec = value_codec
        self._compress = compress
        self._cache = cache  # decoded chunks of frozen segments, shared with the blocks
        self._cache_owner = f"head-{start_ms}-{generation}-{id(self)}"
        self._segments: dict[int, _Segment] = {}  # replaced on every insert, never changed
        self._sealed = 0  # segments below this index are complete: frozen when they hold samples
        self._newest = -1  # the newest offset inserted
        self._lock = threading.Lock()

    def keys(self, ids: Int64Array, timestamps: Int64Array) -> Int64Array:
        return (ids << _OFFSET_BITS) | (timestamps - self.start_ms)

    def split_keys(self, keys: Int64Array) -> tuple[Int64Array, Int64Array]:
        return keys >> _OFFSET_BITS, (keys & _OFFSET_MASK) + self.start_ms

    def lookup(self, keys: Int64Array) -> tuple[np.ndarray, Float64Array]:
        """For each key: whether it is stored, and its value where it is."""
        found = np.zeros(keys.shape[0], dtype=bool)
        values = np.full(keys.shape[0], np.nan)
        segments = self._segments
        if not segments or keys.shape[0] == 0:
            return found, values
        of_key = (keys & _OFFSET_MASK) // self._segment_ms
        for index in np.unique(of_key).tolist():
            segment = segments.get(index)
            if segment is None:
                continue
            wanted = np.flatnonzero(of_key == index)
            sub_keys = keys[wanted]
            sub_found = np.zeros(wanted.shape[0], dtype=bool)
            sub_values = np.full(wanted.shape[0], np.nan)
            if segment.frozen is not None:
                sub_found, sub_values = segment.frozen.lookup(sub_keys)
            for run in segment.runs:
                lookup_run(run, sub_keys, sub_found, sub_values)
            found[wanted] = sub_found
            values[wanted] = sub_values
        return found, values

    def insert(self, sorted_keys: Int64Array, values: Float64Array) -> None:
        """Add samples whose keys are sorted, unique and not yet stored."""
        if sorted_keys.shape[0] == 0:
            return
        with self._lock:
            segments = dict(self._segments)
            offsets = sorted_keys & _OFFSET_MASK
            of_key = offsets // self._segment_ms
            touched = []
            for index, keys, vals in _split(of_key, sorted_keys, values):
                old = segments.get(index, _Segment(None, ()))
                segments[index] = _Segment(old.frozen, add_run(old.runs, Run(keys, vals)))
                touched.append(index)
            self._newest = max(self._newest, int(offsets.max()))
            sealed = max(self._sealed, (self._newest - self._slack_ms) // self._segment_ms)
            if not self._compress:
                sealed = 0  # nothing is ever complete enough to freeze
            for index in sorted({*touched, *range(self._sealed, sealed)}):
                segment = segments.get(index)
                if segment is None or index >= sealed or not segment.runs:
                    continue
                frozen = 0 if segment.frozen is None else len(segment.frozen)
                if index >= self._sealed or segment.loose > max(self._late_min, frozen // 4):
                    segments[index] = self._freeze(segment)
            self._sealed = sealed
            # Readers take the map as it is: it is replaced, never changed in place.
            self._segments = segments
            self.samples += int(sorted_keys.shape[0])

    def _freeze(self, segment: _Segment) -> _Segment:
        merged = merge_runs(*segment.everything())
        frozen = FrozenRun(
            merged, self._chunk_samples, self._value_codec, self._cache, self._cache_owner
        )
        return _Segment(frozen, ())

    def select(self, ids: Int64Array, start_ms: int, end_ms: int) -> Run:
        """Samples of the given series with start_ms <= t <= end_ms, sorted by key."""
        lo = max(start_ms, self.start_ms) - self.start_ms
        hi = min(end_ms, self.end_ms - 1) - self.start_ms
        segments = self._segments
        if lo > hi or not segments or ids.shape[0] == 0:
            return empty_run()
        ids = np.unique(ids)
        parts: list[Run] = []
        for index in sorted(segments):
            seg_lo = max(lo, index * self._segment_ms)
            seg_hi = min(hi, (index + 1) * self._segment_ms - 1)
            if seg_lo > seg_hi:
                continue
            lo_keys = (ids << _OFFSET_BITS) | seg_lo
            hi_keys = (ids << _OFFSET_BITS) | seg_hi
            parts.append(merge_runs(*segments[index].parts(lo_keys, hi_keys)))
        return _merge_segments(parts)

    def everything(self) -> Run:
        segments = self._segments
        return _merge_segments(
            [merge_runs(*segments[index].everything()) for index in sorted(segments)]
        )

    def release(self) -> None:
        """Drop this window's decoded chunks from the shared cache (the window is closed)."""
        if self._cache is not None:
            self._cache.forget(self._cache_owner)

    def memory(self) -> dict[str, int]:
        """Bytes held by samples: frozen (compressed) and loose (uncompressed runs)."""
        segments = self._segments
        frozen = sum(s.frozen.nbytes for s in segments.values() if s.frozen is not None)
        loose = sum(r.keys.nbytes + r.values.nbytes for s in segments.values() for r in s.runs)
        return {"frozen_bytes": frozen, "loose_bytes": loose}


def _merge_segments(parts: list[Run]) -> Run:
    """One sorted run from the sorted runs of consecutive segments, oldest first."""
    parts = [part for part in parts if len(part)]
    if len(parts) <= 1:
        return parts[0] if parts else empty_run()
    total, places = interleave_by_series([part.keys >> _OFFSET_BITS for part in parts])
    keys = np.empty(total, dtype=np.int64)
    values = np.empty(total, dtype=np.float64)
    for part, destination in zip(parts, places, strict=True):
        keys[destination] = part.keys
        values[destination] = part.values
    return Run(keys, values)


def _split(
    of_key: Int64Array, keys: Int64Array, values: Float64Array
) -> list[tuple[int, Int64Array, Float64Array]]:
    """The samples of each segment, keys still sorted."""
    first, last = int(of_key.min()), int(of_key.max())
    if first == last:
        return [(first, keys, values)]
    # A stable sort of small integers is a radix sort: linear.
    order = np.argsort(of_key.astype(np.uint16) if last < 2**16 else of_key, kind="stable")
    grouped = of_key[order]
    bounds = np.flatnonzero(np.diff(grouped)) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [grouped.shape[0]]]).tolist()
    return [
        (int(grouped[lo]), keys[order[lo:hi]], values[order[lo:hi]])
        for lo, hi in zip(starts, ends, strict=True)
    ]
