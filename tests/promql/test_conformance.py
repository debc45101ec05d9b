"""Prometheus' own PromQL test files, run against our engine: one pytest case per ``eval``.

The corpus lives in ``../shared/conformance/promql`` (override with PULSEBOARD_PROMQL_CORPUS).
Each case loads its data (every ``load`` since the last ``clear``) into a fresh EmbeddedStorage
(shared by the consecutive cases that see the same data), runs the query through the Engine and
compares the result as Prometheus' promqltest does. Cases that need native histograms or
experimental PromQL features are skipped with the reason; everything else is a real comparison.
"""

from __future__ import annotations

import inspect
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import promql_parser
import pytest

from pulseboard.config import StorageConfig
from pulseboard.model.samples import BatchBuilder
from pulseboard.promql.api import (
    Matrix,
    PromQLError,
    Scalar,
    SharedSubexpressions,
    String,
    Vector,
)
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage

from . import promqltest as pt

CORPUS = Path(
    os.environ.get(
        "PULSEBOARD_PROMQL_CORPUS",
        Path(__file__).resolve().parents[3] / "shared" / "conformance" / "promql",
    )
)


# Experimental in Prometheus (feature flags that promqltest switches on). The issue requires these
# four anyway (it lists mad_over_time, double_exponential_smoothing and sort*), so they are tested.
REQUIRED_EXPERIMENTAL_FUNCTIONS = {
    "mad_over_time",
    "double_exponential_smoothing",
    "sort_by_label",
    "sort_by_label_desc",
}
# Experimental in Prometheus but not flagged by promql-parser.
EXTRA_EXPERIMENTAL_FUNCTIONS = {"info", "first_over_time", "ts_of_first_over_time"}
EXPERIMENTAL_AGGREGATIONS = {"limitk", "limit_ratio"}
# Functions of duration expressions (`[step()*2]`, `offset range()`): experimental.
DURATION_FUNCTIONS = {"step", "range", "min_of", "max_of", "start", "end"}
QUERY_CONTEXT_FUNCTIONS = re.compile(r"(start|end|range|step)\(\)")
RANGE_MODE_STEP_MS = 60_000


def _cases() -> list[pt.TestCase]:
    cases: list[pt.TestCase] = []
    for path in sorted(CORPUS.glob("*.test")):
        cases.extend(pt.load_cases(path))
    return cases


CASES = _cases()


# ------------------------------------------------------------------------------- skip reasons


def _children(node: Any) -> Iterator[Any]:
    for attribute in ("expr", "lhs", "rhs", "param", "vector_selector"):
        child = getattr(node, attribute, None)
        if isinstance(child, promql_parser.Expr):
            yield child
    if isinstance(node, promql_parser.Call):
        yield from node.args


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in _children(node):
        yield from _walk(child)


def _matches(matcher: Any, labels: pt.Labels) -> bool:
    value = dict(labels).get(matcher.name, "")
    op = matcher.op
    if op == promql_parser.MatchOp.Equal:
        return value == matcher.value
    if op == promql_parser.MatchOp.NotEqual:
        return value != matcher.value
    matched = re.fullmatch(matcher.value, value, re.DOTALL) is not None
    return matched if op == promql_parser.MatchOp.Re else not matched


def _selects(selector: Any, labels: pt.Labels) -> bool:
    if selector.name and dict(labels).get("__name__") != selector.name:
        return False
    groups = [selector.matchers.matchers, *selector.matchers.or_matchers]
    return any(all(_matches(m, labels) for m in group) for group in groups if group) or not any(
        groups
    )


