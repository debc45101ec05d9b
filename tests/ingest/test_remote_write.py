"""Remote write 1.0 decoding: every fast path must give what a plain protobuf parse gives."""

from __future__ import annotations

import random
import struct

import cramjam
import numpy as np
import pytest

from pulseboard.ingest.errors import IngestError, PayloadTooLargeError
from pulseboard.ingest.proto import remote_pb2
from pulseboard.ingest.remote_write import RemoteWriteDecoder, decode_remote_write
from pulseboard.model.samples import STALE_NAN, STALE_NAN_BITS, MetricMetadata, SampleBatch
from tests.ingest.remote_write_helpers import (
    Series,
    encode_remote_write,
    snappy,
    write_request,
)

NOW_MS = 1_700_000_000_000


def node_series(count: int, samples: int = 1, start: int = 0) -> list[Series]:
    return [
        (
            [
                ("__name__", "node_cpu_seconds_total"),
                ("cpu", str(i % 8)),
                ("instance", f"10.0.{i // 250}.{i % 250}:9100"),
                ("job", "node"),
                ("mode", ("idle", "user", "system")[i % 3]),
            ],
            [(float(i) + 0.25 * j + 1.0, NOW_MS + 15_000 * j) for j in range(samples)],
        )
        for i in range(start, start + count)
    ]


def bits(values: np.ndarray) -> list[int]:
    return [int(v) for v in np.asarray(values, dtype=np.float64).view(np.uint64)]


def flatten(
    series: list[Series],
) -> tuple[list[tuple[tuple[str, str], ...]], list[int], list[int], list[float]]:
    """What a decoder must return for `series`: entries with samples, in wire order."""
    kept = [(tuple(labels), samples) for labels, samples in series if samples]
    index = [row for row, (_, samples) in enumerate(kept) for _ in samples]
    times = [t for _, samples in kept for _, t in samples]
    values = [v for _, samples in kept for v, _ in samples]
    return [labels for labels, _ in kept], index, times, values


def assert_batch(batch: SampleBatch, series: list[Series]) -> None:
    labels, index, times, values = flatten(series)
    assert batch.series == labels
    assert batch.series_index.dtype == np.int32
    assert batch.timestamps.dtype == np.int64
    assert batch.values.dtype == np.float64
    assert batch.series_index.tolist() == index
    assert batch.timestamps.tolist() == times
    assert bits(batch.values) == bits(np.asarray(values, dtype=np.float64))


def reference_decode(
    raw: bytes,
) -> tuple[list[tuple[tuple[str, str], ...]], list[int], list[int], list[int]]:
    """A plain protobuf parse through message objects: the semantics the decoder must have."""
    request = remote_pb2.WriteRequest.FromString(raw)
    labels: list[tuple[tuple[str, str], ...]] = []
    index: list[int] = []
    times: list[int] = []
    value_bits: list[int] = []
    for series in request.timeseries:
        pairs = tuple((label.name, label.value) for label in series.labels)
        if len(series.histograms):
            raise IngestError("native histograms")
        if not series.samples:
            continue
        for sample in series.samples:
            index.append(len(labels))
            times.append(sample.timestamp)
            value_bits.append(struct.unpack("<Q", struct.pack("<d", sample.value))[0])
        labels.append(pairs)
    return labels, index, times, value_bits


@pytest.fixture
def decoder() -> RemoteWriteDecoder:
    return RemoteWriteDecoder()


def test_round_trip_with_metadata(decoder: RemoteWriteDecoder) -> None:
    series = node_series(3, samples=2)
    metadata = [
        remote_pb2.MetricMetadata(
            type=remote_pb2.MetricMetadata.COUNTER,
            metric_family_name="node_cpu_seconds_total",
            help="Seconds the CPUs spent in each mode.",
            unit="seconds",
        ),
        remote_pb2.MetricMetadata(
            type=remote_pb2.MetricMetadata.GAUGEHISTOGRAM, metric_family_name="q"
        ),
    ]
    batch = decoder.decode(encode_remote_write(series, metadata))
    assert_batch(batch, series)
    assert len(batch) == 6
    assert batch.metadata == {
        "node_cpu_seconds_total": MetricMetadata(
            "counter", "Seconds the CPUs spent in each mode.", "seconds"
        ),
        "q": MetricMetadata("gaugehistogram"),
    }


