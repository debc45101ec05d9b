"""OTLP/HTTP metrics: what the real OpenTelemetry SDK sends, translated as Prometheus does."""

from __future__ import annotations

import gzip
import http.server
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest
from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue, KeyValueList
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.sdk.metrics import Counter, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import (
    ExplicitBucketHistogramAggregation,
    ExponentialBucketHistogramAggregation,
    View,
)
from opentelemetry.sdk.resources import Resource

from pulseboard.ingest.errors import IngestError, PayloadTooLargeError, UnsupportedMediaTypeError
from pulseboard.ingest.otlp import decode_otlp
from pulseboard.model.samples import STALE_NAN_BITS, MetricMetadata, SampleBatch, is_stale

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
RESOURCE = {
    "service.name": "checkout",
    "service.namespace": "shop",
    "service.instance.id": "pod-7",
    "deployment.environment": "prod",
    "host.name": "node-1",
}
JOB = {"job": "shop/checkout", "instance": "pod-7"}


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class Collector:
    """A stand-in OTLP receiver on loopback that records what it is sent."""

    url: str
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def collector() -> Iterator[Collector]:
    received: list[Received] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            received.append(Received(self.path, headers, body))
            self.send_response(200)
            self.send_header("Content-Type", PROTOBUF)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Collector(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def export(
    collector: Collector,
    record: Callable[[MeterProvider], None],
    *,
    views: Iterable[View] = (),
    compression: Compression | None = None,
    temporality: dict[type, AggregationTemporality] | None = None,
) -> Received:
    """Record with a real MeterProvider and send once through the real OTLP/HTTP exporter."""
    exporter = OTLPMetricExporter(
        endpoint=f"{collector.url}/v1/metrics",
        compression=compression,
        preferred_temporality=temporality,
    )
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(
        metric_readers=[reader],
        resource=Resource.create(RESOURCE),
        views=list(views),
        shutdown_on_exit=False,
    )
    try:
        record(provider)
        assert provider.force_flush(timeout_millis=10_000)
    finally:
        provider.shutdown()
    assert collector.received, "the exporter sent nothing"
    return collector.received[0]


def samples(batch: SampleBatch) -> dict[tuple[tuple[str, str], ...], list[tuple[int, float]]]:
    result: dict[tuple[tuple[str, str], ...], list[tuple[int, float]]] = {}
    for position, timestamp, value in zip(
        batch.series_index.tolist(), batch.timestamps.tolist(), batch.values.tolist(), strict=True
    ):
        result.setdefault(batch.series[position], []).append((timestamp, value))
    return result


def labels(name: str, **pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({"__name__": name, **pairs}.items()))


def values(batch: SampleBatch) -> dict[tuple[tuple[str, str], ...], float]:
    """The one value of each series (the SDK sends one point per series per export)."""
    result = {}
    for series, points in samples(batch).items():
        assert len(points) == 1, series
        result[series] = points[0][1]
    return result


def record_everything(provider: MeterProvider) -> None:
    meter = provider.get_meter("checkout.instrumentation", "1.2.3")
    requests = meter.create_counter(
        "http.server.requests", unit="{request}", description="Requests served."
    )
    requests.add(3, {"http.method": "GET", "http.route": "/cart", "http.status_code": 200})
    requests.add(4, {"http.method": "GET", "http.route": "/cart", "http.status_code": 200})
    requests.add(1, {"http.method": "POST", "http.route": "/cart", "http.status_code": 500})
    queue = meter.create_up_down_counter("queue.depth", unit="{item}", description="Items queued.")
    queue.add(5, {"queue": "emails"})
    queue.add(-2, {"queue": "emails"})
    duration = meter.create_histogram(
        "http.server.duration", unit="s", description="Time to serve a request."
    )
    for seconds in (0.1, 0.3, 0.7, 3.0):
        duration.record(seconds, {"http.route": "/cart"})

    def memory(options: CallbackOptions) -> Iterable[Observation]:
        yield Observation(1_048_576, {"memory.type": "heap", "process.runtime": "cpython"})

    def utilization(options: CallbackOptions) -> Iterable[Observation]:
        yield Observation(0.25, {"cpu.mode": "user", "sampled": True, "share": 0.5})

    meter.create_observable_gauge("process.memory.usage", [memory], unit="By")
    meter.create_observable_gauge("process.cpu.utilization", [utilization], unit="1")


HISTOGRAM_VIEW = View(
    instrument_name="http.server.duration",
    aggregation=ExplicitBucketHistogramAggregation([0.25, 0.5, 1.0, 2.5]),
)


def test_sdk_export_translates_like_prometheus(collector: Collector) -> None:
    before_ms = time.time_ns() // 1_000_000
    received = export(collector, record_everything, views=[HISTOGRAM_VIEW])
    after_ms = time.time_ns() // 1_000_000
    assert received.path == "/v1/metrics"
    assert received.headers["content-type"] == PROTOBUF

    batch = decode_otlp(received.body, received.headers["content-type"])
    got = values(batch)
    expected = {
        labels(
            "http_server_requests_total",
            http_method="GET",
            http_route="/cart",
            http_status_code="200",
            **JOB,
        ): 7.0,
        labels(
            "http_server_requests_total",
            http_method="POST",
            http_route="/cart",
            http_status_code="500",
            **JOB,
        ): 1.0,
        labels("queue_depth", queue="emails", **JOB): 3.0,
        labels(
            "process_memory_usage_bytes", memory_type="heap", process_runtime="cpython", **JOB
        ): (1_048_576.0),
        labels(
            "process_cpu_utilization_ratio", cpu_mode="user", sampled="true", share="0.5", **JOB
        ): 0.25,
        labels("http_server_duration_seconds_sum", http_route="/cart", **JOB): 4.1,
        labels("http_server_duration_seconds_count", http_route="/cart", **JOB): 4.0,
    }
    for le, count in (("0.25", 1), ("0.5", 2), ("1", 3), ("2.5", 3), ("+Inf", 4)):
        expected[
            labels("http_server_duration_seconds_bucket", http_route="/cart", le=le, **JOB)
        ] = count
    target_info = [series for series in got if dict(series)["__name__"] == "target_info"]
    assert len(target_info) == 1
    info = dict(target_info[0])
    assert info["deployment_environment"] == "prod"
    assert info["host_name"] == "node-1"
    assert info["telemetry_sdk_language"] == "python"
    assert info["job"] == "shop/checkout"
    assert info["instance"] == "pod-7"
    # The identifying attributes are job and instance now, not labels of their own.
    assert not {"service_name", "service_namespace", "service_instance_id"} & set(info)
    expected[target_info[0]] = 1.0

    assert got.keys() == expected.keys()
    for series, value in expected.items():
        assert got[series] == pytest.approx(value), series
    assert all(before_ms - 1000 <= t <= after_ms + 1000 for t in batch.timestamps.tolist())

    assert batch.metadata == {
        "http_server_requests_total": MetricMetadata("counter", "Requests served.", ""),
        "queue_depth": MetricMetadata("gauge", "Items queued.", ""),
        "http_server_duration_seconds": MetricMetadata(
            "histogram", "Time to serve a request.", "seconds"
        ),
        "process_memory_usage_bytes": MetricMetadata("gauge", "", "bytes"),
        "process_cpu_utilization_ratio": MetricMetadata("gauge", "", ""),
        "target_info": MetricMetadata("gauge", "Target metadata", ""),
    }


def test_json_body_decodes_like_protobuf(collector: Collector) -> None:
    received = export(collector, record_everything, views=[HISTOGRAM_VIEW])
    from_protobuf = decode_otlp(received.body, PROTOBUF)
    request = ExportMetricsServiceRequest.FromString(received.body)
    body = json_format.MessageToJson(request).encode()
    from_json = decode_otlp(body, "application/json; charset=utf-8")
    assert samples(from_json) == samples(from_protobuf)
    assert from_json.metadata == from_protobuf.metadata


def test_json_with_unknown_fields_and_integer_enums() -> None:
    body = b"""{"resourceMetrics": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "api"}}]},
      "futureField": 1,
      "scopeMetrics": [{"metrics": [{"name": "jobs.done", "unit": "{job}",
        "sum": {"aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
          {"asInt": "12", "timeUnixNano": "1700000000123456789",
           "attributes": [{"key": "queue", "value": {"stringValue": "q1"}}]}]}}]}]}]}"""
    batch = decode_otlp(body, JSON)
    assert samples(batch) == {
        labels("jobs_done_total", queue="q1", job="api"): [(1_700_000_000_123, 12.0)]
    }


def test_gzip_from_the_exporter(collector: Collector) -> None:
    received = export(
        collector, record_everything, views=[HISTOGRAM_VIEW], compression=Compression.Gzip
    )
    assert received.headers["content-encoding"] == "gzip"
    batch = decode_otlp(received.body, PROTOBUF, received.headers["content-encoding"])
    plain = decode_otlp(gzip.decompress(received.body), PROTOBUF)
    assert samples(batch) == samples(plain)
    assert len(batch) > 10


def test_gzip_json_and_multiple_members() -> None:
    body = json_format.MessageToJson(gauge_request([1.5])).encode()
    batch = decode_otlp(gzip.compress(body[:40]) + gzip.compress(body[40:]), JSON, "gzip")
    assert batch.values.tolist() == [1.5]


@pytest.mark.parametrize("content_type", ["text/plain", "", "application/protobuf", "json"])
def test_wrong_content_type_is_415(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaTypeError) as caught:
        decode_otlp(gauge_request([1.0]).SerializeToString(), content_type)
    assert caught.value.status_code == 415
    assert PROTOBUF in str(caught.value)


def test_unsupported_content_encoding_is_415() -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="Content-Encoding"):
        decode_otlp(gauge_request([1.0]).SerializeToString(), PROTOBUF, "br")


