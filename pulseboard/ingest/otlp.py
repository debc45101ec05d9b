"""OTLP/HTTP metrics (protobuf or JSON) -> SampleBatch, translated as Prometheus' receiver does.

The translation follows Prometheus' OTLP endpoint with its default settings (translation
strategy UnderscoreEscapingWithSuffixes, no promoted resource or scope attributes, target_info
on), so that a dashboard or alert written against Prometheus finds the same series here:

* metric names: characters outside [a-zA-Z0-9:] become word breaks joined by `_`; the unit adds
  a suffix (`s` -> `_seconds`, `By` -> `_bytes`, `By/s` -> `_bytes_per_second`, curly-brace
  annotations add nothing); monotonic sums end in `_total`, gauges with unit `1` in `_ratio`.
* data point attributes become labels: invalid characters become `_`, a leading digit gets
  `key_`, a single leading underscore `key`; attributes that clash after that are joined with
  `;`. Resource `service.namespace/service.name` becomes `job`, `service.instance.id`
  `instance`; all other resource attributes go on one `target_info` series (value 1) per
  resource, sampled every 2.5 minutes across the request's time span as Prometheus does.
* gauges and cumulative sums are samples; explicit-bucket histograms become `_bucket{le}` with
  cumulative counts and `+Inf`, `_sum` and `_count`; summaries become `{quantile}`, `_sum` and
  `_count`. A point flagged "no recorded value" becomes a staleness marker.

Refused, so that nothing of the request is stored (IngestError, 400):

* delta (and unspecified) temporality. Prometheus refuses such requests too unless a feature
  flag is set; converting deltas needs per-series state across requests. Exporters can be told
  to send cumulative data instead.
* exponential histograms: Prometheus stores them as native histograms, which Pulseboard does
  not have. SDKs can be told to use explicit-bucket histograms.
"""

from __future__ import annotations

import base64
import math
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import (
    AGGREGATION_TEMPORALITY_CUMULATIVE,
    AGGREGATION_TEMPORALITY_DELTA,
    DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK,
    HistogramDataPoint,
    Metric,
    NumberDataPoint,
    ResourceMetrics,
    SummaryDataPoint,
)

from pulseboard.ingest.errors import IngestError, PayloadTooLargeError, UnsupportedMediaTypeError
from pulseboard.model.samples import STALE_NAN, BatchBuilder, MetricMetadata, SampleBatch

__all__ = ["DEFAULT_MAX_DECODED_BYTES", "decode_otlp"]

PROTOBUF = "application/x-protobuf"
JSON = "application/json"

# Prometheus reads at most 32 MiB of a decompressed OTLP body; JSON takes more room than
# protobuf for the same data, so this allows more.
DEFAULT_MAX_DECODED_BYTES = 256 * 1024 * 1024

# Half of PromQL's 5-minute lookback: a target_info sample is always within reach of a query.
_TARGET_INFO_INTERVAL_NS = 150 * 1_000_000_000
_IDENTIFYING_ATTRIBUTES = ("service.namespace", "service.name", "service.instance.id")

# UCUM units as OpenTelemetry semantic conventions use them -> Prometheus base-unit words.
_UNITS = {
    "d": "days",
    "h": "hours",
    "min": "minutes",
    "s": "seconds",
    "ms": "milliseconds",
    "us": "microseconds",
    "ns": "nanoseconds",
    "By": "bytes",
    "KiBy": "kibibytes",
    "MiBy": "mebibytes",
    "GiBy": "gibibytes",
    "TiBy": "tibibytes",
    "KBy": "kilobytes",
    "MBy": "megabytes",
    "GBy": "gigabytes",
    "TBy": "terabytes",
    "m": "meters",
    "V": "volts",
    "A": "amperes",
    "J": "joules",
    "W": "watts",
    "g": "grams",
    "Cel": "celsius",
    "Hz": "hertz",
    "1": "",
    "%": "percent",
}
_PER_UNITS = {
    "s": "second",
    "m": "minute",
    "h": "hour",
    "d": "day",
    "w": "week",
    "mo": "month",
    "y": "year",
}

