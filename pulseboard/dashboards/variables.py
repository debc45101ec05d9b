"""Dashboard variables: their kinds, `$var` interpolation as Grafana's Prometheus data source does
it, and resolving each variable's options and current value against storage and the query engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from pulseboard.config import parse_duration
from pulseboard.model.labels import METRIC_NAME
from pulseboard.model.matchers import InvalidMatcherError, Matcher, parse_selector
from pulseboard.model.numbers import format_value
from pulseboard.promql.api import PromQLError, QueryEngine, Vector
from pulseboard.storage.protocol import UNRESTRICTED, Scope, Storage

ALL = "$__all"
ALL_TEXT = "All"
AUTO_TEXT = "auto"
# Grafana's Prometheus data source: the default scrape interval is the smallest step, and the
# backend never asks for more than 11,000 points per series.
DEFAULT_SCRAPE_INTERVAL_MS = 15_000
DEFAULT_MAX_DATA_POINTS = 1500
_SAFE_RESOLUTION = 11_000


# --- the variable kinds --------------------------------------------------------------------


class _VariableBase(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=100)
    label: str = ""
    description: str = ""
    hide: Literal[0, 1, 2] = 0  # Grafana's: shown, label hidden, variable hidden
    current: list[str] = []  # the saved selection (values; ALL for "All")

    def dependency_texts(self) -> list[str]:
        """The texts whose `$references` this variable's options depend on."""
        return []


class _MultiValueVariable(_VariableBase):
    multi: bool = False
    include_all: bool = False
    all_value: str | None = None


class QueryVariable(_MultiValueVariable):
    """Options from label_values(), label_names(), metrics(), query_result() or a selector."""

    type: Literal["query"] = "query"
    query: str = Field(min_length=1)
    regex: str = ""
    sort: int = Field(0, ge=0, le=8)  # Grafana's sort codes
    refresh: Literal[1, 2] = 1  # on dashboard load, on time range change

    def dependency_texts(self) -> list[str]:
        return [self.query, self.regex]


class CustomVariable(_MultiValueVariable):
    """Options written out: `a, b, c`, or `text : value` pairs; `\\,` is a literal comma."""

    type: Literal["custom"] = "custom"
    query: str

    def dependency_texts(self) -> list[str]:
        return [self.query]


class IntervalVariable(_VariableBase):
    type: Literal["interval"] = "interval"
    query: str = "1m,10m,30m,1h,6h,12h,1d,7d,14d,30d"
    auto: bool = False
    auto_count: int = Field(30, ge=1)
    auto_min: str = "10s"

    @field_validator("query")
    @classmethod
    def _intervals(cls, query: str) -> str:
        for option in _split_intervals(query):
            _duration_ms(option)
        return query

    @field_validator("auto_min")
    @classmethod
    def _auto_min(cls, auto_min: str) -> str:
        _duration_ms(auto_min)
        return auto_min


class ConstantVariable(_VariableBase):
    type: Literal["constant"] = "constant"
    query: str


class TextboxVariable(_VariableBase):
    type: Literal["textbox"] = "textbox"
    query: str = ""  # the default text


Variable = Annotated[
    QueryVariable | CustomVariable | IntervalVariable | ConstantVariable | TextboxVariable,
    Field(discriminator="type"),
]