def test_malformed_bodies() -> None:
    with pytest.raises(IngestError, match=r"^protobuf: "):
        decode_otlp(b"\x0a\xff\xff\xff", PROTOBUF)
    with pytest.raises(IngestError, match=r"^json: "):
        decode_otlp(b'{"resourceMetrics": [', JSON)
    with pytest.raises(IngestError, match=r"^json: "):
        decode_otlp(b'{"resourceMetrics": 5}', JSON)
    with pytest.raises(IngestError, match=r"^json: "):
        decode_otlp(b"\xff\xfe{}", JSON)
    with pytest.raises(IngestError, match=r"^gzip: "):
        decode_otlp(b"not gzip at all", PROTOBUF, "gzip")
    with pytest.raises(IngestError, match=r"^gzip: "):
        decode_otlp(gzip.compress(gauge_request([1.0]).SerializeToString())[:-12], PROTOBUF, "gzip")
    truncated = gauge_request([1.0]).SerializeToString()[:-3]
    with pytest.raises(IngestError, match=r"^protobuf: "):
        decode_otlp(truncated, PROTOBUF)


def test_gzip_bomb_is_refused() -> None:
    body = gzip.compress(bytes(10_000_000))
    with pytest.raises(PayloadTooLargeError):
        decode_otlp(body, PROTOBUF, "gzip", max_decoded_bytes=1_000_000)


