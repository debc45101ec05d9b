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
All key frames come first in one buffer, then all value frames, so one allocation holds a run and
consecutive chunks decompress with one call (zstd decodes concatenated frames as one).
Bit patterns are kept exactly (staleness-marker NaNs included).
"""

from __future__ import annotations

import mmap
from typing import Literal

import cramjam
import numpy as np
import numpy.typing as npt

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.ranges import keys_in_ranges
from pulseboard.storage.runs import Run, empty_run

CHUNK_SAMPLES = 4096
ValueCodec = Literal["zstd", "lz4"]
# zstd: ~4.0 bytes a sample on the benchmark's data; lz4: ~4.5, values decoded ~2.7x faster.
VALUE_CODEC: ValueCodec = "zstd"
_LEVEL = 1  # zstd level: 3 saves ~1% more at ~20% more compression time; reads are the same
_BYTES = 8
_OWN_MAPPING = 64 * 1024

Uint8Array = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]


class FrozenRun:
    """An immutable, compressed sorted run (keys unique)."""

    __slots__ = (
        "_blob",
        "_key_frames",
        "_lz4_values",
        "_value_frames",
        "first_keys",
        "last_keys",
        "starts",
    )

    first_keys: Int64Array  # per chunk
    last_keys: Int64Array  # per chunk
    starts: Int64Array  # sample index where each chunk begins, plus the total at the end

    def __init__(
        self, run: Run, chunk_samples: int = CHUNK_SAMPLES, value_codec: ValueCodec = VALUE_CODEC
    ) -> None:
        self._lz4_values = value_codec == "lz4"
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
            keys = self._keys(first, last)
            positions = keys_in_ranges(keys, lo_keys, hi_keys)
            if positions.shape[0]:
                parts.append(Run(keys[positions], self._values(first, last, positions)))
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
            stored = self._keys(first, last)
            wanted = np.flatnonzero(inside & (chunk >= first) & (chunk < last))
            position = np.minimum(np.searchsorted(stored, keys[wanted]), stored.shape[0] - 1)
            match = stored[position] == keys[wanted]
            found[wanted[match]] = True
            values[wanted[match]] = self._values(first, last, position[match])
        return found, values

    def everything(self) -> Run:
        if len(self) == 0:
            return empty_run()
        chunks = self.first_keys.shape[0]
        keys = self._keys(0, chunks)
        return Run(keys, self._values(0, chunks, None))

    # ------------------------------------------------------------------------------ decoding

    def _keys(self, first: int, last: int) -> Int64Array:
        """Keys of chunks first..last-1, decoded."""
        deltas = np.empty(int(self.starts[last] - self.starts[first]), dtype=np.int64)
        _decompress(
            self._blob[self._key_frames[first] : self._key_frames[last]], deltas.view(np.uint8)
        )
        keys: Int64Array = np.cumsum(deltas, out=deltas)
        if first > 0:
            keys += self.last_keys[first - 1]
        return keys

    def _values(self, first: int, last: int, positions: Int64Array | None) -> Float64Array:
        """Values of chunks first..last-1 at `positions` (relative to chunk `first`), or all."""
        count = int(self.starts[last] - self.starts[first])
        planes = np.empty(count * _BYTES, dtype=np.uint8)
        if self._lz4_values:
            self._lz4_blocks(self._value_frames, first, last, planes)
        else:
            frames = self._blob[self._value_frames[first] : self._value_frames[last]]
            _decompress(frames, planes)
        starts = self.starts[first : last + 1] - self.starts[first]
        sizes = np.diff(starts)
        if positions is None:
            return _unshuffle(planes, sizes)
        if 4 * positions.shape[0] > count:
            # Reordering every byte is cheaper than picking out most of them one by one.
            picked: Float64Array = _unshuffle(planes, sizes)[positions]
            return picked
        # Sample p of chunk c (which begins at s_c and holds n_c samples) has its byte b at
        # 8 * s_c + b * n_c + (p - s_c).
        chunk = np.searchsorted(starts, positions, side="right") - 1
        index = 7 * starts[chunk] + positions
        step = sizes[chunk]
        chosen = np.empty((positions.shape[0], _BYTES), dtype=np.uint8)
        for byte in range(_BYTES):
            chosen[:, byte] = planes[index]
            index += step
        return chosen.view(np.float64).reshape(-1)

    def _lz4_blocks(self, frames: Int64Array, first: int, last: int, into: Uint8Array) -> None:
        """Decode the LZ4 blocks of chunks first..last-1 (8 bytes a sample) into `into`.

        LZ4 blocks carry no framing: one call each."""
        bounds = frames[first : last + 1].tolist()
        ends = ((self.starts[first + 1 : last + 1] - self.starts[first]) * _BYTES).tolist()
        begin = 0
        for chunk, end in enumerate(ends):
            frame = self._blob[bounds[chunk] : bounds[chunk + 1]]
            written = cramjam.lz4.decompress_block_into(frame.data, into[begin:end].data)
            if written != end - begin:
                raise ValueError(f"corrupt head chunk: {written} bytes, {end - begin} expected")
            begin = end


def _unshuffle(planes: Uint8Array, sizes: Int64Array) -> Float64Array:
    """All values of consecutive chunks of the given sizes (all but the last one equal)."""
    count = int(sizes.sum())
    values = np.empty(count, dtype=np.float64)
    whole = sizes.shape[0] if sizes[-1] == sizes[0] else sizes.shape[0] - 1
    size = int(sizes[0])
    if whole:
        grouped = planes[: whole * size * _BYTES].reshape(whole, _BYTES, size).transpose(0, 2, 1)
        values[: whole * size].view(np.uint8).reshape(whole, size, _BYTES)[...] = grouped
    if whole < sizes.shape[0]:
        tail = int(sizes[-1])
        block = planes[whole * size * _BYTES :].reshape(_BYTES, tail).T
        values[whole * size :].view(np.uint8).reshape(tail, _BYTES)[...] = block
    return values


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