class VariableError(ValueError):
    """A variable's definition cannot be evaluated; the message names the variable."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"variable {name!r}: {message}")
        self.name = name


class VariableCycleError(ValueError):
    def __init__(self, cycle: list[str]) -> None:
        if len(cycle) == 2:
            message = f"variable {cycle[0]!r} references itself"
        else:
            message = "variables reference each other in a cycle: " + " -> ".join(cycle)
        super().__init__(message)
        self.cycle = cycle


def _duration_ms(text: str) -> int:
    return int(parse_duration(text) / timedelta(milliseconds=1))


def _split_intervals(query: str) -> list[str]:
    return [part.strip() for part in query.split(",") if part.strip()]


# --- references and dependency order -------------------------------------------------------

# Grafana's variable syntax: $name, [[name]] / [[name:format]], ${name} / ${name.field:format}.
_REFERENCE = re.compile(
    r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}"
)


def _name(reference: re.Match[str]) -> str:
    return reference.group(1) or reference.group(2) or reference.group(4)


def referenced_names(text: str) -> set[str]:
    return {_name(reference) for reference in _REFERENCE.finditer(text)}


def dependency_order(variables: Sequence[Variable]) -> list[int]:
    """Indexes of `variables` so that each comes after the variables it references, otherwise in
    dashboard order. Raises VariableCycleError naming the cycle."""
    position = {variable.name: index for index, variable in enumerate(variables)}
    needs = [
        sorted(
            position[name]
            for text in variable.dependency_texts()
            for name in referenced_names(text)
            if name in position
        )
        for variable in variables
    ]
    order: list[int] = []
    state = [0] * len(variables)  # 0 unvisited, 1 on the current path, 2 placed
    path: list[int] = []

    def visit(index: int) -> None:
        if state[index] == 2:
            return
        if state[index] == 1:
            cycle = [*path[path.index(index) :], index]
            raise VariableCycleError([variables[i].name for i in cycle])
        state[index] = 1
        path.append(index)
        for needed in needs[index]:
            visit(needed)
        path.pop()
        state[index] = 2
        order.append(index)

    for index in range(len(variables)):
        visit(index)
    return order


# --- values and their formats ----------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    text: str
    value: str


@dataclass(frozen=True)
class ResolvedVariable:
    """A variable's options for the current time range and what is selected among them."""

    name: str
    options: tuple[Option, ...]  # with the All option first when the variable includes All
    current: tuple[str, ...]  # selected values; (ALL,) for All
    multi: bool = False
    include_all: bool = False
    all_value: str | None = None

    @property
    def is_all(self) -> bool:
        return ALL in self.current

    def values(self) -> list[str]:
        """The selected values, with All expanded to every option."""
        if self.is_all:
            return [option.value for option in self.options if option.value != ALL]
        return list(self.current)

    def texts(self) -> list[str]:
        if self.is_all:
            return [ALL_TEXT]
        text_of = {option.value: option.text for option in self.options}
        return [text_of.get(value, value) for value in self.current]


