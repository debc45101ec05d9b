"""The promqltest reader itself: notation, commands, expectations and the comparison rules."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pulseboard.promql.api import (
    InstantSample,
    Matrix,
    QueryExecutionError,
    QueryResult,
    RangeSeries,
    Scalar,
    String,
    Vector,
)

from . import promqltest as pt
from .conftest import conformance_counts
from .test_conformance import CASES, CORPUS, at_modifier_variants, skip_reason
from .test_conformance import run_case as run_case_with_variants


def _one(values: str) -> list[pt.SequenceValue]:
    return pt.parse_values(values)


def test_expanding_notation() -> None:
    assert _one("1 2 3") == [1.0, 2.0, 3.0]
    assert _one("0+10x3") == [0.0, 10.0, 20.0, 30.0]
    assert _one("10-2x2") == [10.0, 8.0, 6.0]
    assert _one("-1+1x2") == [-1.0, 0.0, 1.0]
    assert _one("5x2") == [5.0, 5.0, 5.0]
    assert _one("1 _ 3") == [1.0, None, 3.0]
    assert _one("_x3 7") == [None, None, None, 7.0]
    assert _one("1e3 -2.5E-1 .5") == [1000.0, -0.25, 0.5]


def test_increments_accumulate_like_the_go_parser() -> None:
    # 0.1 added ten times is not 1.0 in floating point; the Go parser adds, it does not multiply.
    values = _one("0+0.1x10")
    assert values[-1] == sum([0.1] * 10)
    assert values[-1] != 1.0


def test_special_values() -> None:
    inf, minus_inf, nan, stale = _one("Inf -Inf NaN stale")
    assert inf == math.inf and minus_inf == -math.inf
    assert isinstance(nan, float) and math.isnan(nan) and not pt.is_stale(nan)
    assert isinstance(stale, float) and math.isnan(stale) and pt.is_stale(stale)
    assert [pt.is_stale(v) for v in _one("stalex2") if isinstance(v, float)] == [True] * 3


def test_native_histogram_values_are_kept_opaque() -> None:
    values = _one("0 {{schema:0 sum:1 count:1}}x2 {{sum:2 count:2}}+{{sum:3 count:3}}x1 _")
    assert values[0] == 0.0
    assert all(isinstance(v, pt.Histogram) for v in values[1:6])
    assert len(values) == 7 and values[-1] is None


def test_series_labels() -> None:
    labels, values = pt.parse_series_description(
        'http_requests{job="api server", path="/a\\"b", empty=""} 1 2'
    )
    assert labels == (("__name__", "http_requests"), ("job", "api server"), ("path", '/a"b'))
    assert values == [1.0, 2.0]
    assert pt.parse_series_description("{} 3")[0] == ()
    assert pt.parse_series_description('{__name__="x", a=`raw\\n`} 1')[0] == (
        ("__name__", "x"),
        ("a", "raw\\n"),
    )
    assert pt.parse_series_description('{"my.metric", a="b"} 1')[0] == (
        ("__name__", "my.metric"),
        ("a", "b"),
    )


def test_durations() -> None:
    assert pt.parse_duration_ms("0") == 0
    assert pt.parse_duration_ms("5m") == 300_000
    assert pt.parse_duration_ms("1h30m") == 5_400_000
    assert pt.parse_duration_ms("10s53ms") == 10_053
    with pytest.raises(pt.PromQLTestFormatError):
        pt.parse_duration_ms("5x")


FILE = """
# a comment
load 5m
  up{job="a"} 0+1x3
  up{job="b"} 1 _ stale

load 1m
  extra 7

eval instant at 10m up
  up{job="a"} 2
  up{job="b"} 1

eval_ordered instant at 5m sort_desc(up)
  up{job="a"} 1
  up{job="b"} 1

eval range from 0 to 15m step 5m up
  up{job="a"} 0+1x3
  up{job="b"} 1 1 _

eval instant at 0 scalar(vector(2))
  2