def test_module_function_uses_a_shared_decoder() -> None:
    series = node_series(4)
    body = encode_remote_write(series)
    assert_batch(decode_remote_write(body), series)
    assert_batch(decode_remote_write(body), series)


def test_labels_stay_in_wire_order(decoder: RemoteWriteDecoder) -> None:
    series: list[Series] = [([("job", "b"), ("__name__", "up"), ("a", "1")], [(1.0, NOW_MS)])]
    batch = decoder.decode(encode_remote_write(series))
    assert batch.series == [(("job", "b"), ("__name__", "up"), ("a", "1"))]


@pytest.mark.parametrize("samples", [1, 2, 5])
def test_cold_and_warm_decodes_agree(decoder: RemoteWriteDecoder, samples: int) -> None:
    series = node_series(500, samples=samples)
    body = encode_remote_write(series)
    assert_batch(decoder.decode(body), series)  # labels learnt
    assert_batch(decoder.decode(body), series)  # labels from the cache
    # New samples for the same series, plus series never seen.
    later: list[Series] = [(labels, [(v + 1.0, t + 60_000) for v, t in s]) for labels, s in series]
    later += node_series(50, samples=samples, start=500)
    assert_batch(decoder.decode(encode_remote_write(later)), later)


def test_zero_values_which_encoders_leave_out(decoder: RemoteWriteDecoder) -> None:
    series: list[Series] = [
        (labels, [(0.0 if i % 3 else 5.0, t)])
        for i, (labels, [(_, t)]) in enumerate(node_series(90))
    ]
    body = encode_remote_write(series)
    raw = write_request(series).SerializeToString()
    assert raw.count(bytes([0x12, 7, 0x10])) == 60  # a zero value is not on the wire
    for _ in range(2):
        assert_batch(decoder.decode(body), series)


def test_negative_zero_and_special_values_are_bit_exact(decoder: RemoteWriteDecoder) -> None:
    specials = [-0.0, float("inf"), float("-inf"), float("nan"), STALE_NAN, 5e-324, -1.5]
    series: list[Series] = [
        ([("__name__", f"m{i}")], [(v, NOW_MS)]) for i, v in enumerate(specials)
    ]
    for _ in range(2):
        batch = decoder.decode(encode_remote_write(series))
        assert bits(batch.values) == bits(np.asarray(specials))


def test_stale_nan_is_preserved_bit_exactly_on_every_path(decoder: RemoteWriteDecoder) -> None:
    # Usual layout (fast path), a far-future and a negative timestamp (per-series path).
    timestamps = [NOW_MS, 4_102_444_800_000, -1000]
    for timestamp in timestamps:
        series: list[Series] = [([("__name__", "up"), ("job", "x")], [(STALE_NAN, timestamp)])]
        batch = decoder.decode(encode_remote_write(series))
        assert batch.timestamps.tolist() == [timestamp]
        assert bits(batch.values) == [STALE_NAN_BITS]
        assert batch.values[0] != batch.values[0]


def test_repeated_series_are_kept_as_sent(decoder: RemoteWriteDecoder) -> None:
    # Prometheus sends one TimeSeries per sample: the same labels twice in one request.
    labels = [("__name__", "up"), ("job", "x")]
    series: list[Series] = [(labels, [(1.0, NOW_MS)]), (labels, [(0.0, NOW_MS + 15_000)])]
    batch = decoder.decode(encode_remote_write(series))
    assert_batch(batch, series)


