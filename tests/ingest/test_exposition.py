"""Exposition parsing, held against prometheus_client's own output and parsers."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence

import pytest
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    Info,
    Summary,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import generate_latest as generate_text
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as reference_openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families as reference_text_families
from prometheus_client.samples import Exemplar

from pulseboard.ingest import exposition
from pulseboard.ingest.errors import IngestError
from pulseboard.ingest.exposition import (
    ExpositionParseError,
    is_openmetrics,
    parse_exposition,
)
from pulseboard.model.samples import MetricMetadata, SampleBatch

NOW_MS = 1_700_000_000_000

# (metric name, other labels sorted, value, timestamp in ms); NaN as a string so it compares.
Flat = tuple[str, tuple[tuple[str, str], ...], float | str, int]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    exposition.clear_series_cache()
    yield
    exposition.clear_series_cache()


def _value(value: float) -> float | str:
    return "NaN" if math.isnan(value) else float(value)


def _flatten(batch: SampleBatch) -> list[Flat]:
    flat = []
    for position in range(len(batch)):
        labels = batch.series[batch.series_index[position]]
        names = [value for name, value in labels if name == "__name__"]
        assert len(names) == 1, labels
        others = tuple(sorted(pair for pair in labels if pair[0] != "__name__"))
        flat.append(
            (
                names[0],
                others,
                _value(float(batch.values[position])),
                int(batch.timestamps[position]),
            )
        )
    return flat


def _reference_text(text: str) -> list[Flat]:
    flat = []
    for family in reference_text_families(text):
        for sample in family.samples:
            # The reference hands text timestamps back as milliseconds / 1000.
            stamp = NOW_MS if sample.timestamp is None else round(float(sample.timestamp) * 1000)
            labels = tuple(sorted(sample.labels.items()))
            flat.append((sample.name, labels, _value(float(sample.value)), stamp))
    return flat


def _reference_openmetrics(text: str) -> list[Flat]:
    flat = []
    for family in reference_openmetrics_families(text):
        for sample in family.samples:
            if (
                family.type in ("counter", "histogram", "summary")
                and sample.name == family.name + "_created"
            ):
                continue  # Prometheus does not ingest creation times as samples.
            labels = tuple(sorted(sample.labels.items()))
            flat.append((sample.name, labels, _value(float(sample.value)), _om_ms(sample)))
    return flat


def _om_ms(sample: object) -> int:
    stamp = getattr(sample, "timestamp", None)
    if stamp is None:
        return NOW_MS
    if isinstance(stamp, float | int):
        return int(stamp * 1000)
    return int(stamp.sec) * 1000 + int(stamp.nsec) // 1_000_000


def _reference_metadata(text: str, openmetrics: bool) -> dict[str, MetricMetadata]:
    families = (
        reference_openmetrics_families(text) if openmetrics else reference_text_families(text)
    )
    metadata = {}
    for family in families:
        name = family.name
        if not openmetrics and family.type == "counter":
            name += "_total"  # the reference strips it; the text format's TYPE line has it
        kind = "unknown" if family.type == "untyped" else family.type
        metadata[name] = MetricMetadata(kind, family.documentation, family.unit)
    return metadata


def _parse(body: bytes | str, **options: object) -> SampleBatch:
    return parse_exposition(body, default_timestamp_ms=NOW_MS, **options)  # type: ignore[arg-type]


# --- real output of prometheus_client ------------------------------------------------------------

AWKWARD_VALUES = [
    'say "hi"',
    "back\\slash",
    "two\nlines",
    "ends with backslash\\",
    '\\"',
    "} 1 # {",
    'x} # {trace_id="1"} 2',
    "spaces  and\ttab",
    "",
    "München ✓",
    "a,b=c",
    "#",
]


class _TimestampedCollector:
    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily("room_temperature_celsius", "Temperature.", labels=["room"])
        gauge.add_metric(["kitchen"], 21.5, timestamp=1_700_000_000.123)
        gauge.add_metric(["cellar"], float("nan"), timestamp=1_700_000_001)
        gauge.add_metric(["attic"], float("-inf"), timestamp=1_600_000_000.5)
        yield gauge
        counter = CounterMetricFamily("jobs", "Jobs done.", labels=["queue"])
        counter.add_metric(["a"], 7, timestamp=1_700_000_002.25)
        yield counter
        histogram = HistogramMetricFamily("batch_size", "Sizes.", labels=["kind"])
        histogram.add_metric(
            ["x"],
            buckets=[
                ("1.0", 2, Exemplar({"trace_id": "abc} # {"}, 0.5, 1_700_000_000.5)),
                ("+Inf", 3, Exemplar({}, 7)),
            ],
            sum_value=9,
        )
        yield histogram


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    requests = Counter(
        "http_requests", 'Requests\nhandled \\ "ok".', ["path", "code"], registry=registry
    )
    latency = Histogram(
        "http_latency_seconds",
        "Latency.",
        ["path"],
        registry=registry,
        buckets=(0.01, 0.1, 1, float("inf")),
    )
    sizes = Summary("payload_bytes", "Sizes.", ["path"], registry=registry)
    temperature = Gauge(
        "temperature_celsius", "Temperature.", ["path"], unit="celsius", registry=registry
    )
    for number, path in enumerate(AWKWARD_VALUES):
        requests.labels(path, "200").inc(number + 1)
        requests.labels(path, "500").inc(exemplar={"trace_id": f"t{number}"})
        # The reference parser mishandles escaped quotes in exemplars, so these stay plain.
        latency.labels(path).observe(0.05 * number, exemplar={"trace_id": f"}} # {{{number}"})
        sizes.labels(path).observe(100 * number)
        temperature.labels(path).set(number - 3.25)
    specials = Gauge("special_values", "Special values.", ["kind"], registry=registry)
    for kind, value in (
        ("nan", math.nan),
        ("inf", math.inf),
        ("ninf", -math.inf),
        ("tiny", 5e-324),
        ("huge", 1.7976931348623157e308),
        ("zero", -0.0),
    ):
        specials.labels(kind).set(value)
    Gauge("no_labels", "No labels.", registry=registry).set(42)
    Info("build", "Build information.", registry=registry).info(
        {"version": "1.2.3", "commit": 'a"b\\c'}
    )
    Enum("state", "State.", states=["starting", "running"], registry=registry).state("running")
    registry.register(_TimestampedCollector())
    return registry


def test_text_format_matches_prometheus_client() -> None:
    text = generate_text(_registry()).decode()
    expected = _reference_text(text)

    assert _flatten(_parse(text)) == expected
    assert _flatten(_parse(text.encode())) == expected  # warm cache, from bytes


def test_openmetrics_matches_prometheus_client() -> None:
    text = generate_openmetrics(_registry()).decode()
    assert " # {" in text  # exemplars are present
    expected = _reference_openmetrics(text)

    assert _flatten(_parse(text, openmetrics=True)) == expected
    assert _flatten(_parse(text.encode(), openmetrics=True)) == expected


@pytest.mark.parametrize("openmetrics", [False, True])
def test_metadata_matches_prometheus_client(openmetrics: bool) -> None:
    generate = generate_openmetrics if openmetrics else generate_text
    text = generate(_registry()).decode()

    batch = _parse(text, openmetrics=openmetrics)

    assert batch.metadata == _reference_metadata(text, openmetrics)


def test_random_label_values_match_prometheus_client() -> None:
    generator = random.Random(20261129)
    alphabet = 'ab "\\\n{}#,= \tü€' + "0123456789"
    registry = CollectorRegistry()
    gauge = Gauge("fuzz", "Fuzz.", ["first", "second"], registry=registry)
    for _ in range(300):
        first = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        second = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 4)))
        value = generator.choice([generator.uniform(-1e6, 1e6), math.nan, math.inf, 0.0])
        gauge.labels(first, second).set(value)

    text = generate_text(registry).decode()
    openmetrics = generate_openmetrics(registry).decode()
    for _ in range(2):  # cold, then warm
        assert _flatten(_parse(text)) == _reference_text(text)
        assert _flatten(_parse(openmetrics, openmetrics=True)) == _reference_openmetrics(
            openmetrics
        )


# --- labels -------------------------------------------------------------------------------------


def test_labels_keep_their_order_and_duplicates() -> None:
    batch = _parse('up{z="1",a="2",z="3"} 1\n')

    assert batch.series == [(("__name__", "up"), ("z", "1"), ("a", "2"), ("z", "3"))]


def test_extra_labels_are_appended_and_replace_same_named_labels() -> None:
    body = 'up{job="theirs",a="1"} 1\nother 2\n'
    extra = [("job", "ours"), ("instance", "host:9100")]

    batch = _parse(body, extra_labels=extra)

    assert batch.series == [
        (("__name__", "up"), ("job", "ours"), ("a", "1"), ("instance", "host:9100")),
        (("__name__", "other"), ("job", "ours"), ("instance", "host:9100")),
    ]


def test_extra_labels_differ_between_calls_despite_the_cache() -> None:
    body = 'up{a="1"} 1\n'

    first = _parse(body, extra_labels=[("instance", "one")])
    second = _parse(body, extra_labels=[("instance", "two")])
    third = _parse(body)

    assert first.series[0][-1] == ("instance", "one")
    assert second.series[0][-1] == ("instance", "two")
    assert third.series == [(("__name__", "up"), ("a", "1"))]


def test_same_series_twice_is_one_series_with_two_samples() -> None:
    body = 'a{x="1"} 1 1000\na{x="1",} 2 2000\n  a { x = "1" }  3\n'

    for _ in range(2):  # cold, then warm
        batch = _parse(body)
        assert batch.series == [(("__name__", "a"), ("x", "1"))]
        assert list(batch.series_index) == [0, 0, 0]
        assert list(batch.values) == [1.0, 2.0, 3.0]
        assert list(batch.timestamps) == [1000, 2000, NOW_MS]


@pytest.mark.parametrize("openmetrics", [False, True])
def test_label_values_with_braces_hashes_and_spaces(openmetrics: bool) -> None:
    line = r'm{a="x } # {y=\"1\"} 2",b="c d",c="\\"} 5'
    body = line + "\n" + ("# EOF\n" if openmetrics else "")
    expected = [(("__name__", "m"), ("a", 'x } # {y="1"} 2'), ("b", "c d"), ("c", "\\"))]

    for _ in range(2):
        batch = _parse(body, openmetrics=openmetrics)
        assert batch.series == expected
        assert list(batch.values) == [5.0]


def test_quoted_metric_and_label_names() -> None:
    batch = _parse('{"my.metric", "some.label"="v", plain="w"} 3\n')

    assert batch.series == [(("__name__", "my.metric"), ("some.label", "v"), ("plain", "w"))]


# --- values and timestamps ------------------------------------------------------------------------


@pytest.mark.parametrize("openmetrics", [False, True])
def test_special_values(openmetrics: bool) -> None:
    tokens = ["NaN", "+Inf", "-Inf", "Inf", "inf", "nan", "1e3", "-0", ".5", "0x1p3", "-1.5E-2"]
    body = "".join(f'v{{i="{i}"}} {token}\n' for i, token in enumerate(tokens))
    body += "# EOF\n" if openmetrics else ""

    for _ in range(2):
        values = list(_parse(body, openmetrics=openmetrics).values)
        assert math.isnan(values[0]) and math.isnan(values[5])
        assert values[1] == values[3] == values[4] == math.inf
        assert values[2] == -math.inf
        assert values[6:] == [1000.0, 0.0, 0.5, 8.0, -0.015]
        assert math.copysign(1, values[7]) == -1


def test_text_timestamps_are_integer_milliseconds() -> None:
    batch = _parse("a 1 1700000000123\nb 2\nc 3 0\n")

    assert list(batch.timestamps) == [1_700_000_000_123, NOW_MS, 0]


def test_openmetrics_timestamps_are_seconds() -> None:
    body = "a 1 1700000000.123\nb 2\nc 3 1700000001\nd 4 -1.5\ne 5 1.7e9\nf 6 1520879607.7899\n"
    batch = _parse(body + "# EOF\n", openmetrics=True)

    assert list(batch.timestamps) == [
        1_700_000_000_123,
        NOW_MS,
        1_700_000_001_000,
        -1500,
        1_700_000_000_000,
        1_520_879_607_789,
    ]


def test_openmetrics_exemplars_are_accepted_and_ignored() -> None:
    body = (
        "# TYPE h histogram\n"
        'h_bucket{le="1"} 3 # {trace_id="a b"} 0.5 1700000000.5\n'
        'h_bucket{le="+Inf"} 4 1700000000 # {} 7\n'
        "h_count 4\n"
        "h_sum 9\n"
        "# EOF\n"
    )
    for _ in range(2):
        batch = _parse(body, openmetrics=True)
        assert [labels[0][1] for labels in batch.series] == ["h_bucket"] * 2 + ["h_count", "h_sum"]
        assert list(batch.values) == [3.0, 4.0, 4.0, 9.0]
        assert list(batch.timestamps) == [NOW_MS, 1_700_000_000_000, NOW_MS, NOW_MS]


def test_openmetrics_exemplar_labels_with_escapes_and_braces() -> None:
    body = 'c_total 3 # {trace_id="a\\"} # {b",span="\\\\"} 0.5 1700000000.5\n# EOF\n'

    for _ in range(2):
        batch = _parse(body, openmetrics=True)
        assert batch.series == [(("__name__", "c_total"),)]
        assert list(batch.values) == [3.0]


def test_openmetrics_created_samples_are_skipped_for_counters_only() -> None:
    body = (
        "# TYPE c counter\n"
        "c_total 1\n"
        "c_created 1700000000\n"
        "# TYPE g_created gauge\n"
        "g_created 5\n"
        "# TYPE h histogram\n"
        'h_bucket{le="+Inf"} 1\n'
        "h_count 1\n"
        "h_sum 1\n"
        "h_created 1700000000\n"
        "# EOF\n"
    )
    for _ in range(2):
        batch = _parse(body, openmetrics=True)
        names = [batch.series[i][0][1] for i in batch.series_index]
        assert names == ["c_total", "g_created", "h_bucket", "h_count", "h_sum"]


def test_text_format_keeps_created_samples() -> None:
    body = "# TYPE c_total counter\nc_total 1\n# TYPE c_created gauge\nc_created 17\n"

    assert [labels[0][1] for labels in _parse(body).series] == ["c_total", "c_created"]


# --- metadata -----------------------------------------------------------------------------------


def test_metadata_text_format() -> None:
    body = (
        "# HELP a_total Line one\\nline two \\\\ \\x.\n"
        "# TYPE a_total counter\n"
        "# TYPE b untyped\n"
        "# HELP c\n"
        "# just a comment\n"
        "#TYPE d counter\n"
        "a_total 1\n"
    )
    assert _parse(body).metadata == {
        "a_total": MetricMetadata("counter", "Line one\nline two \\ \\x.", ""),
        "b": MetricMetadata("unknown", "", ""),
        "c": MetricMetadata("unknown", "", ""),
    }


def test_metadata_openmetrics() -> None:
    body = (
        '# HELP latency_seconds Say \\"hi\\".\n'
        "# TYPE latency_seconds histogram\n"
        "# UNIT latency_seconds seconds\n"
        "# TYPE s stateset\n"
        "# EOF\n"
    )
    assert _parse(body, openmetrics=True).metadata == {
        "latency_seconds": MetricMetadata("histogram", 'Say "hi".', "seconds"),
        "s": MetricMetadata("stateset", "", ""),
    }


# --- format selection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", True),
        ("Application/OpenMetrics-Text", True),
        ("text/plain; version=0.0.4; charset=utf-8", False),
        ("", False),
    ],
)
def test_is_openmetrics(content_type: str, expected: bool) -> None:
    assert is_openmetrics(content_type) is expected


def test_format_is_guessed_from_the_eof_marker() -> None:
    assert list(_parse("a 1 2\n# EOF\n").timestamps) == [2000]
    assert list(_parse("a 1 2\n").timestamps) == [2]


def test_eof_is_an_ordinary_comment_in_the_text_format() -> None:
    assert list(_parse("a 1\n# EOF\nb 2\n", openmetrics=False).values) == [1.0, 2.0]


def test_empty_text_body_is_an_empty_batch() -> None:
    batch = _parse(b"")

    assert len(batch) == 0 and batch.series == [] and batch.metadata == {}


# --- malformed input ----------------------------------------------------------------------------

GOOD = "# HELP ok Fine.\nok 1\n"  # the bad line is line 3 in every case below

MALFORMED_TEXT = [
    ('foo{a="b} 1', "unterminated"),
    ('foo{a="\\x"} 1', "escape"),
    ('foo{a="b"}', "missing value"),
    ("foo", "value"),
    ('foo{a="b"} abc', "invalid value"),
    ('foo{1a="b"} 1', "label name"),
    ("foo{a=b} 1", "value"),
    ('foo{a="b" 1', "expected"),
    ("1foo 1", "metric name"),
    ("foo 1 2 3", "unexpected text"),
    ("foo 1 1.5", "timestamp"),
    ("foo 1 -5", "timestamp"),
    ("foo 1 99999999999999999999", "timestamp"),
    ("foo 1_000", "invalid value"),
    ("foo 0x10", "invalid value"),
    ("foo 1\r", "invalid value"),
    ("foo \uff11", "invalid value"),
    ('foo{a="b"}} 1', "value"),
    ("foo{,} 1", "label name"),
    ('foo{a="b"} 1 # {t="1"} 1', "exemplar"),
    ("# TYPE foo bogus", "metric type"),
    ("# TYPE foo", "metric type"),
    ("# HELP 0foo x", "metric name"),
    ("{} 1", "metric name"),
    ('{"a.b"="c"} 1', "metric name"),
]


@pytest.mark.parametrize(("line", "problem"), MALFORMED_TEXT)
def test_malformed_text_names_the_line(line: str, problem: str) -> None:
    body = GOOD + line + "\n" + line + "\nlast 1\n"

    with pytest.raises(ExpositionParseError) as caught:
        _parse(body)

    assert caught.value.line_number == 3
    assert str(caught.value).startswith("line 3: ")
    assert problem in caught.value.problem
    assert isinstance(caught.value, IngestError) and caught.value.status_code == 400


GOOD_OM = "# TYPE ok gauge\nok 1\n"

MALFORMED_OPENMETRICS = [
    ("foo  1", "value"),
    ('foo{a="b"}1', "space"),
    ('foo{a="b",} 1', "trailing comma"),
    ('foo{a = "b"} 1', "label"),
    ("foo 1 1.5.5", "timestamp"),
    ("foo 1 NaN", "timestamp"),
    ("foo 1 ", "timestamp"),
    ('foo 1 # {a="b"}', "exemplar value"),
    ("foo 1 # x", "exemplar"),
    ('foo_total 1 # {a="b"} x', "exemplar value"),
    ("foo 1 2 3", "unexpected text"),
    ("# UNIT foo seconds", "unit"),
    ("# TYPE foo untyped", "metric type"),
    ("", "empty line"),
    (" foo 1", "metric name"),
]


@pytest.mark.parametrize(("line", "problem"), MALFORMED_OPENMETRICS)
def test_malformed_openmetrics_names_the_line(line: str, problem: str) -> None:
    body = GOOD_OM + line + "\n" + line + "\nlast 1\n# EOF\n"

    with pytest.raises(ExpositionParseError) as caught:
        _parse(body, openmetrics=True)

    assert caught.value.line_number == 3
    assert problem in caught.value.problem


def test_openmetrics_without_eof_is_refused() -> None:
    with pytest.raises(ExpositionParseError, match=r"line 3: missing '# EOF'"):
        _parse("a 1\nb 2\n", openmetrics=True)


def test_openmetrics_content_after_eof_is_refused() -> None:
    with pytest.raises(ExpositionParseError, match=r"line 3: content after '# EOF'"):
        _parse("a 1\n# EOF\nb 2\n", openmetrics=True)


def test_openmetrics_eof_without_final_newline_is_fine() -> None:
    assert len(_parse("a 1\n# EOF", openmetrics=True)) == 1


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(ExpositionParseError, match="line 2: invalid UTF-8"):
        _parse(b'a 1\nb{x="\xff"} 2\n')


def test_errors_are_found_with_a_warm_cache() -> None:
    """The hot loop skips value checks for known series; a bad value must still be caught."""
    good = "".join(f'm{{i="{i}"}} {i}\n' for i in range(10))
    _parse(good)

    for bad_value in ("abc", "1_0", "1\x0b", "", "\u0661"):
        lines = good.splitlines()
        lines[6] = f'm{{i="6"}} {bad_value}'
        with pytest.raises(ExpositionParseError) as caught:
            _parse("\n".join(lines) + "\n")
        assert caught.value.line_number == 7, bad_value


def test_text_only_syntax_is_refused_in_openmetrics_after_a_text_parse() -> None:
    body = 'a{x="1",} 1\n'
    assert len(_parse(body)) == 1

    with pytest.raises(ExpositionParseError, match="trailing comma"):
        _parse(body + "# EOF\n", openmetrics=True)


def test_the_first_of_several_errors_is_reported() -> None:
    body = 'a{x="1"} 1\na{x="1"} oops\nb 1\nc{ 2\n'
    _parse('a{x="1"} 1\n')  # a{x="1"} is now known, so line 2 takes the fast path

    with pytest.raises(ExpositionParseError) as caught:
        _parse(body)

    assert caught.value.line_number == 2


# --- the series cache ---------------------------------------------------------------------------


def test_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exposition, "MAX_CACHED_SERIES", 50)
    bodies = ["".join(f'm{{t="{t}",i="{i}"}} 1\n' for i in range(20)) for t in range(5)]

    for round_number in range(2):
        for target, body in enumerate(bodies):
            batch = _parse(body, extra_labels=[("target", str(target))])
            assert len(batch.series) == 20, round_number
            total = sum(len(cache.by_text) for cache in exposition._caches.values())
            assert total <= 50

    huge = "".join(f'm{{i="{i}"}} {i}\n' for i in range(80))
    assert len(_parse(huge).series) == 80
    assert sum(len(cache.by_text) for cache in exposition._caches.values()) <= 50


def _labels_of(batch: SampleBatch) -> Sequence[tuple[tuple[str, str], ...]]:
    return [batch.series[i] for i in batch.series_index]


def test_warm_and_cold_parses_agree() -> None:
    text = generate_text(_registry()).decode()
    cold = _parse(text, extra_labels=[("job", "j")])
    warm = _parse(text, extra_labels=[("job", "j")])

    assert _labels_of(cold) == _labels_of(warm)
    assert _flatten(cold) == _flatten(warm)


def _outcome(body: str, openmetrics: bool) -> object:
    try:
        batch = _parse(body, openmetrics=openmetrics)
    except ExpositionParseError as error:
        return ("error", error.line_number, error.problem)
    return (_flatten(batch), _labels_of(batch), batch.metadata)


def _mutations(body: str, generator: random.Random, count: int) -> Iterator[str]:
    alphabet = ' "\\{}=,#\t\r\nx1._-+eE'
    for _ in range(count):
        characters = list(body)
        for _ in range(generator.randint(1, 3)):
            position = generator.randrange(len(characters))
            action = generator.randrange(3)
            if action == 0:
                del characters[position]
            elif action == 1:
                characters.insert(position, generator.choice(alphabet))
            else:
                characters[position] = generator.choice(alphabet)
        yield "".join(characters)


@pytest.mark.parametrize("openmetrics", [False, True])
def test_shortcuts_agree_with_the_full_parser_on_damaged_bodies(
    openmetrics: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the cache holds, a body gets the outcome the line-by-line tokenizer gives it."""
    body = (
        "# HELP a_total Things.\n# TYPE a_total counter\n"
        'a_total{x="1",y="two words"} 3\n'
        'b{path="/a#b",q="\\"}\\""} -1.5e3 1700000000\n'
        "c 0x1p3\n"
    )
    if openmetrics:
        body += 'h_bucket{le="+Inf"} 2 # {trace_id="t"} 1 1.5\n# EOF\n'
    else:
        body += 'h_bucket{le="+Inf"} 2 1700000000123\n  d { e = "f" , } 4\n'
    generator = random.Random(7 if openmetrics else 8)
    damaged = list(_mutations(body, generator, 400))

    def full_parser_only() -> list[object]:
        with monkeypatch.context() as patch:
            patch.setattr(exposition._Parser, "_quick_line", lambda self, line: False)
            patch.setattr(exposition._Parser, "_exemplar_line", lambda self, line: False)
            patch.setattr(exposition._Parser, "_trusting_run", exposition._Parser._checking_run)
            outcomes = []
            for text in damaged:
                exposition.clear_series_cache()
                outcomes.append(_outcome(text, openmetrics))
            return outcomes

    expected = full_parser_only()
    assert any(outcome[0] != "error" for outcome in expected)  # type: ignore[index]
    assert any(outcome[0] == "error" for outcome in expected)  # type: ignore[index]

    for text, authority in zip(damaged, expected, strict=True):
        exposition.clear_series_cache()
        assert _outcome(text, openmetrics) == authority, text  # cold
        _parse(body, openmetrics=openmetrics)
        assert _outcome(text, openmetrics) == authority, text  # cache holds the undamaged series
        assert _outcome(text, openmetrics) == authority, text  # cache holds its own series