def prometheus_escape(value: str) -> str:
    """A value placed inside a PromQL double-quoted string."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def prometheus_regex_escape(value: str) -> str:
    """A value matched literally by a regex inside a PromQL double-quoted string: regex
    metacharacters get a backslash, and every backslash is doubled for the string."""
    escaped = re.sub(r"[$^*{}\[\]'+?.()|\\]", lambda m: "\\" + m.group(0), value)
    return prometheus_escape(escaped)


def _regex_escape(value: str) -> str:
    return re.sub(r"[\\^$*+?.()|\[\]{}/]", lambda m: "\\" + m.group(0), value)


def _joined(values: list[str], escape: Callable[[str], str]) -> str:
    escaped = [escape(value) for value in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def _glob(values: list[str]) -> str:
    return values[0] if len(values) == 1 else "{" + ",".join(values) + "}"


# Grafana's named formats (`${var:csv}`), applied to the selected values.
_FORMATS: dict[str, Callable[[list[str]], str]] = {
    "raw": ",".join,
    "regex": lambda values: _joined(values, _regex_escape),
    "pipe": "|".join,
    "csv": ",".join,
    "json": lambda values: orjson.dumps(values[0] if len(values) == 1 else values).decode(),
    "doublequote": lambda values: ",".join(f'"{value}"' for value in values),
    "singlequote": lambda values: ",".join(f"'{value}'" for value in values),
    "glob": _glob,
    "percentencode": lambda values: quote(",".join(values), safe=""),
}
FORMAT_NAMES = frozenset({*_FORMATS, "text"})


def _formatted(variable: ResolvedVariable, format_name: str | None) -> str:
    if variable.is_all and variable.all_value is not None and format_name in (None, "raw"):
        # Grafana writes a custom all value as it is: it is usually a regex such as `.*`.
        return variable.all_value
    if format_name == "text":
        return " + ".join(variable.texts())
    values = variable.values()
    if format_name is None:
        if not variable.multi and not variable.include_all:
            return prometheus_escape(values[0]) if values else ""
        return _joined(values, prometheus_regex_escape) if values else ""
    return _FORMATS[format_name](values)


def interpolate(
    text: str,
    variables: Mapping[str, ResolvedVariable],
    builtins: Mapping[str, str] | None = None,
    default_format: str | None = None,
) -> str:
    """`text` with every reference to a known variable replaced; unknown ones stay as written.

    A reference without a format is written for a PromQL query, unless `default_format` names
    another (a variable's regex filter uses "regex", as Grafana's does).
    """
    builtins = builtins or {}

    def replace(match: re.Match[str]) -> str:
        name = _name(match)
        format_name = match.group(3) or match.group(6) or default_format
        if format_name is not None and format_name not in FORMAT_NAMES:
            return match.group(0)
        if name in variables:
            return _formatted(variables[name], format_name)
        if name in builtins:
            if format_name is None or format_name == "text":
                return builtins[name]
            return _FORMATS[format_name]([builtins[name]])
        return match.group(0)

    return _REFERENCE.sub(replace, text)


# --- built-in variables ($__interval, $__range, ...) ----------------------------------------

# Grafana's rounding of a computed interval to a "nice" one: (below this, use that) in ms.
_NICE_INTERVALS = (
    (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000),
    (3500, 2000), (7500, 5000), (12500, 10_000), (17500, 15_000), (25_000, 20_000),
    (45_000, 30_000), (90_000, 60_000), (210_000, 120_000), (450_000, 300_000),
    (750_000, 600_000), (1_050_000, 900_000), (1_500_000, 1_200_000), (2_700_000, 1_800_000),
    (5_400_000, 3_600_000), (9_000_000, 7_200_000), (16_200_000, 10_800_000),
    (32_400_000, 21_600_000), (86_400_000, 43_200_000), (604_800_000, 86_400_000),
    (1_814_400_000, 604_800_000), (3_628_800_000, 2_592_000_000),
)  # fmt: skip
_YEAR_MS = 31_536_000_000


def round_interval(interval_ms: float) -> int:
    for below, nice in _NICE_INTERVALS:
        if interval_ms < below:
            return nice
    return _YEAR_MS


def format_duration(ms: int) -> str:
    """A PromQL duration for `ms`, exact: 90000 -> "1m30s"."""
    parts = []
    for unit, size in (("y", _YEAR_MS), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
                       ("s", 1000), ("ms", 1)):  # fmt: skip
        count, ms = divmod(ms, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def query_interval_ms(
    start_ms: int,
    end_ms: int,
    *,
    max_data_points: int = DEFAULT_MAX_DATA_POINTS,
    min_interval_ms: int = DEFAULT_SCRAPE_INTERVAL_MS,
) -> int:
    """The step Grafana's Prometheus data source uses for a range: the range over the wanted
    points rounded to a nice interval, at least the minimum interval, and never so small that a
    series would have more than 11,000 points."""
    span = max(end_ms - start_ms, 0)
    calculated = span / max(max_data_points, 1)
    interval = min_interval_ms if calculated < min_interval_ms else round_interval(calculated)
    return max(interval, round_interval(span / _SAFE_RESOLUTION))


def builtin_variables(
    start_ms: int,
    end_ms: int,
    interval_ms: int,
    scrape_interval_ms: int = DEFAULT_SCRAPE_INTERVAL_MS,
) -> dict[str, str]:
    """$__interval, $__rate_interval and $__range in their forms, as Grafana computes them."""
    range_ms = max(end_ms - start_ms, 0)
    rate_interval_ms = max(interval_ms + scrape_interval_ms, 4 * scrape_interval_ms)
    return {
        "__interval": format_duration(interval_ms),
        "__interval_ms": str(interval_ms),
        "__rate_interval": format_duration(rate_interval_ms),
        "__rate_interval_ms": str(rate_interval_ms),
        "__range": f"{range_ms // 1000}s",
        "__range_s": str(range_ms // 1000),
        "__range_ms": str(range_ms),
    }


# --- options of each kind --------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    storage: Storage
    engine: QueryEngine
    scope: Scope
    start_ms: int
    end_ms: int
    resolved: Mapping[str, ResolvedVariable]
    builtins: Mapping[str, str]

    def interpolate(self, text: str) -> str:
        return interpolate(text, self.resolved, self.builtins)


_LABEL_NAMES = re.compile(r"^label_names\(\s*(.*?)\s*\)\s*$", re.S)
_LABEL_VALUES = re.compile(r"^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$", re.S)
_METRICS = re.compile(r"^metrics\((.*)\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^query_result\((.+)\)\s*$", re.S)


def _selectors(text: str | None) -> list[list[Matcher]]:
    return [parse_selector(text.strip())] if text and text.strip() else []


def _query_texts(query: str, context: _Context) -> list[str]:
    """What Grafana's Prometheus data source answers a variable query with, one text each."""
    query = query.strip()
    span = (context.start_ms, context.end_ms, context.scope)
    if found := _LABEL_VALUES.match(query):
        return context.storage.label_values(found.group(2), _selectors(found.group(1)), *span)
    if found := _LABEL_NAMES.match(query):
        return context.storage.label_names(_selectors(found.group(1)), *span)
    if found := _METRICS.match(query):
        pattern = re.compile(found.group(1).strip() or ".*")
        names = context.storage.label_values(METRIC_NAME, [], *span)
        return [name for name in names if pattern.search(name)]
    if found := _QUERY_RESULT.match(query):
        result = context.engine.instant(found.group(1), context.end_ms, context.scope).value
        if not isinstance(result, Vector):
            return []
        return [
            _sample_text(sample.labels, sample.value, sample.timestamp_ms)
            for sample in result.samples
        ]
    series = context.storage.series(_selectors(query), *span)
    return [_series_text(labels) for labels in series]


