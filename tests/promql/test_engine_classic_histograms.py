"""Classic-bucket cases of Prometheus' histograms.test that the conformance runner skips.

Those cases sit in `load_with_nhcb` blocks, which load the classic `_bucket` series and also
convert them to native histograms under the base name. Queries that only read the classic
series (a literal name that is not a converted base name) are plain float PromQL, with expected
values computed by Prometheus: run them here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import promql_parser
import pytest

from . import promqltest as pt
from .test_conformance import CASES, _Datasets, experimental_feature, run_case


def _base_names(case: pt.TestCase) -> set[str]:
    names = set()
    for load in case.loads:
        if load.with_nhcb:
            for series in load.series:
                name = dict(series.labels).get("__name__", "")
                if name.endswith("_bucket"):
                    names.add(name[: -len("_bucket")])
    return names


def _selectors(node: Any) -> Iterator[Any]:
    if isinstance(node, promql_parser.VectorSelector):
        yield node
    for attribute in ("expr", "lhs", "rhs", "param", "vector_selector"):
        child = getattr(node, attribute, None)
        if isinstance(child, promql_parser.Expr):
            yield from _selectors(child)
    if isinstance(node, promql_parser.Call):
        for arg in node.args:
            yield from _selectors(arg)


def _classic_only(case: pt.TestCase) -> bool:
    if not any(load.with_nhcb for load in case.loads) or case.eval.has_histogram_expectation():
        return False
    if any(load.has_histograms() and not load.with_nhcb for load in case.loads):
        return False
    try:
        expr = promql_parser.parse(case.eval.expr)
    except ValueError:
        return False
    if experimental_feature(expr):
        return False
    bases = _base_names(case)
    selectors = list(_selectors(expr))
    return bool(selectors) and all(s.name and s.name not in bases for s in selectors)


def _as_classic(case: pt.TestCase) -> pt.TestCase:
    loads = tuple(dataclasses.replace(load, with_nhcb=False) for load in case.loads)
    return dataclasses.replace(case, loads=loads)


CLASSIC = [_as_classic(case) for case in CASES if _classic_only(case)]


@pytest.fixture(scope="module")
def datasets() -> Iterator[_Datasets]:
    loaded = _Datasets()
    yield loaded
    loaded.close()


@pytest.mark.parametrize("case", CLASSIC, ids=[case.id for case in CLASSIC])
def test_classic_histogram_case(case: pt.TestCase, datasets: _Datasets) -> None:
    engine, _ = datasets.engines_for(case)
    problem = run_case(case, engine)
    if problem:
        pytest.fail(f"{case.id}: {case.eval.expr}\n{problem}", pytrace=False)
