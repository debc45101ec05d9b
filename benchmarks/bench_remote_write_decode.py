"""Remote write 1.0 decoding throughput, against a plain protobuf decode in the same run.

Bodies are built as Prometheus sends them (protobuf, snappy block format): 10k series of one
sample each with 6 labels (the goal case: >= 500k samples/s end to end, so decoding must take a
small part of the 20 ms budget), the same with 30% zero values (encoders leave a zero value out,
which changes the layout), and 2000 series of 5 samples. Every figure includes snappy.

"cold" decodes with an empty label cache (series seen for the first time); "warm" decodes series
already seen, as every later request of a running sender does. The reference reads the request
through the generated message objects, the obvious implementation.

Run: python benchmarks/bench_remote_write_decode.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cramjam
import numpy as np

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulseboard.ingest.proto import remote_pb2
from pulseboard.ingest.remote_write import RemoteWriteDecoder
from pulseboard.model.samples import SampleBatch

NOW_MS = 1_700_000_000_000


def build_body(series: int, samples: int, zero_share: float = 0.0) -> bytes:
    request = remote_pb2.WriteRequest()
    zero_every = round(1 / zero_share) if zero_share else 0
    for i in range(series):
        entry = request.timeseries.add()
        for name, value in (
            ("__name__", "http_server_requests_seconds_count"),
            ("instance", f"10.1.{i // 250}.{i % 250}:8080"),
            ("job", "api"),
            ("method", ("GET", "POST", "PUT")[i % 3]),
            ("status", ("200", "404", "500")[i % 7 % 3]),
            ("uri", f"/api/v1/resource/{i % 97}"),
        ):
            entry.labels.add(name=name, value=value)
        for j in range(samples):
            zero = zero_every and (i * samples + j) % zero_every == 0
            entry.samples.add(value=0.0 if zero else i * 1.5 + j + 1, timestamp=NOW_MS + 15_000 * j)
    return bytes(cramjam.snappy.compress_raw(request.SerializeToString()))


def reference_decode(body: bytes) -> SampleBatch:
    request = remote_pb2.WriteRequest.FromString(bytes(cramjam.snappy.decompress_raw(body)))
    series = []
    index: list[int] = []
    timestamps: list[int] = []
    values: list[float] = []
    for row, entry in enumerate(request.timeseries):
        series.append(tuple((label.name, label.value) for label in entry.labels))
        for sample in entry.samples:
            index.append(row)
            timestamps.append(sample.timestamp)
            values.append(sample.value)
    return SampleBatch(
        series=series,
        series_index=np.asarray(index, dtype=np.int32),
        timestamps=np.asarray(timestamps, dtype=np.int64),
        values=np.asarray(values, dtype=np.float64),
    )


def median_rate(decode: Callable[[], SampleBatch], runs: int, before: Callable[[], None]) -> float:
    rates = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        samples = len(decode())
        rates.append(samples / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    cases = {
        "10k series x 1 sample": build_body(10_000, 1),
        "10k series x 1 sample, 30% zeros": build_body(10_000, 1, zero_share=0.3),
        "2000 series x 5 samples": build_body(2_000, 5),
    }
    decoder = RemoteWriteDecoder()

    def nothing() -> None:
        pass

    for name, body in cases.items():
        expected = reference_decode(body)
        got = decoder.decode(body)
        assert got.series == expected.series
        assert np.array_equal(got.values.view(np.uint64), expected.values.view(np.uint64))
        assert np.array_equal(got.timestamps, expected.timestamps)

        reference = median_rate(partial(reference_decode, body), 7, nothing)
        cold = median_rate(partial(decoder.decode, body), 15, decoder.clear_cache)
        warm = median_rate(partial(decoder.decode, body), 51, nothing)
        size = len(body) / 1e6
        print(f"{name} ({len(expected)} samples, {size:.2f} MB snappy)")
        print(f"  {'message objects (reference)':28s} {reference / 1e6:6.3f} M samples/s")
        for label, rate in (("pulseboard, cold cache", cold), ("pulseboard, warm cache", warm)):
            milliseconds = len(expected) / rate * 1e3
            print(
                f"  {label:28s} {rate / 1e6:6.3f} M samples/s  {milliseconds:6.2f} ms/request"
                f"  ({rate / reference:4.1f}x reference)"
            )


if __name__ == "__main__":
    main()
