"""A sorted run of head samples compressed in chunks: what the head keeps of completed segments.

The run is cut, in key order, into chunks of `chunk_samples` samples. Each chunk keeps its first
and last key uncompressed (so a read or a lookup finds the chunks it needs with a binary search)
and two compressed frames:
- keys: differences between consecutive keys (int64), a zstd frame. Within a series these are the
  scrape interval, give or take a few ms of jitter: about 0.2 bytes a sample when every series is
  scraped at its own phase, 0.8 with +-3 ms of jitter (LZ4 decodes faster but takes 0.3 and 2.8;
  deltas of deltas double the jitter and take more). The first difference of a chunk is taken
  from the last key of the chunk before, so consecutive chunks decode with one running sum.
- values: the float64 bit patterns split into 8 byte planes (Parquet's BYTE_STREAM_SPLIT), so that
  the sign/exponent and high mantissa bytes, which change little, sit together; a zstd frame by
  default (~4.0 bytes a sample on the benchmark's data), or an LZ4 block (~4.5, decoded ~2.7x
  faster).
All frames sit in one buffer, so one allocation holds a run. Reads decode whole chunks, through the
decoded-data cache when one is given: dashboards re-read the same recent minutes every few seconds,
and decompressing them again each time would dominate narrow queries.
Bit patterns are kept exactly (staleness-marker NaNs included).
"""

from __future__ import annotations

import itertools
import mmap
from typing import Literal

import cramjam
import numpy as np
import numpy.typing as npt

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.block_cache import DecodedGroupCache
from pulseboard.storage.ranges import keys_in_ranges
from pulseboard.storage.runs import Run, empty_run

CHUNK_SAMPLES = 4096
ValueCodec = Literal["zstd", "lz4"]
# zstd: ~4.0 bytes a sample on the benchmark's data; lz4: ~4.5, values decoded ~2.7x faster.
VALUE_CODEC: ValueCodec = "zstd"
_LEVEL = 1  # zstd level: 3 saves ~1% more at ~20% more compression time; reads are the same
_BYTES = 8
_OWN_MAPPING = 64 * 1024
# A run's chunks are cached as (owner, run serial << _CHUNK_BITS | chunk): a run is never changed,
# only replaced, so a serial names its chunks for good.
_RUN_SERIAL = itertools.count()
_CHUNK_BITS = 24

Uint8Array = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]


