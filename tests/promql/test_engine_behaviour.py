"""Engine behaviour outside the promqltest corpus: errors, limits, scoping, result shapes.

Expected values are worked out by hand from the Prometheus documentation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from pulseboard.config import StorageConfig
from pulseboard.model.matchers import Matcher
from pulseboard.model.samples import STALE_NAN, BatchBuilder
from pulseboard.promql.api import (
    Matrix,
    QueryExecutionError,
    QueryParseError,
    QueryTimeoutError,
    Scalar,
    SharedSubexpressions,
    String,
    TooManySamplesError,
    Vector,
)
from pulseboard.promql.engine import Engine, format_query
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import UNRESTRICTED, Scope, SeriesSet

MINUTE = 60_000


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[EmbeddedStorage]:
    store = EmbeddedStorage(tmp_path, StorageConfig(retention={"raw": timedelta(days=365 * 100)}))
    builder = BatchBuilder()
    # http_requests_total: a counter growing by 60 per minute (1/s) from 0 at t=0, 0..20m.
    for minute in range(21):
        for instance, factor in (("a", 1), ("b", 2)):
            builder.add(
                (("__name__", "http_requests_total"), ("instance", instance), ("job", "api")),
                minute * MINUTE,
                60.0 * minute * factor,
            )
    # gauge: 5 at 0..4m, then a staleness marker at 5m.
    for minute in range(5):
        builder.add((("__name__", "gauge"), ("job", "api")), minute * MINUTE, 5.0)
    builder.add((("__name__", "gauge"), ("job", "api")), 5 * MINUTE, STALE_NAN)
    store.append(builder.build())
    scoped = BatchBuilder()
    scoped.add((("__name__", "secret"),), 0, 42.0)
    store.append(scoped.build(), Scope("team-a"))
    yield store
    store.close()


@pytest.fixture
def engine(storage: EmbeddedStorage) -> Engine:
    return Engine(storage)


def _vector(
    engine: Engine, query: str, at_ms: int, scope: Scope = UNRESTRICTED
) -> dict[str, float]:
    value = engine.instant(query, at_ms, scope).value
    assert isinstance(value, Vector)
    return {dict(s.labels).get("instance", "") or str(s.labels): s.value for s in value.samples}


def test_rate_of_a_steady_counter_is_its_slope(engine: Engine) -> None:
    # 60 per minute is 1 per second for a and 2 for b.
    assert _vector(engine, "rate(http_requests_total[5m])", 10 * MINUTE) == {"a": 1.0, "b": 2.0}


def test_sum_by_job_adds_both_instances(engine: Engine) -> None:
    result = engine.instant("sum by (job) (http_requests_total)", 10 * MINUTE).value
    assert isinstance(result, Vector)
    assert [(s.labels, s.value) for s in result.samples] == [((("job", "api"),), 1800.0)]


def test_staleness_marker_ends_the_lookback(engine: Engine) -> None:
    assert _vector(engine, "gauge", 4 * MINUTE + 30_000) == {
        "(('__name__', 'gauge'), ('job', 'api'))": 5.0
    }
    assert _vector(engine, "gauge", 5 * MINUTE + 30_000) == {}


def test_range_query_returns_one_point_per_step_sorted_by_labels(engine: Engine) -> None:
    result = engine.range("http_requests_total * 2", 0, 2 * MINUTE, MINUTE).value
    assert isinstance(result, Matrix)
    assert [dict(s.labels)["instance"] for s in result.series] == ["a", "b"]
    # Arithmetic drops the metric name.
    assert all("__name__" not in dict(s.labels) for s in result.series)
    np.testing.assert_array_equal(result.series[0].timestamps, [0, MINUTE, 2 * MINUTE])
    np.testing.assert_array_equal(result.series[0].values, [0.0, 120.0, 240.0])


def test_instant_query_of_a_range_selector_is_a_matrix(engine: Engine) -> None:
    result = engine.instant('http_requests_total{instance="a"}[2m]', 10 * MINUTE).value
    assert isinstance(result, Matrix)
    # Left-open window (8m, 10m]: the samples at 9m and 10m.
    np.testing.assert_array_equal(result.series[0].timestamps, [9 * MINUTE, 10 * MINUTE])
    np.testing.assert_array_equal(result.series[0].values, [540.0, 600.0])


def test_scalar_and_string_results(engine: Engine) -> None:
    assert engine.instant("1 + 2 * 3", 5000).value == Scalar(5000, 7.0)
    assert engine.instant('"hello"', 5000).value == String(5000, "hello")
    assert engine.instant("time()", 5000).value == Scalar(5000, 5.0)


def test_scalar_range_query_is_a_matrix_with_empty_labels(engine: Engine) -> None:
    result = engine.range("time()", 0, 2 * MINUTE, MINUTE).value
    assert isinstance(result, Matrix)
    assert result.series[0].labels == ()
    np.testing.assert_array_equal(result.series[0].values, [0.0, 60.0, 120.0])


def test_scope_hides_other_projects_series(engine: Engine) -> None:
    assert _vector(engine, "secret", 0) != {}
    assert _vector(engine, "secret", 0, Scope("team-b")) == {}
    assert list(_vector(engine, "secret", 0, Scope("team-a")).values()) == [42.0]


def test_inline_regex_flags_as_in_go(engine: Engine) -> None:
    assert set(_vector(engine, 'http_requests_total{instance=~"(?i)A"}', MINUTE)) == {"a"}


def test_offset_and_at_modifiers(engine: Engine) -> None:
    assert _vector(engine, 'http_requests_total{instance="a"} offset 5m', 10 * MINUTE) == {
        "a": 300.0
    }
    assert _vector(engine, 'http_requests_total{instance="a"} offset -5m', 10 * MINUTE) == {
        "a": 900.0
    }
    assert _vector(engine, 'http_requests_total{instance="a"} @ 120', 10 * MINUTE) == {"a": 120.0}
    result = engine.range('http_requests_total{instance="a"} @ start()', MINUTE, 3 * MINUTE, MINUTE)
    assert isinstance(result.value, Matrix)
    np.testing.assert_array_equal(result.value.series[0].values, [60.0, 60.0, 60.0])


@pytest.mark.parametrize(
    "query",
    ["foo{", "sum(", "rate(foo)", "unknown_function(foo)", "foo[5x]", 'foo{a=~"("}', ""],
)
def test_parse_errors(engine: Engine, query: str) -> None:
    with pytest.raises(QueryParseError) as caught:
        engine.instant(query, 0)
    assert caught.value.error_type == "bad_data"
    assert "parse error" in str(caught.value)


@pytest.mark.parametrize("query", ["ts_of_max_over_time(foo[5m])", "limitk(1, foo)", "info(foo)"])
def test_experimental_features_are_refused_at_parse_time(engine: Engine, query: str) -> None:
    with pytest.raises(QueryParseError, match=r"experimental|not enabled"):
        engine.instant(query, 0)


def test_required_experimental_functions_are_enabled(engine: Engine) -> None:
    # mad of [0, 60, 120] (samples at 1m, 2m, 3m in (0, 3m]): median 60, deviations 60, 0, 60.
    assert _vector(engine, 'mad_over_time(http_requests_total{instance="a"}[3m])', 3 * MINUTE) == {
        "a": 60.0
    }


def test_too_many_samples(storage: EmbeddedStorage) -> None:
    small = Engine(storage, max_samples=10)
    with pytest.raises(TooManySamplesError) as caught:
        small.range("http_requests_total", 0, 20 * MINUTE, MINUTE)
    assert str(caught.value) == (
        "query processing would load too many samples into memory in query execution"
    )
    assert caught.value.error_type == "execution"


def test_too_many_steps_times_series(storage: EmbeddedStorage) -> None:
    # 42 samples stored, but 2 series x 61 steps = 122 values held at once.
    with pytest.raises(TooManySamplesError):
        Engine(storage, max_samples=100).range("http_requests_total", 0, 20 * MINUTE, 20_000)
    Engine(storage, max_samples=122).range("http_requests_total", 0, 20 * MINUTE, 20_000)


def test_timeout(engine: Engine) -> None:
    with pytest.raises(QueryTimeoutError) as caught:
        engine.range("rate(http_requests_total[5m])", 0, 20 * MINUTE, MINUTE, timeout_s=0.0)
    assert str(caught.value) == "query timed out in expression evaluation"
    assert caught.value.status_code == 503


def test_range_query_argument_errors(engine: Engine) -> None:
    with pytest.raises(QueryParseError, match="zero or negative"):
        engine.range("time()", 0, MINUTE, 0)
    with pytest.raises(QueryParseError, match="end timestamp must not be before start"):
        engine.range("time()", MINUTE, 0, MINUTE)
    with pytest.raises(QueryExecutionError, match="invalid expression type"):
        engine.range('"text"', 0, MINUTE, MINUTE)
    with pytest.raises(QueryExecutionError, match="invalid expression type"):
        engine.range("http_requests_total[5m]", 0, MINUTE, MINUTE)


def test_many_to_many_matching_is_an_error(engine: Engine) -> None:
    with pytest.raises(QueryExecutionError, match="many-to-many matching not allowed"):
        engine.instant("http_requests_total + on(job) http_requests_total", MINUTE)


def test_native_histogram_functions_ignore_float_samples(engine: Engine) -> None:
    assert _vector(engine, "histogram_count(http_requests_total)", MINUTE) == {}


def test_format_query() -> None:
    assert format_query("sum(rate(foo[5m]))by(job)") == "sum by (job) (rate(foo[5m]))"
    with pytest.raises(QueryParseError):
        format_query("sum(")


class _CountingStorage:
    def __init__(self, inner: EmbeddedStorage) -> None:
        self.inner = inner
        self.calls: list[tuple[int, int]] = []
        self.groups: list[int] = []

    def select_batches(
        self,
        matchers: Sequence[Matcher],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
        *,
        batch_samples: int,
    ) -> Iterator[SeriesSet]:
        self.calls.append((start_ms, end_ms))
        for group in self.inner.select_batches(
            matchers, start_ms, end_ms, scope, batch_samples=batch_samples
        ):
            self.groups.append(len(group))
            yield group


def test_one_storage_read_per_selector(storage: EmbeddedStorage) -> None:
    counting = _CountingStorage(storage)
    engine = Engine(counting)  # type: ignore[arg-type]
    engine.range("rate(http_requests_total[5m] offset 1m)", 10 * MINUTE, 20 * MINUTE, MINUTE)
    # Windows (t - 1m - 5m, t - 1m] for every step: one read from just after 4m to 19m, and a
    # step more on each side (the same selector on another grid of a dashboard is then covered).
    assert counting.calls == [(3 * MINUTE + 1, 20 * MINUTE)]


def test_backtick_strings_are_raw(engine: Engine) -> None:
    # In backticks `\w` is a regex class, not an (invalid) string escape.
    assert set(_vector(engine, r"http_requests_total{instance=~`\w`}", MINUTE)) == {"a", "b"}
    result = engine.instant(
        r'label_replace(http_requests_total, "letter", "<$1>", "instance", `(\w)`)', MINUTE
    ).value
    assert isinstance(result, Vector)
    assert sorted(dict(s.labels)["letter"] for s in result.samples) == ["<a>", "<b>"]


def test_repeated_selector_reads_once(storage: EmbeddedStorage) -> None:
    counting = _CountingStorage(storage)
    engine = Engine(counting)  # type: ignore[arg-type]
    result = engine.instant("http_requests_total > 500 and http_requests_total", 10 * MINUTE)
    assert isinstance(result.value, Vector)
    # At 10m: a is 600 and b is 1200, both above 500.
    assert sorted(s.value for s in result.value.samples) == [600.0, 1200.0]
    assert len(counting.calls) == 1


def test_a_batch_reads_a_selector_once_for_several_grids(storage: EmbeddedStorage) -> None:
    counting = _CountingStorage(storage)
    engine = Engine(counting)  # type: ignore[arg-type]
    shared = SharedSubexpressions()
    queries = [
        ("sum(rate(http_requests_total[5m]))", 2 * MINUTE),
        ("rate(http_requests_total{instance='a'}[5m])", MINUTE),
        ("max(rate(http_requests_total[5m]))", MINUTE),
        ("max(max_over_time(http_requests_total[8m]))", MINUTE),
        ("max(http_requests_total)", MINUTE // 2),
    ]
    answers = [
        engine.range(query, 10 * MINUTE, 20 * MINUTE, step, shared=shared).value
        for query, step in queries
    ]
    # The 2m grid's read, a step wider on each side, covers the 1m grid's range; another matcher
    # set is another read; the 8m windows start before that read and read the union, which
    # covers the last query.
    assert counting.calls == [
        (3 * MINUTE + 1, 22 * MINUTE),
        (4 * MINUTE + 1, 21 * MINUTE),
        (MINUTE + 1, 22 * MINUTE),
    ]
    for (query, step), answer in zip(queries, answers, strict=True):
        alone = Engine(storage).range(query, 10 * MINUTE, 20 * MINUTE, step).value
        assert isinstance(answer, Matrix) and isinstance(alone, Matrix)
        assert [s.values.tolist() for s in answer.series] == [
            s.values.tolist() for s in alone.series
        ]
        assert [s.timestamps.tolist() for s in answer.series] == [
            s.timestamps.tolist() for s in alone.series
        ]


def test_large_selections_are_streamed_in_groups_with_the_same_answer(
    storage: EmbeddedStorage,
) -> None:
    counting = _CountingStorage(storage)
    # Each series has 21 samples in range: a 25-sample budget reads one series at a time.
    streamed = Engine(counting, batch_samples=25)  # type: ignore[arg-type]
    query = "sum by (job) (rate(http_requests_total[5m])) / count(http_requests_total)"
    got = streamed.range(query, 10 * MINUTE, 20 * MINUTE, MINUTE).value
    expected = Engine(storage).range(query, 10 * MINUTE, 20 * MINUTE, MINUTE).value
    assert counting.groups == [1, 1, 1, 1]
    assert isinstance(got, Matrix) and isinstance(expected, Matrix)
    assert [s.values.tolist() for s in got.series] == [s.values.tolist() for s in expected.series]
