"""Variables: options from real storage and the real query engine, selection, interpolation.

Expected texts are worked out by hand from Grafana's Prometheus data source behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from pulseboard.config import StorageConfig
from pulseboard.dashboards.variables import (
    ALL,
    Option,
    ResolvedVariable,
    Variable,
    VariableError,
    builtin_variables,
    interpolate,
    query_interval_ms,
    resolve_variables,
)
from pulseboard.model.samples import BatchBuilder
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import UNRESTRICTED, Scope

MINUTE = 60_000
HOUR = 60 * MINUTE
END = 20 * MINUTE
_VARIABLES = TypeAdapter(list[Variable])

NODES = (("api", "a:9100"), ("api", "b:9100"), ("db", "db-1:9100"))


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[EmbeddedStorage]:
    store = EmbeddedStorage(tmp_path, StorageConfig(retention={"raw": timedelta(days=365 * 100)}))
    builder = BatchBuilder()
    for minute in range(21):
        for job, instance in NODES:
            labels = (("instance", instance), ("job", job))
            builder.add((("__name__", "up"), *labels), minute * MINUTE, 1.0)
            builder.add((("__name__", "node_load1"), *labels), minute * MINUTE, 0.5)
    store.append(builder.build())
    scoped = BatchBuilder()
    scoped.add((("__name__", "secret_total"), ("job", "hidden")), 10 * MINUTE, 42.0)
    store.append(scoped.build(), Scope("team-a"))
    yield store
    store.close()


def _resolve(
    storage: EmbeddedStorage,
    definitions: list[dict[str, Any]],
    chosen: Mapping[str, str | Sequence[str]] | None = None,
    scope: Scope = UNRESTRICTED,
) -> dict[str, ResolvedVariable]:
    return resolve_variables(
        _VARIABLES.validate_python(definitions),
        chosen or {},
        storage=storage,
        engine=Engine(storage),
        start_ms=0,
        end_ms=END,
        scope=scope,
    )


def _values(variable: ResolvedVariable) -> list[str]:
    return [option.value for option in variable.options]


JOB = {"type": "query", "name": "job", "query": "label_values(up, job)", "multi": True}
INSTANCE = {
    "type": "query",
    "name": "instance",
    "query": 'label_values(up{job=~"$job"}, instance)',
    "includeAll": True,
    "multi": True,
    "sort": 2,
}


def test_a_query_variable_uses_the_one_before_it(storage: EmbeddedStorage) -> None:
    # Listed after the variable that depends on it: resolution follows the dependency.
    resolved = _resolve(storage, [INSTANCE, JOB], {"job": "db"})
    assert list(resolved) == ["instance", "job"]
    assert resolved["job"].current == ("db",)
    assert _values(resolved["instance"]) == [ALL, "db-1:9100"]
    assert resolved["instance"].current == (ALL,)  # nothing chosen: the first option, All

    both = _resolve(storage, [JOB, INSTANCE], {"job": ["api", "db"], "instance": ["b:9100"]})
    assert _values(both["instance"]) == [ALL, "db-1:9100", "b:9100", "a:9100"]  # sort 2: desc
    assert both["instance"].current == ("b:9100",)


def test_a_vanished_choice_falls_back_to_the_saved_then_the_first(
    storage: EmbeddedStorage,
) -> None:
    job = {**JOB, "multi": False, "current": ["db"]}
    assert _resolve(storage, [job], {"job": "gone"})["job"].current == ("api",)
    assert _resolve(storage, [job])["job"].current == ("db",)


def test_label_names_metrics_and_a_bare_selector(storage: EmbeddedStorage) -> None:
    resolved = _resolve(
        storage,
        [
            {"type": "query", "name": "labels", "query": "label_names()"},
            {"type": "query", "name": "metrics", "query": "metrics(^node_)"},
            {"type": "query", "name": "series", "query": 'up{job="db"}'},
        ],
    )
    assert {"instance", "job"} <= set(_values(resolved["labels"]))
    assert _values(resolved["metrics"]) == ["node_load1"]
    assert _values(resolved["series"]) == ['up{instance="db-1:9100",job="db"}']


def test_query_result_and_regex_capture(storage: EmbeddedStorage) -> None:
    by_instance = "query_result(sum by (instance) (node_load1))"
    resolved = _resolve(
        storage,
        [
            {"type": "query", "name": "raw", "query": 'query_result(up{job="db"} * 3)'},
            {
                "type": "query",
                "name": "host",
                "query": by_instance,
                "regex": '/instance="(?<value>[^:"]+):(?<text>\\d+)"/',
            },
            {"type": "query", "name": "port", "query": by_instance, "regex": ":(\\d+)"},
            {"type": "query", "name": "none", "query": by_instance, "regex": "nomatch"},
        ],
    )
    assert _values(resolved["raw"]) == [f'{{instance="db-1:9100",job="db"}} 3 {END}']
    assert [(o.text, o.value) for o in resolved["host"].options] == [
        ("9100", "a"),
        ("9100", "b"),
        ("9100", "db-1"),
    ]
    assert _values(resolved["port"]) == ["9100"]  # the same value three times is one option
    assert _values(resolved["none"]) == []
    assert resolved["none"].current == ()


def test_scope_limits_what_variables_see(storage: EmbeddedStorage) -> None:
    query = [{"type": "query", "name": "m", "query": "metrics(.*)"}]
    assert _values(_resolve(storage, query, scope=Scope("team-a"))["m"]) == ["secret_total"]
    assert "secret_total" not in _values(_resolve(storage, query, scope=Scope("team-b"))["m"])


def test_custom_interval_constant_and_textbox(storage: EmbeddedStorage) -> None:
    resolved = _resolve(
        storage,
        [
            {"type": "custom", "name": "pct", "query": "p50 : 0.5, p99 : 0.99, a\\,b"},
            {"type": "interval", "name": "step", "query": "1m,5m", "auto": True},
            {"type": "constant", "name": "slo", "query": "0.995"},
            {"type": "textbox", "name": "filter", "query": "default"},
        ],
        {"pct": "p99", "step": "auto", "slo": "1", "filter": "typed"},
    )
    assert [(o.text, o.value) for o in resolved["pct"].options] == [
        ("p50", "0.5"),
        ("p99", "0.99"),
        ("a,b", "a,b"),
    ]
    assert resolved["pct"].current == ("0.99",)  # chosen by its text
    # auto: 20 minutes over 30 steps is 40 s, which Grafana rounds to 30 s (above the 10 s minimum)
    assert resolved["step"].options[0] == Option("auto", "30s")
    assert interpolate("rate(x[$step])", resolved) == "rate(x[30s])"
    assert resolved["slo"].current == ("0.995",)
    assert resolved["filter"].current == ("typed",)


def test_a_query_that_cannot_run_names_the_variable(storage: EmbeddedStorage) -> None:
    with pytest.raises(VariableError, match=r"variable 'bad'.*invalid series selector"):
        _resolve(storage, [{"type": "query", "name": "bad", "query": "label_values(up{, job)"}])
    with pytest.raises(VariableError, match=r"variable 'q'.*query_result"):
        _resolve(storage, [{"type": "query", "name": "q", "query": "query_result(sum(()"}])


def _variable(values: Sequence[str], **kind: Any) -> ResolvedVariable:
    options = tuple(Option(v, v) for v in ("a.b", 'q"x', "c\\d", "plain"))
    return ResolvedVariable("v", options, tuple(values), **kind)


@pytest.mark.parametrize(
    ("text", "variable", "expected"),
    [
        # A single value goes inside a PromQL string: quotes and backslashes escaped.
        ('up{x="$v"}', _variable(['q"x']), 'up{x="q\\"x"}'),
        ('up{x="${v}"}', _variable(["c\\d"]), 'up{x="c\\\\d"}'),
        # Multi-value: regex-escaped for a string, joined as (a|b).
        ('up{x=~"$v"}', _variable(["a.b", "plain"], multi=True), 'up{x=~"(a\\\\.b|plain)"}'),
        ('up{x=~"[[v]]"}', _variable(["a.b"], multi=True), 'up{x=~"a\\\\.b"}'),
        # All without a custom all value: every option.
        (
            'up{x=~"$v"}',
            _variable([ALL], multi=True, include_all=True),
            'up{x=~"(a\\\\.b|q\\"x|c\\\\\\\\d|plain)"}',
        ),
        # All with a custom all value: written as it is.
        ('up{x=~"$v"}', _variable([ALL], include_all=True, all_value=".*"), 'up{x=~".*"}'),
        ("${v:csv}", _variable(["a.b", "plain"], multi=True), "a.b,plain"),
        ("${v:pipe}", _variable(["a.b", "plain"], multi=True), "a.b|plain"),
        ("${v:regex}", _variable(["a.b", "plain"], multi=True), "(a\\.b|plain)"),
        ("${v:raw}", _variable(["a.b"]), "a.b"),
        ("[[v:json]]", _variable(["a.b", "plain"], multi=True), '["a.b","plain"]'),
        ("${v:text}", _variable([ALL], include_all=True), "All"),
        # Unknown names and formats are left as written; $vv is another name.
        ("$nope ${v:nosuch} $vv", _variable(["a.b"]), "$nope ${v:nosuch} $vv"),
    ],
)
def test_interpolation(text: str, variable: ResolvedVariable, expected: str) -> None:
    assert interpolate(text, {"v": variable}) == expected


def test_builtins_as_grafana_computes_them() -> None:
    six_hours = query_interval_ms(0, 6 * HOUR)
    assert six_hours == 15_000  # 14.4 s per point is below the 15 s scrape interval
    builtins = builtin_variables(0, 6 * HOUR, six_hours)
    assert builtins["__interval"] == "15s"
    assert builtins["__rate_interval"] == "1m"  # four scrape intervals
    assert (builtins["__range"], builtins["__range_s"]) == ("21600s", "21600")
    week = query_interval_ms(0, 7 * 24 * HOUR)
    assert week == 300_000  # 403.2 s rounds to 5 m
    assert builtin_variables(0, 7 * 24 * HOUR, week)["__rate_interval"] == "5m15s"
    # Never more than 11,000 points: a year at 10 s a point would be 3 million.
    assert query_interval_ms(0, 365 * 24 * HOUR, max_data_points=10**9) == HOUR
    text = "rate(x[$__rate_interval]) / ${__interval_ms} [[__range_ms]]"
    assert interpolate(text, {}, builtins) == f"rate(x[1m]) / 15000 {6 * HOUR}"