def test_empty_protobuf_request_is_fine() -> None:
    batch = decode_otlp(b"", PROTOBUF)
    assert len(batch) == 0


def test_delta_sums_are_refused(collector: Collector) -> None:
    def record(provider: MeterProvider) -> None:
        provider.get_meter("m").create_counter("logins").add(2)

    received = export(collector, record, temporality={Counter: AggregationTemporality.DELTA})
    with pytest.raises(IngestError, match="delta aggregation temporality") as caught:
        decode_otlp(received.body, PROTOBUF)
    assert "'logins'" in str(caught.value)
    assert "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative" in str(caught.value)


def test_exponential_histograms_are_refused(collector: Collector) -> None:
    def record(provider: MeterProvider) -> None:
        provider.get_meter("m").create_histogram("latency", unit="ms").record(12.5)

    view = View(instrument_name="latency", aggregation=ExponentialBucketHistogramAggregation())
    received = export(collector, record, views=[view])
    with pytest.raises(IngestError, match="exponential histogram") as caught:
        decode_otlp(received.body, PROTOBUF)
    assert "explicit_bucket_histogram" in str(caught.value)


T0 = 1_700_000_000_000_000_000  # ns


def string(text: str) -> AnyValue:
    return AnyValue(string_value=text)


def attributes(**pairs: AnyValue) -> list[KeyValue]:
    return [KeyValue(key=key.replace("__", "."), value=value) for key, value in pairs.items()]


def request_of(
    metrics: list[metrics_pb2.Metric], resource: list[KeyValue] | None = None
) -> ExportMetricsServiceRequest:
    request = ExportMetricsServiceRequest()
    resource_metrics = request.resource_metrics.add()
    if resource is None:
        resource = attributes(service__name=string("api"))
    resource_metrics.resource.attributes.extend(resource)
    resource_metrics.scope_metrics.add().metrics.extend(metrics)
    return request