def _series_text(labels: Iterable[tuple[str, str]]) -> str:
    pairs = dict(labels)
    name = pairs.pop(METRIC_NAME, "")
    return name + "{" + ",".join(f'{key}="{value}"' for key, value in pairs.items()) + "}"


def _sample_text(labels: Iterable[tuple[str, str]], value: float, timestamp_ms: int) -> str:
    return f"{_series_text(labels)} {format_value(value)} {timestamp_ms}"


def _compile_filter(regex: str) -> tuple[re.Pattern[str], bool]:
    """Grafana's variable regex: `/pattern/flags` (JavaScript) or a bare pattern; `g` means every
    match of an option's text becomes an option."""
    flags_text = ""
    if found := re.fullmatch(r"/(.*)/([gimsuy]*)", regex, re.S):
        regex, flags_text = found.group(1), found.group(2)
    flags = (re.I if "i" in flags_text else 0) | (re.M if "m" in flags_text else 0)
    flags |= re.S if "s" in flags_text else 0
    # JavaScript's named groups are (?<name>...); Python's are (?P<name>...).
    regex = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", regex)
    return re.compile(regex, flags), "g" in flags_text


def _filtered(texts: Iterable[str], regex: str) -> list[Option]:
    pattern, every_match = _compile_filter(regex)
    options: list[Option] = []
    for text in texts:
        matches = list(pattern.finditer(text)) if every_match else []
        if not every_match and (first := pattern.search(text)):
            matches = [first]
        if not matches:
            continue
        named = {k: v for m in matches for k, v in m.groupdict().items() if v}
        if "text" in named or "value" in named:
            value = named.get("value", named.get("text", ""))
            options.append(Option(named.get("text", value), value))
        elif len(matches) > 1 and matches[0].re.groups:
            options.extend(Option(m.group(1), m.group(1)) for m in matches)
        elif matches[0].re.groups:
            options.append(Option(matches[0].group(1), matches[0].group(1)))
        else:
            options.append(Option(text, text))
    return options


def _unique(options: Iterable[Option]) -> list[Option]:
    seen: set[str] = set()
    unique = []
    for option in options:
        if option.value not in seen:
            seen.add(option.value)
            unique.append(option)
    return unique


def _first_number(text: str) -> int:
    found = re.match(r".*?(\d+)", text, re.S)
    return int(found.group(1)) if found else -1


def _natural_key(text: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"(\d+)", text)
        if part
    ]


_SORT_KEYS: dict[int, Callable[[Option], Any]] = {
    1: lambda option: option.text,
    3: lambda option: _first_number(option.text),
    5: lambda option: option.text.lower(),
    7: lambda option: _natural_key(option.text),
}


def _sorted(options: list[Option], sort: int) -> list[Option]:
    """Grafana's sort codes: 0 none; odd ascending, even descending; 1-2 alphabetical, 3-4
    numerical (first number in the text), 5-6 case-insensitive, 7-8 natural."""
    if sort == 0:
        return options
    ordered = sorted(options, key=_SORT_KEYS[sort - 1 + sort % 2])
    return ordered if sort % 2 else ordered[::-1]