eval_fail instant at 0 a{
  expected_fail_message unexpected end of input

eval instant at 0 x
  expect fail regex: bad.*thing
  expect warn msg: PromQL warning: something
  expect no_info

eval instant at 0 "hello"
  expect string "hello"

eval instant at 1m extra[1m]
  expect range vector from 0 to 1m step 1m
  extra 7 _

clear
load 10s
  other 1

eval instant at 0 other
  other 1
"""


def test_commands_and_expectations() -> None:
    cases = pt.cases_from_text(FILE, "x.test")
    assert [c.id for c in cases] == [f"x.test:{n}" for n in (10, 14, 18, 22, 25, 28, 33, 36, 44)]
    first, ordered, ranged, scalar, failing, expects, string, matrix, after_clear = cases

    assert len(first.loads) == 2 and first.data_key == ranged.data_key
    assert after_clear.data_key != first.data_key and len(after_clear.loads) == 1
    samples = pt.samples_of(first.loads)
    up_b = samples[(("__name__", "up"), ("job", "b"))]
    assert [t for t, _ in up_b] == [0, 600_000] and pt.is_stale(up_b[1][1])
    assert samples[(("__name__", "extra"),)] == [(0, 7.0)]

    assert not first.eval.is_range and first.eval.eval_ms == 600_000
    assert first.eval.series[(("__name__", "up"), ("job", "b"))].values == [1.0]
    assert ordered.eval.is_ordered and not first.eval.is_ordered
    assert [s.position for s in ordered.eval.series.values()] == [1, 2]
    assert ranged.eval.is_range
    assert (ranged.eval.start_ms, ranged.eval.end_ms, ranged.eval.step_ms) == (0, 900_000, 300_000)
    assert ranged.eval.series[(("__name__", "up"), ("job", "b"))].values == [1.0, 1.0, None]
    assert scalar.eval.expect_scalar and scalar.eval.scalar == 2.0
    assert failing.eval.is_fail
    assert failing.eval.expected_fail_message == "unexpected end of input"
    assert expects.eval.is_fail and [e.kind for e in expects.eval.expects] == [
        "fail",
        "warn",
        "no_info",
    ]
    assert expects.eval.expects[0].regex == "bad.*thing"
    assert expects.eval.expects[1].message == "PromQL warning: something"
    assert string.eval.expected_string == "hello" and string.eval.exclude_from_range_query
    assert matrix.eval.range_vector and matrix.eval.eval_ms == 60_000
    assert (matrix.eval.start_ms, matrix.eval.end_ms, matrix.eval.step_ms) == (0, 60_000, 60_000)


def test_instant_eval_refuses_several_values() -> None:
    with pytest.raises(pt.PromQLTestFormatError):
        pt.cases_from_text("load 1m\n  a 1\n\neval instant at 0 a\n  a 1 2\n", "bad.test")


def test_almost_equal() -> None:
    assert pt.almost_equal(1.0, 1.0000001)
    assert not pt.almost_equal(1.0, 1.00001)
    assert pt.almost_equal(math.nan, math.nan)
    assert not pt.almost_equal(math.nan, 0.0)
    assert pt.almost_equal(math.inf, math.inf)
    assert not pt.almost_equal(math.inf, -math.inf)
    assert not pt.almost_equal(0.0, 1e-300)  # next to zero only (almost) exact equality counts
    assert pt.almost_equal(0.0, -0.0)


def test_annotation_checks() -> None:
    case = pt.cases_from_text(
        "eval instant at 0 x\n  expect warn msg: PromQL warning: w\n  expect no_info\n", "a.test"
    )[0]
    assert pt.check_annotations(case.eval, ["PromQL warning: w"]) is None
    assert pt.check_annotations(case.eval, []) is not None
    assert pt.check_annotations(case.eval, ["PromQL warning: w", "PromQL info: i"]) is not None
    assert pt.check_annotations(case.eval, ["PromQL warning: other"]) is not None
    plain = pt.cases_from_text("eval instant at 0 x\n", "a.test")[0]
    assert pt.check_annotations(plain.eval, ["PromQL info: anything"]) is None


# ----------------------------------------------------------------------- the runner can fail


class _StubEngine:
    def __init__(self, instant: object, range_: object = None, error: Exception | None = None):
        self._instant, self._range, self._error = instant, range_, error

    def instant(self, query: str, time_ms: int) -> QueryResult:
        if self._error:
            raise self._error
        return QueryResult(self._instant)  # type: ignore[arg-type]

    def range(self, query: str, start_ms: int, end_ms: int, step_ms: int) -> QueryResult:
        if self._error:
            raise self._error
        return QueryResult(self._range)  # type: ignore[arg-type]


def _vector(*pairs: tuple[str, float], at: int = 600_000) -> Vector:
    return Vector(
        [InstantSample((("__name__", "up"), ("job", job)), at, value) for job, value in pairs]
    )


def _matrix(at: int, *pairs: tuple[str, float]) -> Matrix:
    return Matrix(
        [
            RangeSeries(
                (("__name__", "up"), ("job", job)),
                np.array([at - 60_000, at, at + 60_000], dtype=np.int64),
                np.array([0.0, value, 0.0]),
            )
            for job, value in pairs
        ]
    )


def run_case(case: pt.TestCase, engine: object) -> str | None:
    return run_case_with_variants(case, engine, at_variants=False)


def test_runner_passes_and_fails() -> None:
    first, ordered, ranged, scalar, failing, *_ = pt.cases_from_text(FILE, "x.test")
    good = _vector(("a", 2.0), ("b", 1.0))
    assert run_case(first, _StubEngine(good, _matrix(600_000, ("a", 2.0), ("b", 1.0)))) is None
    # A wrong value, a missing series, an extra series, and a disagreeing range mode all fail.
    assert run_case(first, _StubEngine(_vector(("a", 2.5), ("b", 1.0)))) is not None
    assert run_case(first, _StubEngine(_vector(("a", 2.0)))) is not None
    assert run_case(first, _StubEngine(_vector(("a", 2.0), ("b", 1.0), ("c", 1.0)))) is not None
    assert run_case(first, _StubEngine(good, _matrix(600_000, ("a", 2.0), ("b", 9.0)))) is not None
    # Order only counts for ordered evals.
    swapped = Vector(list(reversed(_vector(("a", 1.0), ("b", 1.0), at=300_000).samples)))
    assert run_case(ordered, _StubEngine(swapped)) is not None
    assert run_case(ordered, _StubEngine(_vector(("a", 1.0), ("b", 1.0), at=300_000))) is None
    # Range evals compare timestamps and values point by point.
    series = Matrix(
        [
            RangeSeries(
                (("__name__", "up"), ("job", "a")),
                np.array([0, 300_000, 600_000, 900_000]),
                np.array([0.0, 1, 2, 3]),
            ),
            RangeSeries(
                (("__name__", "up"), ("job", "b")), np.array([0, 300_000]), np.array([1.0, 1])
            ),
        ]
    )
    assert run_case(ranged, _StubEngine(None, series)) is None
    shifted = Matrix(
        [
            series.series[0],
            RangeSeries(series.series[1].labels, np.array([0, 600_000]), np.array([1.0, 1])),
        ]
    )
    assert run_case(ranged, _StubEngine(None, shifted)) is not None
    # Scalars, and errors where an error is expected (with its message).
    scalar_range = Matrix([RangeSeries((), np.array([-60_000, 0, 60_000]), np.array([2.0] * 3))])
    assert run_case(scalar, _StubEngine(Scalar(0, 2.0), scalar_range)) is None
    assert run_case(scalar, _StubEngine(Scalar(0, 3.0), scalar_range)) is not None
    assert run_case(scalar, _StubEngine(String(0, "2"))) is not None
    assert (
        run_case(failing, _StubEngine(None, error=QueryExecutionError("unexpected end of input")))
        is None
    )
    assert run_case(failing, _StubEngine(None, error=QueryExecutionError("other"))) is not None
    assert run_case(failing, _StubEngine(good)) is not None
    assert run_case(first, _StubEngine(None, error=QueryExecutionError("boom"))) is not None


def test_skip_rules() -> None:
    text = """
load 1m
  floats 1 2
  hist {{schema:0 sum:1 count:1}}

eval instant at 1m floats
  floats 2

eval instant at 1m hist
  {__name__="hist"} {{schema:0 sum:1 count:1}}

eval instant at 1m {__name__=~"h.*"}

eval instant at 1m limitk(1, floats)

eval instant at 1m mad_over_time(floats[5m])

eval instant at 1m ts_of_max_over_time(floats[5m])
"""
    reasons = [skip_reason(c) for c in pt.cases_from_text(text, "s.test")]
    assert reasons[0] is None and reasons[4] is None
    assert all(r and "histogram" in r for r in reasons[1:3])
    assert reasons[3] and "limitk" in reasons[3]
    assert reasons[5] and "ts_of_max_over_time" in reasons[5]


def test_whole_corpus_parses() -> None:
    files = sorted(Path(CORPUS).glob("*.test"))
    assert files
    counted = {path.name: len(pt.load_cases(path)) for path in files}
    assert sum(counted.values()) == len(CASES)
    evals = sum(
        1
        for path in files
        for line in path.read_text().splitlines()
        if line.strip().startswith("eval")
    )
    assert len(CASES) == evals


def test_summary_counts() -> None:
    class Report:
        def __init__(self, nodeid: str, when: str = "call") -> None:
            self.nodeid, self.when = nodeid, when

    base = "tests/promql/test_conformance.py::test_promql"
    stats = {
        "passed": [Report(f"{base}[a.test:1]"), Report(f"{base}[a.test:5]")],
        "skipped": [Report(f"{base}[b.test:3]", "setup")],
        "failed": [Report(f"{base}[a.test:9]")],
        "error": [Report(f"{base}[a.test:9]", "teardown")],
    }
    counts = conformance_counts(stats)
    assert counts["a.test"] == {"passed": 2, "failed": 1}
    assert counts["b.test"] == {"skipped": 1}


def test_at_modifier_variants() -> None:
    variants = at_modifier_variants(
        "sum(rate(foo[5m])) + max_over_time(rate(x[1m])[10m:1m]) + y @ 50", 600_000
    )
    unmodified, *timed = variants
    assert unmodified[1] == 600_000 and "@" in unmodified[0]
    assert [t for _, t in timed] == [-6_000_000, 0, 120_000, 600_000, 6_000_000]
    text = timed[0][0]
    # Selectors and subqueries get the evaluation time, selectors inside a subquery do not,
    # an existing @ stays.
    assert "foo{}[5m] @ 600.000" in text
    assert "[10m:1m] @ 600.000" in text and "x{}[1m] @" not in text
    assert "y{} @ 50.000" in text
    assert [t for _, t in at_modifier_variants("x", 0)[1:]] == [-1000, 0, 1000]
    assert at_modifier_variants("time() + x", 60_000) == []  # depends on the evaluation time
    assert at_modifier_variants("not promql (", 0) == []