def gauge_request(points: list[float], flags: int = 0) -> ExportMetricsServiceRequest:
    metric = metrics_pb2.Metric(name="temperature", unit="Cel")
    for index, value in enumerate(points):
        metric.gauge.data_points.add(
            as_double=value, time_unix_nano=T0 + index * 10**9, flags=flags
        )
    return request_of([metric])


def test_no_recorded_value_becomes_a_staleness_marker() -> None:
    gauge = gauge_request([20.5], flags=metrics_pb2.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK)
    histogram = metrics_pb2.Metric(name="size", unit="By")
    histogram.histogram.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
    histogram.histogram.data_points.add(
        time_unix_nano=T0,
        count=3,
        sum=10.0,
        explicit_bounds=[1.0],
        bucket_counts=[1, 2],
        flags=metrics_pb2.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK,
    )
    summary = metrics_pb2.Metric(name="rtt", unit="ms")
    point = summary.summary.data_points.add(
        time_unix_nano=T0,
        count=2,
        sum=3.0,
        flags=metrics_pb2.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK,
    )
    point.quantile_values.add(quantile=0.5, value=1.0)
    gauge.resource_metrics[0].scope_metrics[0].metrics.extend([histogram, summary])
    batch = decode_otlp(gauge.SerializeToString(), PROTOBUF)
    names = {dict(batch.series[i])["__name__"] for i in batch.series_index.tolist()}
    assert names == {
        "temperature_celsius",
        "size_bytes_sum",
        "size_bytes_count",
        "size_bytes_bucket",
        "rtt_milliseconds",
        "rtt_milliseconds_sum",
        "rtt_milliseconds_count",
    }
    assert len(batch) == 8
    assert (batch.values.view(np.uint64) == np.uint64(STALE_NAN_BITS)).all()
    assert all(is_stale(value) for value in batch.values.tolist())


def test_summary_and_int_sums() -> None:
    summary = metrics_pb2.Metric(name="rpc.duration", unit="ms", description="RPC latency.")
    point = summary.summary.data_points.add(time_unix_nano=T0 + 999_999, count=10, sum=52.5)
    point.attributes.extend(attributes(rpc__method=string("Get")))
    point.quantile_values.add(quantile=0.5, value=4.0)
    point.quantile_values.add(quantile=0.99, value=20.0)
    sessions = metrics_pb2.Metric(name="sessions", unit="{session}")
    sessions.sum.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
    sessions.sum.is_monotonic = False
    sessions.sum.data_points.add(as_int=-3, time_unix_nano=T0)
    batch = decode_otlp(request_of([summary, sessions]).SerializeToString(), PROTOBUF)
    ms = T0 // 1_000_000
    assert samples(batch) == {
        labels("rpc_duration_milliseconds_sum", rpc_method="Get", job="api"): [(ms, 52.5)],
        labels("rpc_duration_milliseconds_count", rpc_method="Get", job="api"): [(ms, 10.0)],
        labels("rpc_duration_milliseconds", rpc_method="Get", quantile="0.5", job="api"): [
            (ms, 4.0)
        ],
        labels("rpc_duration_milliseconds", rpc_method="Get", quantile="0.99", job="api"): [
            (ms, 20.0)
        ],
        labels("sessions", job="api"): [(ms, -3.0)],
    }
    assert batch.metadata["rpc_duration_milliseconds"] == MetricMetadata(
        "summary", "RPC latency.", "milliseconds"
    )
    assert batch.metadata["sessions"] == MetricMetadata("gauge")


def test_attribute_names_and_values() -> None:
    metric = metrics_pb2.Metric(name="odd.attributes")
    point = metric.gauge.data_points.add(as_double=1.0, time_unix_nano=T0)
    point.attributes.extend(
        [
            KeyValue(key="a.b", value=string("first")),
            KeyValue(key="a_b", value=string("second")),  # clashes with a.b once sanitised
            KeyValue(key="2xx", value=AnyValue(int_value=-7)),
            KeyValue(key="_private", value=AnyValue(double_value=1e21)),
            KeyValue(key="__reserved", value=AnyValue(double_value=1.5e-7)),
            KeyValue(key="empty", value=string("")),
            KeyValue(key="bytes", value=AnyValue(bytes_value=b"\x00\x01")),
            KeyValue(
                key="list",
                value=AnyValue(
                    array_value=ArrayValue(
                        values=[string("<x>"), AnyValue(int_value=1), AnyValue(double_value=2.0)]
                    )
                ),
            ),
            KeyValue(
                key="map",
                value=AnyValue(
                    kvlist_value=KeyValueList(
                        values=[
                            KeyValue(key="z", value=AnyValue(bool_value=False)),
                            KeyValue(key="a", value=string("b")),
                        ]
                    )
                ),
            ),
            KeyValue(key="__name__", value=string("ignored")),
            KeyValue(key="job", value=string("overridden by service.name")),
        ]
    )
    batch = decode_otlp(request_of([metric]).SerializeToString(), PROTOBUF)
    assert batch.series == [
        labels(
            "odd_attributes",
            a_b="first;second",
            key_2xx="-7",
            key_private="1e+21",
            __reserved="1.5e-7",
            bytes="AAE=",
            list='["\\u003cx\\u003e",1,2]',
            map='{"a":"b","z":false}',
            job="api",
        )
    ]