def experimental_feature(expr: Any) -> str | None:
    for node in _walk(expr):
        if isinstance(node, promql_parser.Call):
            name = node.func.name
            if name in DURATION_FUNCTIONS:
                return f"duration expression function {name}() (experimental)"
            experimental = node.func.experimental or name in EXTRA_EXPERIMENTAL_FUNCTIONS
            if experimental and name not in REQUIRED_EXPERIMENTAL_FUNCTIONS:
                return f"experimental function {name}()"
        elif isinstance(node, promql_parser.AggregateExpr):
            op = str(node.op).lower()
            if op in EXPERIMENTAL_AGGREGATIONS:
                return f"experimental aggregation {op}"
        elif isinstance(node, promql_parser.BinaryExpr):
            fill = getattr(node.modifier, "fill_values", None)
            if fill is not None and (fill.lhs is not None or fill.rhs is not None):
                return "experimental fill() modifier of binary operators"
    return None


def skip_reason(case: pt.TestCase) -> str | None:
    if any(load.with_nhcb for load in case.loads):
        return "native histograms: data loaded with load_with_nhcb"
    if case.eval.has_histogram_expectation():
        return "native histograms: {{...}} in the expected result"
    try:
        expr = promql_parser.parse(case.eval.expr)
    except Exception:  # an invalid query is the engine's to reject: a real case
        expr = None
    if expr is not None:
        feature = experimental_feature(expr)
        if feature:
            return feature
        histograms = pt.histogram_series(case.loads)
        if histograms:
            for node in _walk(expr):
                if isinstance(node, promql_parser.VectorSelector):
                    for labels in histograms:
                        if _selects(node, labels):
                            return (
                                "native histograms: the query selects "
                                f"{pt.render_labels(labels)}, which has {{{{...}}}} samples"
                            )
    elif "{{" in case.eval.expr:
        return "native histograms in the query"
    return None


# ------------------------------------------------------------------------------- data and engine


@dataclass
class _Loaded:
    key: tuple[str, int]
    directory: Path
    storage: EmbeddedStorage
    engine: Any
    # The same engine streaming every selector one series at a time: grouped reads must not
    # change any answer.
    streaming: Any


class _Datasets:
    """One loaded storage at a time: cases run in file order, so each load block loads once."""

    def __init__(self) -> None:
        self.current: _Loaded | None = None

    def engines_for(self, case: pt.TestCase) -> tuple[Any, Any]:
        if self.current is not None and self.current.key == case.data_key:
            return self.current.engine, self.current.streaming
        self.close()
        directory = Path(tempfile.mkdtemp(prefix="promqltest-"))
        storage = EmbeddedStorage(
            directory, StorageConfig(retention={"raw": timedelta(days=365 * 100)})
        )
        builder = BatchBuilder()
        for labels, points in pt.samples_of(case.loads).items():
            for timestamp, value in points:
                builder.add(labels, timestamp, value)
        if len(builder):
            result = storage.append(builder.build())
            rejected = getattr(result, "rejected", None)
            if rejected:
                raise AssertionError(f"the store refused test data: {rejected}")
        self.current = _Loaded(
            case.data_key,
            directory,
            storage,
            make_engine(storage),
            _AnsweredFromShared(make_engine(storage, batch_samples=1)),
        )
        return self.current.engine, self.current.streaming

    def close(self) -> None:
        if self.current is not None:
            self.current.storage.close()
            shutil.rmtree(self.current.directory, ignore_errors=True)
            self.current = None


def make_engine(storage: EmbeddedStorage, **extra: Any) -> Any:
    """The Engine as promqltest configures Prometheus': 5m lookback, 1m default subquery step."""
    assert Engine is not None
    wanted: dict[str, Any] = {
        "lookback_ms": 300_000,
        "max_samples": 50_000_000,
        "default_timeout_s": 60.0,
        "default_subquery_step_ms": 60_000,
        **extra,
    }
    parameters = inspect.signature(Engine).parameters
    return Engine(storage, **{k: v for k, v in wanted.items() if k in parameters})


