"""Valid queries answer; invalid ones raise a PromQLError, never another exception (a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from pulseboard.config import StorageConfig
from pulseboard.model.samples import BatchBuilder
from pulseboard.promql.api import Matrix, PromQLError, Scalar, String, Vector
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage

VALID = [
    "up",
    "-up",
    "up offset -1m",
    "up @ end()",
    "rate(requests_total[5m:1m])",
    "sum_over_time(up[10m:])",
    "absent_over_time(nothing[5m])",
    'absent(nothing{job="x", job="y"})',
    'count_values("le", up)',
    'count_values("value", requests_total)',
    "up + on(job) group_left(instance) vector(1)",
    "scalar(up) * 2",
    "time() - timestamp(up)",
    "quantile(0.9, requests_total) by (job)",
    "stddev without (instance) (requests_total)",
    "histogram_quantile(0.9, rate(latency_bucket[5m]))",
    "histogram_fraction(0, 0.5, rate(latency_bucket[5m]))",
    'label_join(up, "x", "-", "job", "instance")',
    'label_replace(up, "x", "$1$2${3}$name", "job", "(.*)")',
    'sort_by_label(requests_total, "instance")',
    "predict_linear(requests_total[10m], 600)",
    "double_exponential_smoothing(requests_total[10m], 0.5, 0.5)",
    "deriv(up[5m]) and up",
    "up unless on(job) requests_total",
    "up or vector(0)",
    "day_of_week() + month(up) + year(vector(1e12))",
    "clamp(up, 2, 1)",
    "round(requests_total, 0.3)",
    "1 / 0 + -1 / 0",
    "nothing",
    "changes(nothing[5m])",
]

INVALID = [
    # `up` has two series with the same (empty) match group on the "one" side.
    "vector(1) + on() group_left up",
    # scalar() of two series is NaN.
    "topk(scalar(up), requests_total)",
    "up + on(job) requests_total",
    'label_replace(up, "1x", "", "job", "")',
    'label_replace(up, "x", "", "job", "(")',
    "double_exponential_smoothing(requests_total[10m], 2, 0.5)",
    "topk(NaN, up)",
    'count_values("1x", up)',
    "sum(",
    "rate(up)",
    "up[5m] + 1",
    '"a" + 1',
    "foo @ bar()",
    "ts_of_max_over_time(up[5m])",
    "holt_winters(up[5m], 0.5, 0.5)",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("robust")
    store = EmbeddedStorage(path, StorageConfig(retention={"raw": timedelta(days=365 * 100)}))
    builder = BatchBuilder()
    for minute in range(30):
        t = minute * 60_000
        for instance in ("a", "b"):
            builder.add((("__name__", "up"), ("instance", instance), ("job", "api")), t, 1.0)
            builder.add(
                (("__name__", "requests_total"), ("instance", instance), ("job", "api")),
                t,
                float(minute * (3 if instance == "a" else 5) % 70),
            )
        for le, share in (("0.1", 0.5), ("0.5", 0.8), ("+Inf", 1.0)):
            builder.add((("__name__", "latency_bucket"), ("le", le)), t, minute * 10 * share)
    store.append(builder.build())
    yield Engine(store)
    store.close()


@pytest.mark.parametrize("query", VALID)
def test_valid_queries_answer(engine: Engine, query: str) -> None:
    instant = engine.instant(query, 20 * 60_000).value
    assert isinstance(instant, Vector | Scalar | String | Matrix)
    ranged = engine.range(query, 0, 29 * 60_000, 60_000).value
    assert isinstance(ranged, Matrix)
    assert all(s.timestamps.shape == s.values.shape for s in ranged.series)
    # A range result only has points on the step grid of the query.
    assert all(np.all(s.timestamps % 60_000 == 0) for s in ranged.series)
    assert all(np.all((s.timestamps >= 0) & (s.timestamps <= 29 * 60_000)) for s in ranged.series)


@pytest.mark.parametrize("query", INVALID)
def test_invalid_queries_raise_promql_errors(engine: Engine, query: str) -> None:
    with pytest.raises(PromQLError):
        engine.instant(query, 20 * 60_000)
    with pytest.raises(PromQLError):
        engine.range(query, 0, 29 * 60_000, 60_000)