def test_mixed_sample_counts_and_empty_series(decoder: RemoteWriteDecoder) -> None:
    series = node_series(6, samples=2)
    series[1] = (series[1][0], [])
    series[3] = (series[3][0], series[3][1][:1])
    series[4] = (series[4][0], [*series[4][1], (7.0, NOW_MS + 60_000)])
    for _ in range(2):
        batch = decoder.decode(encode_remote_write(series))
        assert_batch(batch, series)
        assert len(batch.series) == 5  # the series without samples is left out


def test_exemplars_are_ignored_and_samples_kept(decoder: RemoteWriteDecoder) -> None:
    request = write_request(node_series(3))
    exemplar = request.timeseries[1].exemplars.add(value=0.3, timestamp=NOW_MS)
    exemplar.labels.add(name="trace_id", value="abc")
    body = snappy(request.SerializeToString())
    for _ in range(2):
        assert_batch(decoder.decode(body), node_series(3))


def test_unknown_fields_are_skipped(decoder: RemoteWriteDecoder) -> None:
    series = node_series(2)
    raw = bytearray()
    for labels, samples in series:
        entry = remote_pb2.TimeSeries()
        for name, text in labels:
            entry.labels.add(name=name, value=text)
        for value, timestamp in samples:
            entry.samples.add(value=value, timestamp=timestamp)
        # field 9 (varint) before the samples, field 10 (bytes) at the end
        frame = entry.SerializeToString()
        cut = frame.index(b"\x12\x10\x09")
        frame = frame[:cut] + b"\x48\x01" + frame[cut:] + b"\x52\x02hi"
        raw += b"\x0a" + bytes([len(frame)]) + frame
    raw += b"\x10\x05"  # WriteRequest field 2 (Cortex' source), reserved by Prometheus
    assert_batch(decoder.decode(snappy(bytes(raw))), series)


def test_native_histograms_are_refused(decoder: RemoteWriteDecoder) -> None:
    request = write_request(node_series(3))
    request.timeseries[2].histograms.add(count_int=3, sum=1.5, schema=3, timestamp=NOW_MS)
    with pytest.raises(IngestError, match="native histogram") as caught:
        decoder.decode(snappy(request.SerializeToString()))
    assert 'instance="10.0.0.2:9100"' in str(caught.value)
    assert caught.value.status_code == 400


def test_empty_body_decodes_to_nothing(decoder: RemoteWriteDecoder) -> None:
    for body in (b"", snappy(b"")):
        batch = decoder.decode(body)
        assert len(batch) == 0
        assert batch.series == []
        assert batch.series_index.dtype == np.int32


def test_bad_snappy(decoder: RemoteWriteDecoder) -> None:
    with pytest.raises(IngestError, match=r"^snappy: "):
        decoder.decode(b"\x40this is not snappy at all")


def test_framed_snappy_is_refused_with_a_hint(decoder: RemoteWriteDecoder) -> None:
    raw = write_request(node_series(2)).SerializeToString()
    with pytest.raises(IngestError, match="block format"):
        decoder.decode(bytes(cramjam.snappy.compress(raw)))


def test_uncompressed_protobuf_is_refused(decoder: RemoteWriteDecoder) -> None:
    with pytest.raises(IngestError, match=r"^snappy: "):
        decoder.decode(write_request(node_series(2)).SerializeToString())


def test_malformed_protobuf(decoder: RemoteWriteDecoder) -> None:
    with pytest.raises(IngestError, match=r"^protobuf: "):
        decoder.decode(snappy(b"\x0a\x05\x0a\x03\x0a\x08x"))
    with pytest.raises(IngestError, match=r"^protobuf: "):
        decoder.decode(snappy(b"\xff\xff\xff"))


