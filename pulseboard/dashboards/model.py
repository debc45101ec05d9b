"""Our dashboard document: pydantic models close to Grafana's JSON, and the checks that need the
whole dashboard (layout, unique panel ids and variable names, variables referencing themselves).

Our own documents are strict: an unknown field is an error naming its path. Grafana's documents
are made tolerant by pulseboard.dashboards.grafana before they reach these models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

from pulseboard.config import parse_duration
from pulseboard.dashboards.timerange import parse_time, zone_of
from pulseboard.dashboards.variables import Variable, VariableCycleError, dependency_order

SCHEMA_VERSION = 1
GRID_COLUMNS = 24

Loc = tuple[str | int, ...]
_RULE = "dashboard"  # the error type of the whole-document checks


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


def _invalid(title: str, problems: Sequence[tuple[Loc, str, Any]]) -> ValidationError:
    """Several errors at once, each at its own path (a validator's plain ValueError has one, at
    the validator's own level)."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(_RULE, "{message}", {"message": message}),
                loc=loc,
                input=value,
            )
            for loc, message, value in problems
        ],
    )


# --- panels ----------------------------------------------------------------------------------

PanelType = Literal[
    "stat",
    "gauge",
    "bargauge",
    "timeseries",
    "barchart",
    "piechart",
    "heatmap",
    "table",
    "text",
    "alertlist",
    "logs",
    "row",
    "placeholder",
]
PANEL_TYPES: frozenset[str] = frozenset(get_args(PanelType))


class GridPos(_Model):
    """A place on the 24-column grid; y and h count grid rows (30 px each in Grafana)."""

    x: int = Field(ge=0)
    y: int = Field(ge=0)
    w: int = Field(ge=1)
    h: int = Field(ge=1)

    @field_validator("w")
    @classmethod
    def _inside_grid(cls, w: int, info: Any) -> int:
        x = info.data.get("x")
        if x is not None and x + w > GRID_COLUMNS:
            raise ValueError(f"x + w must be at most {GRID_COLUMNS} (x={x}, w={w})")
        return w

    def overlaps(self, other: GridPos) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )


def _check_interval(text: str) -> str:
    """A minimum interval: empty, a duration, or a variable that will hold one."""
    if text and not text.startswith("$"):
        parse_duration(text)
    return text


class Target(_Model):
    ref_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    expr: str = ""
    legend_format: str = ""  # `{{label}}` placeholders
    instant: bool = False
    range: bool = True
    interval: str = ""  # the smallest step for this query
    format: Literal["time_series", "table", "heatmap"] = "time_series"
    hide: bool = False

    _interval = field_validator("interval")(_check_interval)


class ThresholdStep(_Model):
    color: str = Field(min_length=1)
    value: float | None = None  # None on the base step: from minus infinity


