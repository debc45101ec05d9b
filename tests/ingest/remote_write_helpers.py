"""Builds remote write 1.0 bodies the way a sender does: protobuf, then snappy block format."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cramjam

from pulseboard.ingest.proto import remote_pb2

Series = tuple[Sequence[tuple[str, str]], Sequence[tuple[float, int]]]


def write_request(
    series: Iterable[Series],
    metadata: Iterable[remote_pb2.MetricMetadata] = (),
) -> remote_pb2.WriteRequest:
    request = remote_pb2.WriteRequest()
    for labels, samples in series:
        entry = request.timeseries.add()
        for name, text in labels:
            entry.labels.add(name=name, value=text)
        for value, timestamp in samples:
            entry.samples.add(value=value, timestamp=timestamp)
    request.metadata.extend(metadata)
    return request


def snappy(data: bytes) -> bytes:
    return bytes(cramjam.snappy.compress_raw(data))


def encode_remote_write(
    series: Iterable[Series],
    metadata: Iterable[remote_pb2.MetricMetadata] = (),
) -> bytes:
    return snappy(write_request(series, metadata).SerializeToString())