class _AnsweredFromShared:
    """Runs every range query twice with one SharedSubexpressions and answers the second run,
    whose subexpressions all come from what the first one shared: sharing must not change any
    answer (nor be corrupted by the query that made it)."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def instant(self, query: str, time_ms: int) -> Any:
        return self._engine.instant(query, time_ms)

    def range(self, query: str, start_ms: int, end_ms: int, step_ms: int) -> Any:
        shared = SharedSubexpressions()
        self._engine.range(query, start_ms, end_ms, step_ms, shared=shared)
        return self._engine.range(query, start_ms, end_ms, step_ms, shared=shared)


@pytest.fixture(scope="session")
def datasets() -> Iterator[_Datasets]:
    loaded = _Datasets()
    yield loaded
    loaded.close()


# ------------------------------------------------------------------------------- running


def _labels(labels: Any) -> pt.Labels:
    return tuple(sorted((str(k), str(v)) for k, v in labels if v != ""))


def _matrix(value: Matrix) -> list[tuple[pt.Labels, list[int], list[float]]]:
    return [
        (
            _labels(s.labels),
            [int(t) for t in np.asarray(s.timestamps)],
            [float(v) for v in np.asarray(s.values)],
        )
        for s in value.series
    ]


def compare(cmd: pt.EvalCmd, value: Any) -> str | None:
    if isinstance(value, Vector):
        return pt.compare_vector(cmd, [(_labels(s.labels), s.value) for s in value.samples])
    if isinstance(value, Matrix):
        return pt.compare_matrix(cmd, _matrix(value))
    if isinstance(value, Scalar):
        return pt.compare_scalar(cmd, value.value)
    if isinstance(value, String):
        return pt.compare_string(cmd, value.value)
    return f"unexpected result type {type(value).__name__}"


def run_case(case: pt.TestCase, engine: Any, *, at_variants: bool = True) -> str | None:
    """None when the engine's answer is what the test file expects, else what differs.

    Instant evals are also run as promqltest runs them: as a range query around the evaluation
    time, and with ``@ <eval time>`` added to every selector at other evaluation times."""
    cmd = case.eval
    if cmd.is_range:
        _, problem = _answered(
            cmd, lambda: engine.range(cmd.expr, cmd.start_ms, cmd.end_ms, cmd.step_ms)
        )
        return problem
    problem = _run_instant(cmd, engine, cmd.expr, cmd.eval_ms)
    if problem or not at_variants:
        return problem
    variants = at_modifier_variants(cmd.expr, cmd.eval_ms)
    # promql-parser renders a few expressions wrongly; use its rendering only where the rendered
    # text itself gives the expected answer.
    if not variants or _run_instant(cmd, engine, variants[0][0], cmd.eval_ms):
        return None
    for text, at in variants[1:]:
        problem = _run_instant(cmd, engine, text, at)
        if problem:
            return f"with the @ modifier, {text} at t={at}ms: {problem}"
    return None


def _answered(cmd: pt.EvalCmd, evaluate: Callable[[], Any]) -> tuple[Any, str | None]:
    """The engine's result (None when it failed) and what differs from the expectation."""
    try:
        result = evaluate()
    except PromQLError as error:
        if cmd.is_fail:
            return None, pt.check_failure(cmd, str(error))
        return None, f"error evaluating the query: {type(error).__name__}: {error}"
    if cmd.is_fail:
        return None, "expected an error but the query succeeded"
    return result, pt.check_annotations(cmd, result.warnings) or compare(cmd, result.value)


def _run_instant(cmd: pt.EvalCmd, engine: Any, expr: str, at: int) -> str | None:
    result, problem = _answered(cmd, lambda: engine.instant(expr, at))
    if result is None or problem:
        return problem
    if cmd.exclude_from_range_query or QUERY_CONTEXT_FUNCTIONS.search(expr):
        return None
    return _check_range_mode(cmd, engine, expr, at, result.value)


# Functions whose result depends on the evaluation time even when their arguments do not.
AT_MODIFIER_UNSAFE_FUNCTIONS = {
    "days_in_month",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "hour",
    "minute",
    "month",
    "year",
    "predict_linear",
    "time",
    "timestamp",
}
_AT_PLACEHOLDER = "987654321.123"