class Thresholds(_Model):
    mode: Literal["absolute", "percentage"] = "absolute"
    steps: list[ThresholdStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> Thresholds:
        problems: list[tuple[Loc, str, Any]] = []
        if self.steps[0].value is not None:
            problems.append((("steps", 0, "value"), "the base step's value must be null", None))
        previous = None
        for index, step in enumerate(self.steps[1:], start=1):
            if step.value is None:
                problems.append(
                    (("steps", index, "value"), "only the base step has no value", None)
                )
            elif previous is not None and step.value < previous:
                message = f"steps must ascend ({step.value} comes after {previous})"
                problems.append((("steps", index, "value"), message, step.value))
            previous = step.value if step.value is not None else previous
        if problems:
            raise _invalid("Thresholds", problems)
        return self


class MappingResult(_Model):
    text: str | None = None
    color: str | None = None
    index: int | None = None


class ValueMapping(_Model):
    type: Literal["value"] = "value"
    options: dict[str, MappingResult]


class RangeMappingOptions(_Model):
    from_: float | None = Field(default=None, alias="from")
    to: float | None = None
    result: MappingResult


class RangeMapping(_Model):
    type: Literal["range"] = "range"
    options: RangeMappingOptions


class RegexMappingOptions(_Model):
    pattern: str
    result: MappingResult

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return pattern


class RegexMapping(_Model):
    type: Literal["regex"] = "regex"
    options: RegexMappingOptions


class SpecialMappingOptions(_Model):
    match: Literal["null", "nan", "null+nan", "true", "false", "empty"]
    result: MappingResult


class SpecialMapping(_Model):
    type: Literal["special"] = "special"
    options: SpecialMappingOptions


Mapping = Annotated[
    ValueMapping | RangeMapping | RegexMapping | SpecialMapping, Field(discriminator="type")
]


class FieldColor(_Model):
    mode: str = Field(min_length=1)  # thresholds, fixed, palette-classic, continuous-GrYlRd, ...
    fixed_color: str | None = None
    series_by: Literal["last", "min", "max"] | None = None


class FieldDefaults(_Model):
    unit: str | None = None
    decimals: int | None = Field(default=None, ge=0, le=20)
    min: float | None = None
    max: float | None = None
    thresholds: Thresholds | None = None
    mappings: list[Mapping] = []
    no_value: str | None = None
    color: FieldColor | None = None
    display_name: str | None = None
    custom: dict[str, Any] = {}  # per panel type: line width, fill opacity, ...

    @model_validator(mode="after")
    def _min_below_max(self) -> FieldDefaults:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise _invalid(
                "FieldDefaults", [(("max",), f"max is below min ({self.min})", self.max)]
            )
        return self


class OverrideMatcher(_Model):
    id: str = Field(min_length=1)  # byName, byRegexp, byFrameRefID, byType, ...
    options: Any = None


class OverrideProperty(_Model):
    id: str = Field(min_length=1)  # unit, decimals, color, custom.fillOpacity, ...
    value: Any = None


class Override(_Model):
    matcher: OverrideMatcher
    properties: list[OverrideProperty] = []


class FieldConfig(_Model):
    defaults: FieldDefaults = FieldDefaults()
    overrides: list[Override] = []


class Panel(_Model):
    id: int = Field(ge=1)
    type: PanelType
    title: str = ""
    description: str = ""
    grid_pos: GridPos
    targets: list[Target] = []
    field_config: FieldConfig = FieldConfig()
    options: dict[str, Any] = {}  # per panel type; a placeholder keeps options.originalType
    interval: str = ""  # the smallest step for every target
    max_data_points: int | None = Field(default=None, ge=1)
    # Grafana's row model: a collapsed row holds its panels; an expanded row's panels follow it.
    collapsed: bool = False
    panels: list[Panel] = []

    _interval = field_validator("interval")(_check_interval)

    @model_validator(mode="after")
    def _consistent(self) -> Panel:
        problems: list[tuple[Loc, str, Any]] = []
        if self.type != "row":
            if self.collapsed:
                problems.append((("collapsed",), "only a row can be collapsed", True))
            if self.panels:
                problems.append((("panels",), "only a row holds panels", "[...]"))
        else:
            if self.targets:
                problems.append((("targets",), "a row has no queries", "[...]"))
            if self.panels and not self.collapsed:
                message = "an expanded row's panels follow it in the dashboard's panels list"
                problems.append((("panels",), message, "[...]"))
            for index, nested in enumerate(self.panels):
                if nested.type == "row":
                    problems.append((("panels", index, "type"), "a row cannot hold a row", "row"))
        seen: dict[str, int] = {}
        for index, target in enumerate(self.targets):
            if target.ref_id in seen:
                message = f"refId {target.ref_id!r} is also used by targets[{seen[target.ref_id]}]"
                problems.append((("targets", index, "refId"), message, target.ref_id))
            seen.setdefault(target.ref_id, index)
        if problems:
            raise _invalid("Panel", problems)
        return self


# --- time range --------------------------------------------------------------------------------


class TimeRange(_Model):
    from_: str = Field(default="now-6h", alias="from")
    to: str = "now"

    @field_validator("from_", "to")
    @classmethod
    def _syntax(cls, text: str) -> str:
        parse_time(text, 0)
        return text

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        start, end = self.resolve(round(datetime.now(UTC).timestamp() * 1000))
        if start >= end:
            raise _invalid("TimeRange", [(("from",), f"must be before to ({self.to})", self.from_)])
        return self

    def resolve(self, now_ms: int, timezone: str = "utc") -> tuple[int, int]:
        """(start_ms, end_ms) of the range at `now_ms`, rounding (`now/d`) in `timezone`."""
        return (
            parse_time(self.from_, now_ms, timezone=timezone),
            parse_time(self.to, now_ms, round_up=True, timezone=timezone),
        )


# --- the dashboard ------------------------------------------------------------------------------


class Dashboard(_Model):
    uid: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    title: str = Field(min_length=1, pattern=r"\S")
    description: str = ""
    tags: list[str] = []
    folder: str = ""
    time: TimeRange = TimeRange()
    refresh: str = ""  # how often the UI reloads: "10s", "1m"; empty: never
    timezone: str = "browser"  # "browser", "utc" or an IANA name
    variables: list[Variable] = []
    panels: list[Panel] = []
    version: int = Field(0, ge=0)  # set by the store on every save
    schema_version: int = SCHEMA_VERSION

    @field_validator("refresh")
    @classmethod
    def _refresh(cls, refresh: str) -> str:
        if refresh and parse_duration(refresh) < timedelta(seconds=1):
            raise ValueError("refresh must be at least 1s")
        return refresh

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, name: str) -> str:
        if name:
            zone_of(name)
            return name
        raise ValueError('use "browser", "utc" or an IANA time zone name')

    @field_validator("schema_version")
    @classmethod
    def _schema_version(cls, version: int) -> int:
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"schemaVersion {version} is not supported (this server reads {SCHEMA_VERSION})"
            )
        return version

    @model_validator(mode="after")
    def _whole_dashboard(self) -> Dashboard:
        problems = [*self._id_problems(), *self._overlap_problems(), *self._variable_problems()]
        if problems:
            raise _invalid("Dashboard", problems)
        return self

    def walk_panels(self) -> Iterator[Panel]:
        """Every panel, those in collapsed rows included, each row followed by its panels."""
        for _, panel in self._located_panels():
            yield panel

    def _located_panels(self) -> Iterator[tuple[Loc, Panel]]:
        for index, panel in enumerate(self.panels):
            yield ("panels", index), panel
            for nested_index, nested in enumerate(panel.panels):
                yield ("panels", index, "panels", nested_index), nested

    def _id_problems(self) -> Iterator[tuple[Loc, str, Any]]:
        first_at: dict[int, Loc] = {}
        for loc, panel in self._located_panels():
            if panel.id in first_at:
                message = f"panel id {panel.id} is also used by {path_text(first_at[panel.id])}"
                yield (*loc, "id"), message, panel.id
            first_at.setdefault(panel.id, loc)

    def _overlap_problems(self) -> Iterator[tuple[Loc, str, Any]]:
        # Only what is on screen: a collapsed row's panels are laid out when it is expanded.
        for later, panel in enumerate(self.panels):
            for earlier in range(later):
                other = self.panels[earlier]
                if panel.grid_pos.overlaps(other.grid_pos):
                    message = (
                        f"panels[{later}] ({panel.title!r}, id {panel.id}) overlaps "
                        f"panels[{earlier}] ({other.title!r}, id {other.id})"
                    )
                    yield ("panels", later, "gridPos"), message, panel.grid_pos.model_dump()

    def _variable_problems(self) -> Iterator[tuple[Loc, str, Any]]:
        first_at: dict[str, int] = {}
        duplicated = False
        for index, variable in enumerate(self.variables):
            if variable.name in first_at:
                duplicated = True
                earlier = first_at[variable.name]
                message = f"variable name {variable.name!r} is also used by variables[{earlier}]"
                yield ("variables", index, "name"), message, variable.name
            first_at.setdefault(variable.name, index)
        if duplicated:
            return
        try:
            dependency_order(self.variables)
        except VariableCycleError as exc:
            index = first_at[exc.cycle[0]]
            yield ("variables", index, "query"), str(exc), exc.cycle[0]

    def to_document(self) -> dict[str, Any]:
        """Our JSON form (camelCase keys; absent optional values left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# --- errors for the API ---------------------------------------------------------------------------

# Discriminated unions put the chosen kind into an error's location (variables.0.query.name for a
# query variable); users never wrote that step, so paths leave it out. Errors of the whole-document
# checks (_RULE) are placed by us, without it.
_UNION_LISTS = frozenset({"variables", "mappings"})


def path_text(loc: Sequence[str | int]) -> str:
    """("panels", 3, "gridPos", "w") -> "panels[3].gridPos.w"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _user_loc(loc: Sequence[str | int]) -> list[str | int]:
    kept: list[str | int] = []
    for index, part in enumerate(loc):
        is_tag = index >= 2 and isinstance(loc[index - 1], int) and loc[index - 2] in _UNION_LISTS
        if not is_tag:
            kept.append(part)
    return kept


_MESSAGES = {"extra_forbidden": "unknown field", "missing": "required field is missing"}


def validation_problems(error: ValidationError) -> list[dict[str, str]]:
    """Each problem as {"path": "panels[3].gridPos.w", "message": ...} for an API answer."""
    return [
        {
            "path": path_text(
                problem["loc"] if problem["type"] == _RULE else _user_loc(problem["loc"])
            ),
            "message": _MESSAGES.get(problem["type"], problem["msg"].removeprefix("Value error, ")),
        }
        for problem in error.errors(include_url=False)
    ]