class FrozenRun:
    """An immutable, compressed sorted run (keys unique)."""

    __slots__ = (
        "_blob",
        "_cache",
        "_key_frames",
        "_lz4_values",
        "_owner",
        "_serial",
        "_value_frames",
        "first_keys",
        "last_keys",
        "starts",
    )

    first_keys: Int64Array  # per chunk
    last_keys: Int64Array  # per chunk
    starts: Int64Array  # sample index where each chunk begins, plus the total at the end

    def __init__(
        self,
        run: Run,
        chunk_samples: int = CHUNK_SAMPLES,
        value_codec: ValueCodec = VALUE_CODEC,
        cache: DecodedGroupCache | None = None,
        cache_owner: str = "",
    ) -> None:
        """`cache_owner` names the run's chunks in `cache`; forgetting the owner drops them."""
        self._lz4_values = value_codec == "lz4"
        self._cache = cache
        self._owner = cache_owner
        self._serial = next(_RUN_SERIAL) << _CHUNK_BITS
        count = len(run)
        self.starts = np.append(np.arange(0, count, chunk_samples), count).astype(np.int64)
        self.first_keys = run.keys[self.starts[:-1]].copy()
        self.last_keys = run.keys[self.starts[1:] - 1].copy()
        deltas = np.diff(run.keys, prepend=np.int64(0))
        bits = run.values.view(np.uint64)
        key_frames = []
        value_frames = []
        for lo, hi in zip(self.starts[:-1].tolist(), self.starts[1:].tolist(), strict=True):
            key_frames.append(bytes(cramjam.zstd.compress(deltas[lo:hi].tobytes(), level=_LEVEL)))
            planes = np.ascontiguousarray(bits[lo:hi].view(np.uint8).reshape(-1, _BYTES).T)
            if self._lz4_values:
                frame = cramjam.lz4.compress_block(planes.tobytes(), store_size=False)
            else:
                frame = cramjam.zstd.compress(planes.tobytes(), level=_LEVEL)
            value_frames.append(bytes(frame))
        key_sizes = np.array([len(frame) for frame in key_frames], dtype=np.int64)
        value_sizes = np.array([len(frame) for frame in value_frames], dtype=np.int64)
        self._key_frames = np.concatenate([[0], np.cumsum(key_sizes)]).astype(np.int64)
        self._value_frames = (
            self._key_frames[-1] + np.concatenate([[0], np.cumsum(value_sizes)])
        ).astype(np.int64)
        self._blob = _long_lived(b"".join(key_frames + value_frames))

    def __len__(self) -> int:
        return int(self.starts[-1])

    @property
    def nbytes(self) -> int:
        """Memory held, arrays included."""
        return int(
            self._blob.nbytes
            + self._key_frames.nbytes
            + self._value_frames.nbytes
            + self.first_keys.nbytes
            + self.last_keys.nbytes
            + self.starts.nbytes
        )

    # ------------------------------------------------------------------------------ reads

    def select(self, lo_keys: Int64Array, hi_keys: Int64Array) -> Run:
        """Samples with a key in any inclusive [lo, hi] interval (sorted, disjoint intervals)."""
        if len(self) == 0 or lo_keys.shape[0] == 0:
            return empty_run()
        # Chunk j meets an interval when some lo <= last_keys[j] and that interval's hi >= first.
        reaching = np.searchsorted(lo_keys, self.last_keys, side="right")
        passed = np.searchsorted(hi_keys, self.first_keys, side="left")
        hit = reaching > passed
        parts = []
        for first, last in _spans(hit):
            keys, values = self._span(first, last)
            positions = keys_in_ranges(keys, lo_keys, hi_keys)
            if positions.shape[0]:
                parts.append(Run(keys[positions], values[positions]))
        return _concatenate(parts)

    def lookup(self, keys: Int64Array) -> tuple[BoolArray, Float64Array]:
        """For each key: whether it is stored, and its value where it is."""
        found = np.zeros(keys.shape[0], dtype=bool)
        values = np.full(keys.shape[0], np.nan)
        if len(self) == 0 or keys.shape[0] == 0:
            return found, values
        chunk = np.searchsorted(self.first_keys, keys, side="right") - 1
        inside = chunk >= 0
        inside[inside] = keys[inside] <= self.last_keys[chunk[inside]]
        hit = np.zeros(self.first_keys.shape[0], dtype=bool)
        hit[chunk[inside]] = True
        for first, last in _spans(hit):
            stored, stored_values = self._span(first, last)
            wanted = np.flatnonzero(inside & (chunk >= first) & (chunk < last))
            position = np.minimum(np.searchsorted(stored, keys[wanted]), stored.shape[0] - 1)
            match = stored[position] == keys[wanted]
            found[wanted[match]] = True
            values[wanted[match]] = stored_values[position[match]]
        return found, values

    def everything(self) -> Run:
        """Every sample, decoded without the cache (a whole run is read to be written elsewhere)."""
        if len(self) == 0:
            return empty_run()
        chunks = [self._decode(chunk) for chunk in range(self.first_keys.shape[0])]
        return Run(*_joined(chunks))

    # ------------------------------------------------------------------------------ decoding

    def _span(self, first: int, last: int) -> tuple[Int64Array, Float64Array]:
        """Keys and values of chunks first..last-1 (new arrays: cached chunks stay untouched)."""
        return _joined([self._chunk(chunk) for chunk in range(first, last)])

    def _chunk(self, chunk: int) -> dict[str, np.ndarray]:
        if self._cache is None:
            return self._decode(chunk)
        return self._cache.get((self._owner, self._serial | chunk), lambda: self._decode(chunk))

    def _decode(self, chunk: int) -> dict[str, np.ndarray]:
        count = int(self.starts[chunk + 1] - self.starts[chunk])
        deltas = np.empty(count, dtype=np.int64)
        key_frame = self._blob[self._key_frames[chunk] : self._key_frames[chunk + 1]]
        _decompress(key_frame, deltas.view(np.uint8))
        keys: Int64Array = np.cumsum(deltas, out=deltas)
        if chunk > 0:
            keys += self.last_keys[chunk - 1]
        planes = np.empty(count * _BYTES, dtype=np.uint8)
        value_frame = self._blob[self._value_frames[chunk] : self._value_frames[chunk + 1]]
        if self._lz4_values:
            # LZ4 blocks carry no framing: the size is checked here.
            written = cramjam.lz4.decompress_block_into(value_frame.data, planes.data)
            if written != planes.shape[0]:
                raise ValueError(f"corrupt head chunk: {written} bytes, {planes.shape[0]} expected")
        else:
            _decompress(value_frame, planes)
        values = np.empty(count, dtype=np.float64)
        values.view(np.uint8).reshape(count, _BYTES)[...] = planes.reshape(_BYTES, count).T
        return {"keys": keys, "values": values}


def _joined(chunks: list[dict[str, np.ndarray]]) -> tuple[Int64Array, Float64Array]:
    return (
        np.concatenate([chunk["keys"] for chunk in chunks]),
        np.concatenate([chunk["values"] for chunk in chunks]),
    )


def _long_lived(data: bytes) -> Uint8Array:
    """`data` in memory of its own, when large: pages mapped for it alone, unmapped when freed.

    glibc's malloc serves large blocks from the heap once it has seen blocks of that size freed
    (its mmap threshold rises), and a long-lived block there pins the heap around it: the freed
    runs and temporaries of every append and merge would stay resident.
    """
    if len(data) < _OWN_MAPPING:
        return np.frombuffer(data, dtype=np.uint8)
    mapping = mmap.mmap(-1, len(data))
    mapping.write(data)
    return np.frombuffer(mapping, dtype=np.uint8)


def _decompress(frames: Uint8Array, into: Uint8Array) -> None:
    written = cramjam.zstd.decompress_into(frames.data, into.data)
    if written != into.shape[0]:
        raise ValueError(f"corrupt head chunk: {written} bytes decoded, {into.shape[0]} expected")


def _spans(hit: BoolArray) -> list[tuple[int, int]]:
    """[first, last) index ranges of consecutive True values."""
    if not hit.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[False], hit, [False]]).astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _concatenate(parts: list[Run]) -> Run:
    if not parts:
        return empty_run()
    if len(parts) == 1:
        return parts[0]
    return Run(
        np.concatenate([part.keys for part in parts]),
        np.concatenate([part.values for part in parts]),
    )