def at_modifier_variants(expr_text: str, eval_ms: int) -> list[tuple[str, int]]:
    """promqltest's atModifierTestCases: every selector and subquery without ``@`` gets
    ``@ <eval time>`` (selectors inside a subquery are left alone) and the query runs at other
    times; the answer must not change. First item: the unmodified expression as rendered."""
    try:
        expr = promql_parser.parse(expr_text)
        unmodified = str(expr)
    except Exception:
        return []
    at = promql_parser.parse(f"x @ {_AT_PLACEHOLDER}").at
    unsafe = False

    def visit(node: Any) -> None:
        nonlocal unsafe
        if isinstance(node, promql_parser.VectorSelector):
            if node.at is None:
                node.at = at
            return
        if isinstance(node, promql_parser.MatrixSelector):
            if node.vector_selector.at is None:
                node.vector_selector.at = at
            return
        if isinstance(node, promql_parser.SubqueryExpr):
            if node.at is None:
                node.at = at
            return  # everything inside now has an @ above it
        if isinstance(node, promql_parser.Call) and node.func.name in AT_MODIFIER_UNSAFE_FUNCTIONS:
            unsafe = True
        for child in _children(node):
            visit(child)

    visit(expr)
    if unsafe:
        return []
    text = str(expr).replace(f"@ {_AT_PLACEHOLDER}", f"@ {eval_ms / 1000:.3f}")
    try:  # a rendering promql-parser cannot read back is not used
        promql_parser.parse(unmodified)
        promql_parser.parse(text)
    except Exception:
        return []
    times = (
        [-1000, 0, 1000]
        if eval_ms == 0
        else [-10 * eval_ms, 0, eval_ms // 5, eval_ms, 10 * eval_ms]
    )
    return [(unmodified, eval_ms), *((text, t) for t in times)]


def _check_range_mode(cmd: pt.EvalCmd, engine: Any, expr: str, at: int, instant: Any) -> str | None:
    """promqltest also runs an instant query as a range query around it: same middle step."""
    try:
        result = engine.range(
            expr, at - RANGE_MODE_STEP_MS, at + RANGE_MODE_STEP_MS, RANGE_MODE_STEP_MS
        )
    except PromQLError as error:
        return f"range mode: error evaluating the query: {error}"
    if cmd.is_ordered:
        return None
    if not isinstance(result.value, Matrix):
        return f"range mode: expected a matrix, got {type(result.value).__name__}"
    matrix = _matrix(result.value)
    for previous, current in itertools.pairwise(matrix):
        if previous[0] > current[0]:
            return "range mode: matrix not sorted by labels"
    vector = [
        (labels, value)
        for labels, timestamps, values in matrix
        for t, value in zip(timestamps, values, strict=True)
        if t == at
    ]
    if isinstance(instant, Scalar):
        if not vector:
            return "range mode: no point at the evaluation time for a scalar result"
        problem = pt.compare_scalar(cmd, vector[0][1])
    else:
        problem = pt.compare_vector(cmd, vector, ordered=False)
    return f"range mode: {problem}" if problem else None


def test_the_whole_corpus_is_found() -> None:
    """A misplaced corpus must fail loudly, not pass by running nothing."""
    assert CORPUS.is_dir(), f"PromQL conformance corpus not found at {CORPUS}"
    assert len({case.id.split(":")[0] for case in CASES}) >= 14
    assert len(CASES) >= 1200


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_promql(case: pt.TestCase, datasets: _Datasets) -> None:
    reason = skip_reason(case)
    if reason:
        pytest.skip(reason)
    engine, streaming = datasets.engines_for(case)
    problem = run_case(case, engine)
    if problem:
        pytest.fail(f"{case.id}: {case.eval.expr}\n{problem}", pytrace=False)
    problem = run_case(case, streaming)
    if problem:
        pytest.fail(f"{case.id} (series streamed one by one): {problem}", pytrace=False)