_GAUGE = "gauge"
_MONOTONIC_SUM = "monotonic sum"
_NON_MONOTONIC_SUM = "non-monotonic sum"
_HISTOGRAM = "histogram"
_SUMMARY = "summary"
_PROMETHEUS_TYPES = {
    _GAUGE: "gauge",
    _MONOTONIC_SUM: "counter",
    _NON_MONOTONIC_SUM: "gauge",
    _HISTOGRAM: "histogram",
    _SUMMARY: "summary",
}

Labels = dict[str, str]


def decode_otlp(
    body: bytes,
    content_type: str,
    content_encoding: str | None = None,
    *,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> SampleBatch:
    """Decode an OTLP/HTTP ExportMetricsServiceRequest into samples.

    `content_type` is the request's Content-Type (parameters allowed): application/x-protobuf
    or application/json; anything else raises UnsupportedMediaTypeError, as does a
    Content-Encoding other than gzip or none. Everything that cannot be decoded or translated
    raises IngestError naming the cause, and then nothing of the request is stored.
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (PROTOBUF, JSON):
        raise UnsupportedMediaTypeError(
            f"OTLP metrics need Content-Type {PROTOBUF} or {JSON}, got {content_type or 'none'!r}"
        )
    data = _decompress(body, content_encoding, max_decoded_bytes)
    request = _parse_json(data) if media == JSON else _parse_protobuf(data)
    return _Translator().translate(request)


def _decompress(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise UnsupportedMediaTypeError(
            f"OTLP metrics support Content-Encoding gzip or none, got {content_encoding!r}"
        )
    parts: list[bytes] = []
    size = 0
    rest = body
    try:
        # A gzip body may hold several members; each decompressor reads one.
        while rest:
            decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            parts.append(decompressor.decompress(rest, limit - size + 1))
            size += len(parts[-1])
            if size > limit or decompressor.unconsumed_tail:
                raise PayloadTooLargeError(
                    f"gzip: body decompresses to more than the limit of {limit} bytes"
                )
            if not decompressor.eof:
                raise IngestError("gzip: body is truncated")
            rest = decompressor.unused_data
    except zlib.error as exc:
        raise IngestError(f"gzip: {exc}") from None
    return b"".join(parts)


def _parse_protobuf(data: bytes) -> ExportMetricsServiceRequest:
    try:
        return ExportMetricsServiceRequest.FromString(data)
    except DecodeError as exc:
        raise IngestError(f"protobuf: {exc}") from None


def _parse_json(data: bytes) -> ExportMetricsServiceRequest:
    request = ExportMetricsServiceRequest()
    try:
        # OTLP/JSON receivers must ignore fields they do not know (newer senders add some).
        json_format.Parse(data.decode("utf-8"), request, ignore_unknown_fields=True)
    except UnicodeDecodeError as exc:
        raise IngestError(f"json: body is not UTF-8: {exc}") from None
    except (json_format.ParseError, RecursionError) as exc:
        raise IngestError(f"json: {exc}") from None
    return request


class _Translator:
    """One request's translation; holds what is shared between its resources."""

    def __init__(self) -> None:
        self.builder = BatchBuilder()
        self._label_names: dict[str, str] = {}
        self._target_info_seen: set[tuple[tuple[tuple[str, str], ...], int]] = set()
        self._job = ""
        self._instance = ""

    def translate(self, request: ExportMetricsServiceRequest) -> SampleBatch:
        for resource_metrics in request.resource_metrics:
            self._resource(resource_metrics)
        return self.builder.build()

    def _resource(self, resource_metrics: ResourceMetrics) -> None:
        attributes = resource_metrics.resource.attributes
        found = _first_values(attributes, _IDENTIFYING_ATTRIBUTES)
        self._job = ""
        if "service.name" in found:
            self._job = found["service.name"]
            if "service.namespace" in found:
                self._job = f"{found['service.namespace']}/{self._job}"
        self._instance = found.get("service.instance.id", "")

        earliest: int | None = None
        latest: int | None = None
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                span = self._metric(metric)
                if span is not None:
                    earliest = span[0] if earliest is None else min(earliest, span[0])
                    latest = span[1] if latest is None else max(latest, span[1])
        if earliest is not None and latest is not None:
            self._target_info(attributes, earliest, latest)

    def _metric(self, metric: Metric) -> tuple[int, int] | None:
        """Add the samples of one metric; returns the span of its points' timestamps (ns)."""
        kind = metric.WhichOneof("data")
        if kind == "gauge":
            metric_type = _GAUGE
            points: Sequence[Any] = metric.gauge.data_points
        elif kind == "sum":
            _check_temporality(metric, metric.sum.aggregation_temporality)
            metric_type = _MONOTONIC_SUM if metric.sum.is_monotonic else _NON_MONOTONIC_SUM
            points = metric.sum.data_points
        elif kind == "histogram":
            _check_temporality(metric, metric.histogram.aggregation_temporality)
            metric_type = _HISTOGRAM
            points = metric.histogram.data_points
        elif kind == "summary":
            metric_type = _SUMMARY
            points = metric.summary.data_points
        elif kind == "exponential_histogram":
            _check_temporality(metric, metric.exponential_histogram.aggregation_temporality)
            raise IngestError(
                f"metric {metric.name!r} is an exponential histogram, which needs native "
                "histograms; Pulseboard does not support them. Configure the SDK to aggregate "
                "histograms with explicit buckets (OTEL_EXPORTER_OTLP_METRICS_DEFAULT_"
                "HISTOGRAM_AGGREGATION=explicit_bucket_histogram)"
            )
        else:
            raise IngestError(f"metric {metric.name!r} has no data (gauge, sum, histogram, ...)")
        if not points:
            return None  # Prometheus drops such a metric, metadata included

        name = metric_name(metric.name, metric.unit, metric_type)
        self.builder.metadata[name] = MetricMetadata(
            type=_PROMETHEUS_TYPES[metric_type],
            help=metric.description,
            unit=unit_name(metric.unit),
        )
        if metric_type == _HISTOGRAM:
            for point in points:
                self._histogram_point(name, point)
        elif metric_type == _SUMMARY:
            for point in points:
                self._summary_point(name, point)
        else:
            for point in points:
                self._number_point(name, point)
        times = [point.time_unix_nano for point in points]
        return min(times), max(times)

    def _number_point(self, name: str, point: NumberDataPoint) -> None:
        labels = self._attributes(point.attributes)
        which = point.WhichOneof("value")
        value = float(point.as_int) if which == "as_int" else point.as_double
        if point.flags & DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK:
            value = STALE_NAN
        self._add(labels, name, _milliseconds(point.time_unix_nano), value)

    def _histogram_point(self, name: str, point: HistogramDataPoint) -> None:
        labels = self._attributes(point.attributes)
        timestamp = _milliseconds(point.time_unix_nano)
        stale = bool(point.flags & DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK)
        if point.HasField("sum"):  # an unset sum means the _sum series is left out
            self._add(labels, f"{name}_sum", timestamp, STALE_NAN if stale else point.sum)
        count = STALE_NAN if stale else float(point.count)
        self._add(labels, f"{name}_count", timestamp, count)
        cumulative = 0
        for bound, bucket_count in zip(point.explicit_bounds, point.bucket_counts, strict=False):
            cumulative += bucket_count
            value = STALE_NAN if stale else float(cumulative)
            self._add(labels, f"{name}_bucket", timestamp, value, ("le", _format_bound(bound)))
        self._add(labels, f"{name}_bucket", timestamp, count, ("le", "+Inf"))

    def _summary_point(self, name: str, point: SummaryDataPoint) -> None:
        labels = self._attributes(point.attributes)
        timestamp = _milliseconds(point.time_unix_nano)
        stale = bool(point.flags & DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK)
        self._add(labels, f"{name}_sum", timestamp, STALE_NAN if stale else point.sum)
        self._add(labels, f"{name}_count", timestamp, STALE_NAN if stale else float(point.count))
        for quantile in point.quantile_values:
            value = STALE_NAN if stale else quantile.value
            self._add(
                labels, name, timestamp, value, ("quantile", _format_bound(quantile.quantile))
            )

    def _add(
        self,
        labels: Labels,
        name: str,
        timestamp: int,
        value: float,
        extra: tuple[str, str] | None = None,
    ) -> None:
        series = dict(labels)
        if extra is not None:
            series[extra[0]] = extra[1]
        series["__name__"] = name
        self.builder.add(tuple(sorted(series.items())), timestamp, value)

    def _attributes(self, attributes: Iterable[KeyValue], ignore: Sequence[str] = ()) -> Labels:
        """Labels from attributes, plus job and instance of the current resource."""
        pairs = sorted(
            (attribute.key, _as_string(attribute.value))
            for attribute in attributes
            if attribute.key != "__name__" and attribute.key not in ignore
        )
        labels: Labels = {}
        for key, value in pairs:
            name = self._label_name(key)
            existing = labels.get(name, "")
            if existing:
                labels[name] = f"{existing};{value}"
            elif value:  # an empty value is the same as no label
                labels[name] = value
        if self._job:
            labels["job"] = self._job
        if self._instance:
            labels["instance"] = self._instance
        return labels

    def _label_name(self, key: str) -> str:
        name = self._label_names.get(key)
        if name is None:
            name = label_name(key)
            self._label_names[key] = name
        return name

    def _target_info(self, attributes: Sequence[KeyValue], earliest: int, latest: int) -> None:
        if all(attribute.key in _IDENTIFYING_ATTRIBUTES for attribute in attributes):
            return  # job and instance say it all
        labels = self._attributes(attributes, ignore=_IDENTIFYING_ATTRIBUTES)
        if "job" not in labels and "instance" not in labels:
            return  # nothing would tie the series to the samples of this resource
        labels["__name__"] = "target_info"
        series = tuple(sorted(labels.items()))
        self.builder.metadata["target_info"] = MetricMetadata("gauge", "Target metadata")
        times = [*range(earliest, latest, _TARGET_INFO_INTERVAL_NS), latest]
        for nanoseconds in times:
            timestamp = _milliseconds(nanoseconds)
            if (series, timestamp) not in self._target_info_seen:
                self._target_info_seen.add((series, timestamp))
                self.builder.add(series, timestamp, 1.0)


def _check_temporality(metric: Metric, temporality: int) -> None:
    if temporality == AGGREGATION_TEMPORALITY_CUMULATIVE:
        return
    kind = "delta" if temporality == AGGREGATION_TEMPORALITY_DELTA else "unspecified"
    raise IngestError(
        f"metric {metric.name!r} has {kind} aggregation temporality; only cumulative is "
        "supported (as in Prometheus). Configure the exporter for cumulative temporality "
        "(OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative)"
    )


def _first_values(attributes: Iterable[KeyValue], keys: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for attribute in attributes:
        if attribute.key in keys and attribute.key not in found:
            found[attribute.key] = _as_string(attribute.value)
    return found


def metric_name(name: str, unit: str, metric_type: str) -> str:
    """The Prometheus name of an OTLP metric (Prometheus' UnderscoreEscapingWithSuffixes)."""
    tokens = [token for token in _split_invalid(name, allow_underscore=False).split("_") if token]
    main, per = _unit_suffixes(unit)
    main, per = _clean_unit(main), _clean_unit(per)
    if main in tokens:
        main = ""
    if per == "per_":
        per = ""
    else:
        per = per.removesuffix("_")
        if per in tokens:
            per = ""
    if per:
        main = main.removesuffix("_")
    tokens += [suffix for suffix in (main, per) if suffix]
    if metric_type == _MONOTONIC_SUM:
        tokens = [token for token in tokens if token != "total"] + ["total"]
    if unit == "1" and metric_type == _GAUGE:
        tokens = [token for token in tokens if token != "ratio"] + ["ratio"]
    result = "_".join(tokens)
    if result[:1].isdigit():
        result = "_" + result
    if not result:
        raise IngestError(f"metric name {name!r} has no valid characters to build a name from")
    return result


def unit_name(unit: str) -> str:
    """The Prometheus unit of an OTLP unit, as metadata reports it (`By/s` -> bytes_per_second)."""
    main, per = _unit_suffixes(unit)
    main, per = _clean_unit(main), _clean_unit(per)
    joined = f"{main}_{per}" if main and per else main or per
    return joined.removeprefix("_").removesuffix("_")


def label_name(key: str) -> str:
    """The Prometheus label name of an attribute key (Prometheus' default OTLP settings)."""
    if not key:
        raise IngestError("an attribute has an empty key, which cannot become a label name")
    name = "".join(char if char.isascii() and char.isalnum() else "_" for char in key)
    if name[0].isdigit():
        name = "key_" + name
    elif name.startswith("_") and not name.startswith("__"):
        name = "key" + name
    if not name.strip("_"):
        raise IngestError(f"attribute {key!r} gives label name {name!r}, which is not valid")
    return name


def _split_invalid(text: str, *, allow_underscore: bool) -> str:
    """`text` with every character outside [a-zA-Z0-9:] (and `_`, if allowed) as `_`."""
    return "".join(
        char
        if (char.isascii() and (char.isalnum() or char == ":"))
        or (allow_underscore and char == "_")
        else "_"
        for char in text
    )


def _unit_suffixes(unit: str) -> tuple[str, str]:
    main_unit, _, per_unit = unit.partition("/")
    main = ""
    per = ""
    main_unit = main_unit.strip()
    if main_unit and "{" not in main_unit and "}" not in main_unit:
        main = _UNITS.get(main_unit, main_unit)
    per_unit = per_unit.strip()
    if per_unit and "{" not in per_unit and "}" not in per_unit:
        per = _PER_UNITS.get(per_unit, per_unit)
        if per:
            per = "per_" + per
    return main, per


def _clean_unit(unit: str) -> str:
    cleaned = _split_invalid(unit, allow_underscore=False)
    while "__" in cleaned:
        cleaned = cleaned.replace("__", "_")
    return cleaned.removeprefix("_")


def _milliseconds(nanoseconds: int) -> int:
    # Go's int64(uint64) and truncating division, as Prometheus converts timestamps.
    if nanoseconds >= 1 << 63:
        nanoseconds -= 1 << 64
    return int(nanoseconds / 1_000_000) if nanoseconds < 0 else nanoseconds // 1_000_000


def _format_bound(value: float) -> str:
    """Go's strconv.FormatFloat(value, 'f', -1, 64): shortest digits, never an exponent."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return np.format_float_positional(value, unique=True, trim="-")


def _format_double(value: float) -> str:
    """A double attribute as OpenTelemetry's collector renders it (ES6 number formatting)."""
    if math.isnan(value) or math.isinf(value):
        rendered = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        return f"json: unsupported value: {rendered}"
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        mantissa, _, exponent = repr(value).partition("e")
        sign = exponent[0]
        digits = exponent[1:].lstrip("0")
        return f"{mantissa}e{sign}{digits:0>2}" if sign == "+" else f"{mantissa}e-{digits}"
    return _format_bound(value)


def _as_string(value: AnyValue) -> str:
    """An attribute value as a label value (OpenTelemetry's Value.AsString)."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return str(value.string_value)
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    if kind == "int_value":
        return str(value.int_value)
    if kind == "double_value":
        return _format_double(value.double_value)
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode("ascii")
    if kind in ("array_value", "kvlist_value"):
        try:
            return _json(value)
        except ValueError:
            return ""  # Go's json.Marshal fails on NaN and infinities, leaving an empty string
    return ""


def _json(value: AnyValue) -> str:
    """Go's json.Marshal of Value.AsRaw(): sorted map keys, HTML-safe escapes, ES6 numbers."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return _json_string(value.string_value)
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    if kind == "int_value":
        return str(value.int_value)
    if kind == "double_value":
        if math.isnan(value.double_value) or math.isinf(value.double_value):
            raise ValueError("unsupported number")
        return _format_double(value.double_value)
    if kind == "bytes_value":
        return _json_string(base64.b64encode(value.bytes_value).decode("ascii"))
    if kind == "array_value":
        return "[" + ",".join(_json(item) for item in value.array_value.values) + "]"
    if kind == "kvlist_value":
        entries = {entry.key: entry.value for entry in value.kvlist_value.values}
        items = (f"{_json_string(key)}:{_json(entries[key])}" for key in sorted(entries))
        return "{" + ",".join(items) + "}"
    return "null"


_JSON_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _json_string(text: str) -> str:
    escaped = "".join(
        _JSON_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if ord(char) < 0x20 else char)
        for char in text
    )
    return f'"{escaped}"'