def _query_options(variable: QueryVariable, context: _Context) -> list[Option]:
    query = context.interpolate(variable.query)
    try:
        texts = _query_texts(query, context)
        regex = interpolate(variable.regex, context.resolved, context.builtins, "regex")
        options = _filtered(texts, regex) if regex else [Option(text, text) for text in texts]
    except (InvalidMatcherError, PromQLError, re.error) as exc:
        raise VariableError(variable.name, f"query {query!r}: {exc}") from exc
    return _sorted(_unique(options), variable.sort)


def _custom_options(variable: CustomVariable, context: _Context) -> list[Option]:
    options = []
    for part in re.findall(r"(?:\\,|[^,])+", context.interpolate(variable.query)):
        text = part.replace("\\,", ",")
        if pair := re.fullmatch(r"\s*(.+)\s:\s(.+)", text, re.S):
            options.append(Option(pair.group(1).strip(), pair.group(2).strip()))
        elif text.strip():
            options.append(Option(text.strip(), text.strip()))
    return _unique(options)


def _interval_options(variable: IntervalVariable, context: _Context) -> list[Option]:
    options = [Option(text, text) for text in _split_intervals(variable.query)]
    if variable.auto:
        span = context.end_ms - context.start_ms
        auto_ms = max(round_interval(span / variable.auto_count), _duration_ms(variable.auto_min))
        # Grafana's auto option carries the computed interval, so `$interval` is usable as is.
        options.insert(0, Option(AUTO_TEXT, format_duration(auto_ms)))
    return options


def _options(variable: Variable, context: _Context) -> list[Option]:
    if isinstance(variable, QueryVariable):
        return _query_options(variable, context)
    if isinstance(variable, CustomVariable):
        return _custom_options(variable, context)
    if isinstance(variable, IntervalVariable):
        return _interval_options(variable, context)
    assert isinstance(variable, ConstantVariable)
    return [Option(variable.query, variable.query)]


# --- selection -------------------------------------------------------------------------------


def _selection(wanted: Sequence[str], options: Sequence[Option], multi: bool) -> tuple[str, ...]:
    """The wanted values that exist (matched by value, then by text), else the first option, as
    Grafana keeps a selection valid when the options change."""
    by_value = {option.value: option.value for option in options}
    by_text = {option.text: option.value for option in options}
    found = [by_value.get(value, by_text.get(value)) for value in wanted]
    kept = tuple(dict.fromkeys(value for value in found if value is not None))
    if ALL in kept:
        return (ALL,)
    if kept:
        return kept if multi else kept[:1]
    return (options[0].value,) if options else ()


def _resolve_one(
    variable: Variable, wanted: Sequence[str] | None, context: _Context
) -> ResolvedVariable:
    if isinstance(variable, TextboxVariable):
        # A text box takes any text: what the user typed, else what was saved, else the default.
        text = (list(wanted or []) or variable.current or [variable.query])[0]
        return ResolvedVariable(variable.name, (Option(text, text),), (text,))
    options = _options(variable, context)
    if isinstance(variable, _MultiValueVariable):
        if variable.include_all:
            options.insert(0, Option(ALL_TEXT, ALL))
        current = _selection(wanted or variable.current, options, variable.multi)
        return ResolvedVariable(
            variable.name,
            tuple(options),
            current,
            variable.multi,
            variable.include_all,
            variable.all_value,
        )
    return ResolvedVariable(
        variable.name, tuple(options), _selection(wanted or variable.current, options, False)
    )


def resolve_variables(
    variables: Sequence[Variable],
    chosen: Mapping[str, str | Sequence[str]],
    *,
    storage: Storage,
    engine: QueryEngine,
    start_ms: int,
    end_ms: int,
    scope: Scope = UNRESTRICTED,
) -> dict[str, ResolvedVariable]:
    """Every variable's options and current value(s) for the range, in dashboard order.

    A variable's query may use the variables it depends on (resolved first) and $__range.
    `chosen` maps names to the user's values; ones that no longer exist fall back as in Grafana.
    Raises VariableError when a variable's query cannot be evaluated.
    """
    resolved: dict[str, ResolvedVariable] = {}
    builtins = builtin_variables(start_ms, end_ms, query_interval_ms(start_ms, end_ms))
    for index in dependency_order(variables):
        variable = variables[index]
        context = _Context(storage, engine, scope, start_ms, end_ms, resolved, builtins)
        wanted = chosen.get(variable.name)
        if isinstance(wanted, str):
            wanted = [wanted]
        resolved[variable.name] = _resolve_one(variable, wanted, context)
    return {variable.name: resolved[variable.name] for variable in variables}