def test_truncated_bodies(decoder: RemoteWriteDecoder) -> None:
    series = node_series(20)
    body = encode_remote_write(series)
    with pytest.raises(IngestError, match=r"^snappy: "):
        decoder.decode(body[: len(body) // 2])
    raw = write_request(series).SerializeToString()
    for cut in (len(raw) - 1, len(raw) - 5, len(raw) // 2, 3):
        with pytest.raises(IngestError, match=r"^protobuf: "):
            decoder.decode(snappy(raw[:cut]))
    # Truncated after series already decoded and cached must not fool the cache either.
    decoder.decode(body)
    with pytest.raises(IngestError, match=r"^protobuf: "):
        decoder.decode(snappy(raw[:-3]))


def test_invalid_utf8_in_a_label_is_refused(decoder: RemoteWriteDecoder) -> None:
    def field(tag: int, payload: bytes) -> bytes:
        return bytes([tag, len(payload)]) + payload

    sample = remote_pb2.Sample(value=1.0, timestamp=NOW_MS).SerializeToString()
    for bad in (b"\xc3\x28", b"\xed\xa0\x80"):  # a broken sequence, an encoded surrogate
        frame = field(0x0A, field(0x0A, b"__name__") + field(0x12, b"up"))
        frame += field(0x0A, field(0x0A, b"a") + field(0x12, bad)) + field(0x12, sample)
        for _ in range(2):
            with pytest.raises(IngestError, match="UTF-8"):
                decoder.decode(snappy(field(0x0A, frame)))


def test_announced_size_over_the_limit_is_refused() -> None:
    decoder = RemoteWriteDecoder(max_decoded_bytes=1000)
    with pytest.raises(PayloadTooLargeError) as caught:
        decoder.decode(encode_remote_write(node_series(100)))
    assert caught.value.status_code == 413


def test_small_caches_stay_correct() -> None:
    decoder = RemoteWriteDecoder(max_cached_series=7)
    for start in range(0, 100, 20):
        series = node_series(20, start=start)
        assert_batch(decoder.decode(encode_remote_write(series)), series)
        assert_batch(decoder.decode(encode_remote_write(series)), series)


def random_series(rng: random.Random, count: int) -> list[Series]:
    names = ["__name__", "job", "instance", "le", "path", "ünïcode", ""]
    values = ["", "x", "node", "0.5", "+Inf", "a" * 200, "日本語", "\x00"]
    result: list[Series] = []
    for _ in range(count):
        labels = [(rng.choice(names), rng.choice(values)) for _ in range(rng.randint(0, 6))]
        samples = [
            (
                rng.choice([0.0, -0.0, 1.0, rng.uniform(-1e9, 1e9), STALE_NAN, float("nan")]),
                rng.choice([NOW_MS + rng.randint(0, 10**6), 0, -5, 2**62, 4_102_444_800_000]),
            )
            for _ in range(rng.choice([1, 1, 1, 0, 2, 3]))
        ]
        result.append((labels, samples))
    return result


def mutate(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 3)):
        action = rng.random()
        position = rng.randrange(len(data)) if data else 0
        if action < 0.5 and data:
            data[position] = rng.randrange(256)
        elif action < 0.75:
            data.insert(position, rng.randrange(256))
        elif data:
            del data[position]
    return bytes(data)


def check_against_reference(decoder: RemoteWriteDecoder, raw: bytes) -> None:
    try:
        expected = reference_decode(raw)
    except Exception:
        with pytest.raises(IngestError):
            decoder.decode(snappy(raw))
        return
    batch = decoder.decode(snappy(raw))
    assert (
        batch.series,
        batch.series_index.tolist(),
        batch.timestamps.tolist(),
        bits(batch.values),
    ) == expected


def test_randomized_requests_match_a_plain_protobuf_parse() -> None:
    rng = random.Random(20240611)
    shared = RemoteWriteDecoder()
    for _ in range(300):
        series = random_series(rng, rng.randint(1, 40))
        if rng.random() < 0.5:
            # mostly-regular requests, so that the fast paths and the cache are exercised
            series = node_series(rng.randint(1, 30), samples=rng.choice([1, 2])) + series[:2]
        raw = write_request(series).SerializeToString()
        check_against_reference(shared, raw)
        check_against_reference(RemoteWriteDecoder(), raw)
        # Mutated bytes: same verdict as the reference, and no poisoned cache afterwards.
        check_against_reference(shared, mutate(rng, raw))
        check_against_reference(shared, raw)