def test_invalid_names_are_refused() -> None:
    metric = metrics_pb2.Metric(name="@#$%")
    metric.gauge.data_points.add(as_double=1.0, time_unix_nano=T0)
    with pytest.raises(IngestError, match="metric name"):
        decode_otlp(request_of([metric]).SerializeToString(), PROTOBUF)
    metric = metrics_pb2.Metric(name="ok")
    point = metric.gauge.data_points.add(as_double=1.0, time_unix_nano=T0)
    point.attributes.extend([KeyValue(key="...", value=string("x"))])
    with pytest.raises(IngestError, match="label name"):
        decode_otlp(request_of([metric]).SerializeToString(), PROTOBUF)


def test_target_info_spans_the_request_every_two_and_a_half_minutes() -> None:
    metric = metrics_pb2.Metric(name="temperature")
    for minutes in (0, 10):
        metric.gauge.data_points.add(as_double=1.0, time_unix_nano=T0 + minutes * 60 * 10**9)
    resource = attributes(service__instance__id=string("i-1"), region=string("eu"))
    request = request_of([metric], resource)
    request.resource_metrics.append(request.resource_metrics[0])  # the same resource again
    batch = decode_otlp(request.SerializeToString(), PROTOBUF)
    ms = T0 // 1_000_000
    info = samples(batch)[labels("target_info", instance="i-1", region="eu")]
    assert [t for t, _ in info] == [ms + step * 150_000 for step in range(5)]
    assert all(value == 1.0 for _, value in info)


def test_no_target_info_without_other_attributes_or_identity() -> None:
    metric = metrics_pb2.Metric(name="temperature")
    metric.gauge.data_points.add(as_double=1.0, time_unix_nano=T0)
    only_identity = attributes(service__name=string("api"), service__instance__id=string("1"))
    no_identity = attributes(region=string("eu"))
    for resource in (only_identity, no_identity):
        batch = decode_otlp(request_of([metric], resource).SerializeToString(), PROTOBUF)
        assert [dict(s)["__name__"] for s in batch.series] == ["temperature"]
        assert "target_info" not in batch.metadata


def test_unspecified_temporality_and_empty_metrics() -> None:
    metric = metrics_pb2.Metric(name="requests")
    metric.sum.data_points.add(as_int=1, time_unix_nano=T0)
    with pytest.raises(IngestError, match="unspecified aggregation temporality"):
        decode_otlp(request_of([metric]).SerializeToString(), PROTOBUF)
    empty = metrics_pb2.Metric(name="nothing")
    with pytest.raises(IngestError, match="no data"):
        decode_otlp(request_of([empty]).SerializeToString(), PROTOBUF)
    no_points = metrics_pb2.Metric(name="quiet")
    no_points.gauge.SetInParent()
    batch = decode_otlp(request_of([no_points]).SerializeToString(), PROTOBUF)
    assert len(batch) == 0
    assert batch.metadata == {}


def test_histogram_without_sum_and_odd_bounds() -> None:
    metric = metrics_pb2.Metric(name="payload", unit="By")
    metric.histogram.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
    metric.histogram.data_points.add(
        time_unix_nano=T0, count=6, explicit_bounds=[1e-9, 1e20], bucket_counts=[1, 2, 3]
    )
    batch = decode_otlp(request_of([metric]).SerializeToString(), PROTOBUF)
    got = values(batch)
    assert got == {
        labels("payload_bytes_count", job="api"): 6.0,
        labels("payload_bytes_bucket", le="0.000000001", job="api"): 1.0,
        labels("payload_bytes_bucket", le="100000000000000000000", job="api"): 3.0,
        labels("payload_bytes_bucket", le="+Inf", job="api"): 6.0,
    }
    assert not any(math.isnan(v) for v in got.values())
