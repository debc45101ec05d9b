"""Prometheus remote write 1.0: a snappy-compressed prometheus.WriteRequest -> SampleBatch.

Reading a request through protobuf message objects costs about 9 µs per series, so a 10k-series
request would spend ~90 ms in decoding alone. This decoder lets upb split the request into the
raw bytes of each series and then relies on two facts about senders:

* a series is encoded as its label fields followed by its sample fields, and the label fields
  are the same bytes each time the series is sent (Prometheus re-sends every series every scrape
  interval). Those bytes are the key of a cache of decoded label tuples; series not in the cache
  yet are split into label payloads by upb in one call for the whole request.
* a sample field has one of two layouts in practice: value then timestamp (18 bytes, for a
  timestamp between 2004 and 2039), or the timestamp alone (9 bytes: encoders leave a zero value
  out). The samples of all series are decoded at once with numpy.

Whatever does not fit (exemplars, native histograms, unknown fields, several samples with mixed
layouts, unusual encodings) takes slower paths that end in a protobuf parse of the series, so the
result is always the one of a full protobuf parse of the request. Every shortcut is checked
against the bytes before it is taken; see the comments at each check.
Figures: benchmarks/bench_remote_write_decode.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from itertools import compress, repeat

import cramjam
import numpy as np
import numpy.typing as npt
from google.protobuf.message import DecodeError

from pulseboard.ingest.errors import IngestError, PayloadTooLargeError
from pulseboard.ingest.proto import remote_pb2
from pulseboard.model.samples import (
    Float64Array,
    Int32Array,
    Int64Array,
    MetricMetadata,
    RawLabels,
    SampleBatch,
)

__all__ = [
    "DEFAULT_MAX_CACHED_SERIES",
    "DEFAULT_MAX_DECODED_BYTES",
    "RemoteWriteDecoder",
    "decode_remote_write",
]

# Prometheus sends a few MiB per request at most (2000 samples per send by default); the limit
# only stops a small body that announces a huge decompressed size from taking the memory.
DEFAULT_MAX_DECODED_BYTES = 256 * 1024 * 1024

# Enough for the active series of a large Prometheus (a few hundred bytes each). Past it the
# cache starts over, which costs one slower request per series instead of unbounded memory.
DEFAULT_MAX_CACHED_SERIES = 500_000

_LABEL_TAG = 0x0A  # TimeSeries.labels: field 1, length-delimited
_SAMPLE_TAG = 0x12  # TimeSeries.samples: field 2, length-delimited
_NAME_TAG = 0x0A  # Label.name
_VALUE_TAG = 0x12  # Label.value

# Sample fields as gogo/golang protobuf, upb and the Python runtime write them:
# 0x12, length 16, 0x09 + 8-byte double, 0x10 + 6-byte varint timestamp, or, for a zero value,
# 0x12, length 7, 0x10 + 6-byte varint timestamp.
_FULL_SAMPLE = 18
_ZERO_SAMPLE = 9
_FULL_SAMPLE_DTYPE = np.dtype([("head", "u1", 3), ("value", "<f8"), ("time", "u1", 7)])
# Field size -> (mask, expected bytes): the tags and lengths must match exactly, and of the
# 6-byte varint the first five bytes must have the continuation bit set and the last must not.
_LAYOUTS = {
    _FULL_SAMPLE: (
        np.array([0xFF] * 3 + [0] * 8 + [0xFF] + [0x80] * 6, dtype=np.uint8),
        np.array([_SAMPLE_TAG, 16, 0x09] + [0] * 8 + [0x10] + [0x80] * 5 + [0], dtype=np.uint8),
    ),
    _ZERO_SAMPLE: (
        np.array([0xFF] * 3 + [0x80] * 6, dtype=np.uint8),
        np.array([_SAMPLE_TAG, 7, 0x10] + [0x80] * 5 + [0], dtype=np.uint8),
    ),
}
_VARINT_WEIGHTS = np.array([1 << shift for shift in range(0, 42, 7)], dtype=np.int64)

_METRIC_TYPES = {
    remote_pb2.MetricMetadata.UNKNOWN: "unknown",
    remote_pb2.MetricMetadata.COUNTER: "counter",
    remote_pb2.MetricMetadata.GAUGE: "gauge",
    remote_pb2.MetricMetadata.HISTOGRAM: "histogram",
    remote_pb2.MetricMetadata.GAUGEHISTOGRAM: "gaugehistogram",
    remote_pb2.MetricMetadata.SUMMARY: "summary",
    remote_pb2.MetricMetadata.INFO: "info",
    remote_pb2.MetricMetadata.STATESET: "stateset",
}

Samples = list[tuple[float, int]]
BoolArray = npt.NDArray[np.bool_]


class _Irregular(Exception):
    """Bytes the scanner does not handle; a protobuf parse of the series takes over."""


class _LabelCache(dict[bytes, tuple[str, str]]):
    """One serialized prometheus.Label -> (name, value), decoding on a miss.

    Names and many values repeat across series, so most label fields of a series never seen
    before are known already. Decoding inside __missing__ lets `map(cache.__getitem__, ...)`
    stay in C for every hit.
    """

    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries

    def __missing__(self, payload: bytes) -> tuple[str, str]:
        pair = _decode_label(payload)
        if len(self) >= self.max_entries:
            self.clear()
        self[payload] = pair
        return pair


class RemoteWriteDecoder:
    """Decodes remote write 1.0 bodies, remembering the label sets it has seen.

    One instance serves many threads: the caches are dicts whose single operations are atomic,
    and an entry lost to a concurrent reset only means a slower path.
    """

    def __init__(
        self,
        *,
        max_cached_series: int = DEFAULT_MAX_CACHED_SERIES,
        max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    ) -> None:
        self.max_cached_series = max_cached_series
        self.max_decoded_bytes = max_decoded_bytes
        # Bytes made only of whole label fields -> the labels they encode, in wire order.
        self._series: dict[bytes, RawLabels] = {}
        self._labels = _LabelCache(max_cached_series)

    def clear_cache(self) -> None:
        self._series.clear()
        self._labels.clear()

    def decode(self, body: bytes) -> SampleBatch:
        """Decode one request body (snappy block format, as remote write 1.0 sends it).

        Each TimeSeries with samples becomes one entry of `series`, in wire order and not
        deduplicated (Prometheus sends one TimeSeries per sample, so a series can repeat);
        series without samples are left out. Raises IngestError for anything that is not a
        valid request, so that nothing of it is stored.
        """
        if not body:
            return _batch([], [], [], [], {})
        raw = self._decompress(body)
        try:
            request = remote_pb2.WriteRequestView.FromString(raw)
        except DecodeError as exc:
            raise IngestError(f"protobuf: {exc}") from None
        metadata = _metadata(request.metadata)
        frames: list[bytes] = list(request.timeseries)
        if not frames:
            return _batch([], [], [], [], metadata)
        return self._decode_frames(frames, metadata)

    def _decompress(self, body: bytes) -> bytes:
        announced = _announced_length(body)
        if announced is not None and announced > self.max_decoded_bytes:
            raise PayloadTooLargeError(
                f"snappy: body decompresses to {announced} bytes, "
                f"over the limit of {self.max_decoded_bytes}"
            )
        try:
            return bytes(cramjam.snappy.decompress_raw(body))
        except cramjam.DecompressionError as exc:
            detail = str(exc).removeprefix("snappy: ")
            raise IngestError(
                f"snappy: {detail} (remote write uses the snappy block format, not the framed one)"
            ) from None

    def _decode_frames(
        self, frames: list[bytes], metadata: dict[str, MetricMetadata]
    ) -> SampleBatch:
        count = len(frames)
        data = np.frombuffer(b"".join(frames), dtype=np.uint8)
        ends = np.cumsum(np.fromiter(map(len, frames), dtype=np.int64, count=count))
        tail = _guess_tail(frames)
        per_series = tail // _FULL_SAMPLE
        sizes = np.full(count, tail, dtype=np.int64)
        if data.shape[0] < tail:
            # Too few bytes for even one series in the usual layout: all go the slow way.
            return self._decode_slowly(
                frames, [None] * count, np.zeros(count, dtype=bool), metadata
            )
        zero = _zero_sample_header(data, ends) if tail == _FULL_SAMPLE else None
        if zero is not None and bool(zero.any()):
            sizes[zero] = _ZERO_SAMPLE
            keys = [frame[:-size] for frame, size in zip(frames, sizes.tolist(), strict=True)]
        else:
            keys = [frame[:-tail] for frame in frames]
        good, values, timestamps = _decode_tails(data, ends, sizes, per_series)

        labels: list[RawLabels | None] = list(map(self._series.get, keys))
        if None in labels:
            self._learn(keys, labels, good)
            good &= np.fromiter(map(_is_not_none, labels), dtype=bool, count=count)
        if bool(good.all()):
            return SampleBatch(
                series=labels,  # type: ignore[arg-type]  # None was ruled out above
                series_index=np.repeat(np.arange(count, dtype=np.int32), per_series),
                timestamps=timestamps.reshape(-1),
                values=values.reshape(-1),
                metadata=metadata,
            )

        return self._decode_slowly(
            frames,
            labels,
            good,
            metadata,
            np.repeat(np.flatnonzero(good).astype(np.int32), per_series),
            values[good].reshape(-1),
            timestamps[good].reshape(-1),
        )

    def _decode_slowly(
        self,
        frames: list[bytes],
        labels: list[RawLabels | None],
        done: BoolArray,
        metadata: dict[str, MetricMetadata],
        done_index: Int32Array | None = None,
        done_values: Float64Array | None = None,
        done_times: Int64Array | None = None,
    ) -> SampleBatch:
        """Decode the series not `done` one at a time, and merge them with those that are."""
        index_parts = [] if done_index is None else [done_index]
        value_parts = [] if done_values is None else [done_values]
        time_parts = [] if done_times is None else [done_times]
        slow_index: list[int] = []
        slow_values: list[float] = []
        slow_times: list[int] = []
        for row in np.flatnonzero(~done).tolist():
            labels[row], samples = self._decode_series(frames[row])
            slow_index.extend(repeat(row, len(samples)))
            for value, timestamp in samples:
                slow_values.append(value)
                slow_times.append(timestamp)
        index_parts.append(np.asarray(slow_index, dtype=np.int32))
        value_parts.append(np.asarray(slow_values, dtype=np.float64))
        time_parts.append(np.asarray(slow_times, dtype=np.int64))
        series_index = np.concatenate(index_parts)
        # Wire order, so that the samples of a series stay in the order they were sent.
        order = np.argsort(series_index, kind="stable")
        return _without_empty_series(
            labels,  # type: ignore[arg-type]  # every row was decoded by one path or the other
            series_index[order],
            np.concatenate(time_parts)[order],
            np.concatenate(value_parts)[order],
            metadata,
        )

    def _learn(
        self, keys: list[bytes], labels: list[RawLabels | None], plausible: BoolArray
    ) -> None:
        """Decode, all at once, the labels of the series that are not cached yet.

        A series' key is its bytes up to its sample fields, if the guess about where those
        start was right. upb splits the concatenated keys into label payloads in one call, and
        the sizes of those payloads prove which keys really were whole label fields; the others
        stay None for the per-series path. Fills `labels` in place and caches what it decoded.
        """
        # A key whose tail was not sample fields would only throw the split out of step.
        rows = [
            row for row in np.flatnonzero(plausible).tolist() if labels[row] is None and keys[row]
        ]
        if not rows:
            return
        parts = [keys[row] for row in rows]
        joined = b"".join(parts)
        try:
            payloads: list[bytes] = list(remote_pb2.LabelFieldsView.FromString(joined).labels)
        except DecodeError:
            return
        lengths = np.fromiter(map(len, payloads), dtype=np.int64, count=len(payloads))
        # Each payload came from a field of at least its minimal size: tag byte, varint length,
        # payload. Other fields (skipped by the parse) or longer encodings would make the bytes
        # outnumber the sum, so equality means `joined` is nothing but minimal label fields...
        field_ends = np.zeros(len(payloads) + 1, dtype=np.int64)
        np.cumsum(1 + lengths + _varint_sizes(lengths), out=field_ends[1:])
        if field_ends[-1] != len(joined):
            return
        # ...and a key that starts and ends on a field boundary is made of whole label fields.
        part_ends = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=part_ends[1:])
        at_field = np.searchsorted(field_ends, part_ends)
        on_boundary = field_ends[np.minimum(at_field, len(payloads))] == part_ends
        whole = on_boundary[:-1] & on_boundary[1:]

        pairs = list(map(self._labels.__getitem__, payloads))
        counts = np.diff(at_field)
        if bool(whole.all()) and bool((counts == counts[0]).all()):
            # The usual request: every series with the same number of labels.
            learned: list[RawLabels] = list(zip(*[iter(pairs)] * int(counts[0]), strict=True))
            learned_rows = rows
        else:
            starts = at_field[:-1][whole].tolist()
            stops = at_field[1:][whole].tolist()
            learned = list(map(tuple, map(pairs.__getitem__, map(slice, starts, stops))))
            learned_rows = list(compress(rows, whole.tolist()))
        if len(self._series) + len(learned) > self.max_cached_series:
            self._series.clear()
        self._series.update(zip([keys[row] for row in learned_rows], learned, strict=True))
        for row, found in zip(learned_rows, learned, strict=True):
            labels[row] = found

    def _decode_series(self, frame: bytes) -> tuple[RawLabels, Samples]:
        """One series by walking its fields, or by a protobuf parse when they are unusual."""
        size = len(frame)
        position = 0
        try:
            while position < size and frame[position] == _LABEL_TAG:
                length = frame[position + 1]
                if length < 0x80:
                    position += 2 + length
                else:
                    position = _field_bounds(frame, position + 1)[1]
            if position > size:
                raise _Irregular
            labels = self._labels_of(frame[:position]) if position else ()
            samples: Samples = []
            while position < size:
                if frame[position] != _SAMPLE_TAG:
                    raise _Irregular  # exemplars, histograms, unknown or interleaved fields
                start, end = _field_bounds(frame, position + 1)
                samples.append(_decode_sample(frame[start:end]))
                position = end
        except (IndexError, _Irregular):
            return _parse_series(frame)
        return labels, samples

    def _labels_of(self, fields: bytes) -> RawLabels:
        """Labels of bytes made only of label fields, through the caches."""
        labels = self._series.get(fields)
        if labels is not None:
            return labels
        known = self._labels
        pairs: list[tuple[str, str]] = []
        position = 0
        size = len(fields)
        while position < size:
            start, end = _field_bounds(fields, position + 1)
            pairs.append(known[fields[start:end]])
            position = end
        labels = tuple(pairs)
        if len(self._series) >= self.max_cached_series:
            self._series.clear()
        self._series[fields] = labels
        return labels


def _decode_label(payload: bytes) -> tuple[str, str]:
    """One serialized Label, by hand when it has the layout every encoder writes.

    bytes.decode and upb accept and refuse the same UTF-8 (no surrogates, no overlong forms).
    """
    size = len(payload)
    try:
        if size >= 2 and payload[0] == _NAME_TAG and payload[1] < 0x80:
            name_end = 2 + payload[1]
            if name_end == size:
                return sys.intern(payload[2:].decode()), ""
            if (
                name_end + 2 <= size
                and payload[name_end] == _VALUE_TAG
                and payload[name_end + 1] < 0x80
                and name_end + 2 + payload[name_end + 1] == size
            ):
                return sys.intern(payload[2:name_end].decode()), payload[name_end + 2 :].decode()
    except UnicodeDecodeError:
        raise IngestError("protobuf: label name or value is not valid UTF-8") from None
    try:
        label = remote_pb2.Label.FromString(payload)
    except DecodeError as exc:
        raise IngestError(f"protobuf: label: {exc}") from None
    return sys.intern(label.name), label.value


def _decode_sample(payload: bytes) -> tuple[float, int]:
    try:
        sample = remote_pb2.Sample.FromString(payload)
    except DecodeError as exc:
        raise IngestError(f"protobuf: sample: {exc}") from None
    return sample.value, sample.timestamp


def _parse_series(frame: bytes) -> tuple[RawLabels, Samples]:
    try:
        series = remote_pb2.TimeSeries.FromString(frame)
    except DecodeError as exc:
        raise IngestError(f"protobuf: {exc}") from None
    labels = tuple((label.name, label.value) for label in series.labels)
    if len(series.histograms):
        raise IngestError(
            f"series {_render(labels)} carries native histogram samples, which are not "
            "supported; send classic histograms instead (in Prometheus, set "
            "send_native_histograms: false on this remote_write queue)"
        )
    return labels, [(sample.value, sample.timestamp) for sample in series.samples]


def _field_bounds(data: bytes, position: int) -> tuple[int, int]:
    """Start and end of the payload whose varint length starts at `position`."""
    length = 0
    shift = 0
    size = len(data)
    while True:
        if position >= size or shift > 28:
            raise _Irregular  # truncated, or longer than any request could be
        byte = data[position]
        position += 1
        length |= (byte & 0x7F) << shift
        if byte < 0x80:
            break
        shift += 7
    end = position + length
    if end > size:
        raise _Irregular
    return position, end


def _guess_tail(frames: list[bytes]) -> int:
    """Size of the sample fields of a typical series of the request.

    Senders give the series of one request the same number of samples (Prometheus: one). A
    few series are looked at in case the first one is unusual.
    """
    for row in (0, len(frames) // 2, len(frames) - 1):
        frame = frames[row]
        position = 0
        size = len(frame)
        try:
            while position < size and frame[position] == _LABEL_TAG:
                position = _field_bounds(frame, position + 1)[1]
        except _Irregular:
            continue
        tail = size - position
        if tail > 0 and tail % _FULL_SAMPLE == 0:
            return tail
    return _FULL_SAMPLE


def _varint_sizes(values: Int64Array) -> Int64Array:
    """Bytes of the minimal varint encoding of each (non-negative) value."""
    sizes = np.ones(values.shape, dtype=np.int64)
    for shift in range(7, 63, 7):
        sizes += values >= (1 << shift)
    return sizes


def _is_not_none(value: object) -> bool:
    return value is not None


def _zero_sample_header(data: npt.NDArray[np.uint8], ends: Int64Array) -> BoolArray:
    """Series that end in a zero-value sample field rather than a full one."""
    full = np.clip(ends - _FULL_SAMPLE, 0, None)
    zero = np.clip(ends - _ZERO_SAMPLE, 0, None)
    full_header: BoolArray = (data[full] == _SAMPLE_TAG) & (data[full + 1] == _FULL_SAMPLE - 2)
    zero_header: BoolArray = (data[zero] == _SAMPLE_TAG) & (data[zero + 1] == _ZERO_SAMPLE - 2)
    return zero_header & ~full_header


def _decode_tails(
    data: npt.NDArray[np.uint8], ends: Int64Array, sizes: Int64Array, per_series: int
) -> tuple[BoolArray, Float64Array, Int64Array]:
    """Decode the last `sizes[row]` bytes of each series as `per_series` sample fields.

    `sizes` is 18 * per_series, or 9 for a single zero-value sample. Returns per series whether
    those bytes really are sample fields in that layout (with bytes left before them for the
    labels), and the values and timestamps, shaped (series, per_series), read as if they were
    (meaningless where they are not).
    """
    count = ends.shape[0]
    starts = ends - sizes
    good = starts > np.concatenate(([0], ends[:-1]))
    values = np.zeros((count, per_series), dtype=np.float64)
    timestamps = np.empty((count, per_series), dtype=np.int64)
    for size in np.unique(sizes).tolist():
        field_size = min(size, _FULL_SAMPLE)
        every = size == sizes[0] and bool((sizes == size).all())
        rows = slice(None) if every else np.flatnonzero(sizes == size)
        offsets = np.clip(starts[rows], 0, None)
        fields = data[offsets[:, None] + np.arange(size)].reshape(-1, field_size)
        mask, template = _LAYOUTS[field_size]
        canonical = ((fields & mask) == template).all(axis=1)
        good[rows] &= canonical.reshape(-1, per_series).all(axis=1)
        if field_size == _FULL_SAMPLE:
            values[rows] = fields.view(_FULL_SAMPLE_DTYPE)["value"].reshape(-1, per_series)
        varints = (fields[:, field_size - 6 :] & 0x7F).astype(np.int64)
        timestamps[rows] = (varints @ _VARINT_WEIGHTS).reshape(-1, per_series)
    return good, values, timestamps


def _without_empty_series(
    series: list[RawLabels],
    series_index: Int32Array,
    timestamps: Int64Array,
    values: Float64Array,
    metadata: dict[str, MetricMetadata],
) -> SampleBatch:
    """Drop series that had no samples: the store would only create or refuse them."""
    used = np.zeros(len(series), dtype=bool)
    used[series_index] = True
    if bool(used.all()):
        return SampleBatch(series, series_index, timestamps, values, metadata)
    positions = (np.cumsum(used) - 1).astype(np.int32)
    kept = list(compress(series, used.tolist()))
    return SampleBatch(kept, positions[series_index], timestamps, values, metadata)


def _metadata(entries: Iterable[remote_pb2.MetricMetadata]) -> dict[str, MetricMetadata]:
    result: dict[str, MetricMetadata] = {}
    for entry in entries:
        if entry.metric_family_name:
            result[entry.metric_family_name] = MetricMetadata(
                type=_METRIC_TYPES.get(entry.type, "unknown"), help=entry.help, unit=entry.unit
            )
    return result


def _announced_length(body: bytes) -> int | None:
    """The decompressed size that a snappy block states in its leading varint."""
    length = 0
    for shift, byte in zip(range(0, 35, 7), body[:5], strict=False):
        length |= (byte & 0x7F) << shift
        if byte < 0x80:
            return length
    return None


def _batch(
    series: list[RawLabels],
    index: list[int],
    timestamps: list[int],
    values: list[float],
    metadata: dict[str, MetricMetadata],
) -> SampleBatch:
    return SampleBatch(
        series=series,
        series_index=np.asarray(index, dtype=np.int32),
        timestamps=np.asarray(timestamps, dtype=np.int64),
        values=np.asarray(values, dtype=np.float64),
        metadata=metadata,
    )


def _render(labels: RawLabels) -> str:
    return "{" + ", ".join(f'{name}="{value}"' for name, value in labels) + "}"


_DEFAULT = RemoteWriteDecoder()


def decode_remote_write(body: bytes) -> SampleBatch:
    """Decode a remote write 1.0 body with the process-wide decoder and its label cache."""
    return _DEFAULT.decode(body)
