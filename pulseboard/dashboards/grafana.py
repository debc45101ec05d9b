"""Grafana dashboard JSON in and out.

Import takes what Grafana writes (schemaVersion 16 and later, with or without the
`{"dashboard": ...}` wrapper of Grafana's API) without hand edits: fields we have no use for
(datasource references, links, annotations, pluginVersion, ...) are left behind, old panel types
become their current ones, anything we cannot draw becomes a placeholder that says what it was,
and missing or clashing ids and positions are filled in. Export writes a dashboard Grafana imports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from pulseboard.config import parse_duration
from pulseboard.dashboards.model import (
    GRID_COLUMNS,
    PANEL_TYPES,
    Dashboard,
    GridPos,
    validation_problems,
)
from pulseboard.dashboards.timerange import is_time_expression, zone_of
from pulseboard.dashboards.variables import ALL, ALL_TEXT, AUTO_TEXT

OLDEST_SCHEMA_VERSION = 16  # the first with panels on a grid (Grafana 5)
EXPORT_SCHEMA_VERSION = 39

# Panel types Grafana has renamed or replaced, and plugins that draw what one of ours does.
_RENAMED_TYPES = {
    "graph": "timeseries",
    "singlestat": "stat",
    "grafana-singlestat-panel": "stat",
    "table-old": "table",
    "grafana-piechart-panel": "piechart",
}
_DEFAULT_SIZE = {"w": 12, "h": 8}
_REF_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_AUTO_INTERVAL = "$__auto_interval_"
_VARIABLE_KINDS = ("query", "custom", "interval", "constant", "textbox")


class GrafanaImportError(ValueError):
    """The document is not a Grafana dashboard we can import; `problems` lists field errors
    ({"path", "message"}) when it is one but its content is invalid."""

    def __init__(self, message: str, problems: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


# --- recognising the document ------------------------------------------------------------------


def _not_a_dashboard(doc: Any) -> str | None:
    """What the document looks like when it is not a Grafana dashboard, else None."""
    if isinstance(doc, list):
        if any(isinstance(item, dict) and "_source" in item for item in doc):
            return "a Kibana saved-objects export"
        return "a JSON array, not a Grafana dashboard object"
    if not isinstance(doc, dict):
        return f"a JSON {type(doc).__name__}, not a Grafana dashboard object"
    if "datasources" in doc or "deleteDatasources" in doc:
        return "a Grafana data source provisioning file, not a dashboard"
    if "providers" in doc:
        return "a Grafana dashboard provider (provisioning) file, not a dashboard"
    if isinstance(doc.get("groups"), list):
        return "an alert/recording rule file (Prometheus or Grafana), not a dashboard"
    if ("attributes" in doc and "references" in doc) or "objects" in doc:
        return "a Kibana saved-objects export"
    if doc.get("kind") == "Dashboard" and isinstance(doc.get("spec"), dict):
        return "a Grafana v2 dashboard resource (export it in the classic JSON model instead)"
    if "rows" in doc and "panels" not in doc:
        return (
            "a Grafana dashboard from before schemaVersion 16 (rows layout); open and save it "
            "in Grafana 5 or later first"
        )
    if "panels" not in doc and "title" not in doc:
        keys = ", ".join(sorted(str(key) for key in doc)[:8]) or "none"
        return f"not a Grafana dashboard: it has neither panels nor a title (keys: {keys})"
    return None


def _unwrap(doc: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dashboard and the API wrapper's meta (folderTitle) when there is one."""
    if isinstance(doc, dict) and isinstance(doc.get("dashboard"), dict) and "panels" not in doc:
        meta = doc.get("meta")
        return doc["dashboard"], meta if isinstance(meta, dict) else {}
    if isinstance(doc, dict) and doc.get("kind") == "Dashboard":
        spec = doc.get("spec")
        # Grafana 12's v1 resources carry the classic model as their spec.
        if isinstance(spec, dict) and "panels" in spec:
            return spec, {}
    problem = _not_a_dashboard(doc)
    if problem is not None:
        raise GrafanaImportError(f"cannot import: this looks like {problem}")
    assert isinstance(doc, dict)
    return doc, {}


# --- small converters for loosely typed values -------------------------------------------------


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")


# --- field config ------------------------------------------------------------------------------


def _thresholds(raw: Any) -> dict[str, Any] | None:
    raw = _dict(raw)
    steps = [
        (_text(step.get("color"), "green"), _number(step.get("value")))
        for step in _dicts(raw.get("steps"))
    ]
    if not steps:
        return None
    # The first step is the base (from minus infinity) whatever value it was written with.
    rest = sorted((value, color) for color, value in steps[1:] if value is not None)
    mode = _text(raw.get("mode")).lower()
    return {
        "mode": mode if mode in ("absolute", "percentage") else "absolute",
        "steps": [
            {"color": steps[0][0], "value": None},
            *({"color": color, "value": value} for value, color in rest),
        ],
    }


def _mapping_result(raw: Any) -> dict[str, Any]:
    raw = _dict(raw)
    return {
        "text": raw.get("text") if isinstance(raw.get("text"), str) else None,
        "color": raw.get("color") if isinstance(raw.get("color"), str) else None,
        "index": _integer(raw.get("index")),
    }


_SPECIAL_MATCHES = ("null", "nan", "null+nan", "true", "false", "empty")


def _mapping(raw: dict[str, Any]) -> dict[str, Any] | None:
    kind, options = raw.get("type"), _dict(raw.get("options"))
    if kind == "value":
        values = {str(k): _mapping_result(v) for k, v in options.items() if isinstance(v, dict)}
        return {"type": "value", "options": values}
    if kind == "range":
        bounds = {"from": _number(options.get("from")), "to": _number(options.get("to"))}
        return {
            "type": "range",
            "options": {**bounds, "result": _mapping_result(options.get("result"))},
        }
    if kind == "regex" and isinstance(options.get("pattern"), str):
        result = _mapping_result(options.get("result"))
        return {"type": "regex", "options": {"pattern": options["pattern"], "result": result}}
    if kind == "special" and options.get("match") in _SPECIAL_MATCHES:
        result = _mapping_result(options.get("result"))
        return {"type": "special", "options": {"match": options["match"], "result": result}}
    # Before schemaVersion 28: {"type": 1, "value": "1", "text": "Up"}, type 2 for ranges.
    if kind in (1, 2) or "valueMaps" in raw:
        return _legacy_mapping(raw)
    return None


def _legacy_mapping(raw: dict[str, Any]) -> dict[str, Any] | None:
    result = {"text": _text(raw.get("text")), "color": None, "index": None}
    if raw.get("type") == 2 or ("from" in raw and "to" in raw):
        bounds = {"from": _number(raw.get("from")), "to": _number(raw.get("to"))}
        return {"type": "range", "options": {**bounds, "result": result}}
    value = raw.get("value")
    if value == "null":
        return {"type": "special", "options": {"match": "null", "result": result}}
    if isinstance(value, str | int | float):
        return {"type": "value", "options": {str(value): result}}
    return None


def _mappings(raw: Any) -> list[dict[str, Any]]:
    return [mapping for item in _dicts(raw) if (mapping := _mapping(item)) is not None]


def _color(raw: Any) -> dict[str, Any] | None:
    raw = _dict(raw)
    if not isinstance(raw.get("mode"), str) or not raw["mode"]:
        return None
    series_by = raw.get("seriesBy")
    return {
        "mode": raw["mode"],
        "fixedColor": _text(raw.get("fixedColor")) or None,
        "seriesBy": series_by if series_by in ("last", "min", "max") else None,
    }


def _defaults(raw: Any) -> dict[str, Any]:
    raw = _dict(raw)
    decimals = _integer(raw.get("decimals"))
    return {
        "unit": _text(raw.get("unit")) or None,
        "decimals": decimals if decimals is not None and 0 <= decimals <= 20 else None,
        "min": _number(raw.get("min")),
        "max": _number(raw.get("max")),
        "thresholds": _thresholds(raw.get("thresholds")),
        "mappings": _mappings(raw.get("mappings")),
        "noValue": _text(raw.get("noValue")) or None,
        "color": _color(raw.get("color")),
        "displayName": _text(raw.get("displayName")) or None,
        "custom": _dict(raw.get("custom")),
    }


def _overrides(raw: Any) -> list[dict[str, Any]]:
    overrides = []
    for item in _dicts(raw):
        matcher = _dict(item.get("matcher"))
        if not isinstance(matcher.get("id"), str) or not matcher["id"]:
            continue
        properties = [
            {"id": prop["id"], "value": prop.get("value")}
            for prop in _dicts(item.get("properties"))
            if isinstance(prop.get("id"), str) and prop["id"]
        ]
        overrides.append(
            {
                "matcher": {"id": matcher["id"], "options": matcher.get("options")},
                "properties": properties,
            }
        )
    return overrides


# --- panels ------------------------------------------------------------------------------------

_REDUCERS = {
    "avg": "mean",
    "current": "lastNotNull",
    "max": "max",
    "min": "min",
    "total": "sum",
    "first": "firstNotNull",
    "delta": "delta",
    "diff": "diff",
    "range": "range",
}


def _singlestat(raw: dict[str, Any], panel: dict[str, Any]) -> None:
    """Grafana's own migration of the old single stat: units, thresholds, maps, reducer."""
    defaults = panel["fieldConfig"]["defaults"]
    defaults["unit"] = _text(raw.get("format")) or defaults["unit"]
    decimals = _integer(raw.get("decimals"))
    defaults["decimals"] = decimals if decimals is not None and 0 <= decimals <= 20 else None
    colors = [c for c in raw.get("colors") or [] if isinstance(c, str)]
    levels = [_number(v) for v in _text(raw.get("thresholds")).split(",") if v.strip()]
    if colors and all(level is not None for level in levels):
        steps: list[dict[str, Any]] = [{"color": colors[0], "value": None}]
        steps += [{"color": c, "value": v} for c, v in zip(colors[1:], levels, strict=False)]
        defaults["thresholds"] = _thresholds({"mode": "absolute", "steps": steps})
    legacy = _dicts(raw.get("valueMaps")) + _dicts(raw.get("rangeMaps"))
    defaults["mappings"] += [m for item in legacy if (m := _legacy_mapping(item)) is not None]
    defaults["noValue"] = _text(raw.get("nullText")) or defaults["noValue"]
    calc = _REDUCERS.get(_text(raw.get("valueName"), "avg"), "mean")
    gauge = _dict(raw.get("gauge"))
    if gauge.get("show") is True:
        panel["type"] = "gauge"
        defaults["min"] = _number(gauge.get("minValue"))
        defaults["max"] = _number(gauge.get("maxValue"))
    sparkline = _dict(raw.get("sparkline")).get("show") is True
    panel["options"] = {
        "reduceOptions": {"calcs": [calc], "fields": "", "values": False},
        "graphMode": "area" if sparkline else "none",
        "colorMode": "background" if raw.get("colorBackground") else "value",
    }


def _graph(raw: dict[str, Any], panel: dict[str, Any]) -> None:
    """The old graph panel: its left axis carries unit, decimals, min and max."""
    defaults = panel["fieldConfig"]["defaults"]
    axes = _dicts(raw.get("yaxes"))
    if axes:
        axis = axes[0]
        defaults["unit"] = _text(axis.get("format")) or defaults["unit"]
        decimals = _integer(axis.get("decimals"))
        defaults["decimals"] = decimals if decimals is not None and 0 <= decimals <= 20 else None
        defaults["min"], defaults["max"] = _number(axis.get("min")), _number(axis.get("max"))
    fill = _number(raw.get("fill"))
    defaults["custom"] = {
        "drawStyle": "bars" if raw.get("bars") is True else "line",
        "fillOpacity": int(fill * 10) if fill is not None else 0,
        "lineWidth": _integer(raw.get("linewidth")) or 1,
        "stacking": {"mode": "normal" if raw.get("stack") is True else "none"},
    }
    legend = _dict(raw.get("legend"))
    panel["options"] = {"legend": {"showLegend": legend.get("show", True) is not False}}


_LEGACY_CONVERSIONS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "singlestat": _singlestat,
    "grafana-singlestat-panel": _singlestat,
    "graph": _graph,
}


def _is_prometheus(datasource: Any) -> bool:
    """True unless the reference names a data source of another kind (Loki, Elasticsearch,
    Grafana's built-in ones): references by name or variable are taken to be Prometheus."""
    kind = _dict(datasource).get("type")
    return not isinstance(kind, str) or kind in ("prometheus", "") or kind.startswith("$")


def _ref_ids() -> Iterator[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    yield from letters
    for first in letters:
        for second in letters:
            yield first + second


def _targets(raw_panel: dict[str, Any]) -> list[dict[str, Any]]:
    panel_is_prometheus = _is_prometheus(raw_panel.get("datasource"))
    kept = [
        target
        for target in _dicts(raw_panel.get("targets"))
        if (_is_prometheus(target["datasource"]) if "datasource" in target else panel_is_prometheus)
    ]
    used = {
        t["refId"] for t in kept if isinstance(t.get("refId"), str) and _REF_ID.match(t["refId"])
    }
    spare = (ref for ref in _ref_ids() if ref not in used)
    seen: set[str] = set()
    targets = []
    for target in kept:
        ref_id = target.get("refId")
        if not isinstance(ref_id, str) or not _REF_ID.match(ref_id) or ref_id in seen:
            ref_id = next(spare)
        seen.add(ref_id)
        instant = target.get("instant") is True
        legend = _text(target.get("legendFormat"))
        interval = _text(target.get("interval"))
        format_ = target.get("format")
        targets.append(
            {
                "refId": ref_id,
                "expr": _text(target.get("expr")),
                # "__auto" is Grafana 9's explicit "name series by their labels", our default.
                "legendFormat": "" if legend == "__auto" else legend,
                "instant": instant,
                "range": target["range"] is True if "range" in target else not instant,
                "interval": interval if _valid_interval(interval) else "",
                "format": format_
                if format_ in ("time_series", "table", "heatmap")
                else "time_series",
                "hide": target.get("hide") is True,
            }
        )
    return targets


def _duration(text: str) -> timedelta | None:
    try:
        return parse_duration(text)
    except ValueError:
        return None


def _valid_interval(text: str) -> bool:
    """Empty, a duration, or a variable that will hold one (as our model takes it)."""
    return not text or text.startswith("$") or _duration(text) is not None


def _grid_pos(raw: Any) -> dict[str, int] | None:
    """The panel's place, brought inside the grid; None when it has none."""
    raw = _dict(raw)
    x, y, w, h = (_integer(raw.get(key)) for key in ("x", "y", "w", "h"))
    if w is None or h is None:
        return None
    w = min(max(w, 1), GRID_COLUMNS)
    return {"x": min(max(x or 0, 0), GRID_COLUMNS - w), "y": max(y or 0, 0), "w": w, "h": max(h, 1)}


def _panel(raw: dict[str, Any]) -> dict[str, Any]:
    """One panel in our shape, id and gridPos still possibly missing (None)."""
    original_type = _text(raw.get("type"))
    kind = _RENAMED_TYPES.get(original_type, original_type)
    panel: dict[str, Any] = {
        "id": _integer(raw.get("id")),
        "type": kind,
        "title": _text(raw.get("title")),
        "description": _text(raw.get("description")),
        "gridPos": _grid_pos(raw.get("gridPos")),
        "targets": [] if kind == "row" else _targets(raw),
        "fieldConfig": {
            "defaults": _defaults(_dict(raw.get("fieldConfig")).get("defaults")),
            "overrides": _overrides(_dict(raw.get("fieldConfig")).get("overrides")),
        },
        "options": _dict(raw.get("options")),
        "interval": interval if _valid_interval(interval := _text(raw.get("interval"))) else "",
        "maxDataPoints": m if (m := _integer(raw.get("maxDataPoints"))) and m > 0 else None,
    }
    if original_type in _LEGACY_CONVERSIONS:
        _LEGACY_CONVERSIONS[original_type](raw, panel)
    if kind not in PANEL_TYPES or kind == "placeholder":
        # A library panel reference carries no panel model of its own.
        what = original_type or ("library panel" if "libraryPanel" in raw else "no type")
        panel["type"] = "placeholder"
        panel["options"] = {"originalType": what, "originalOptions": _dict(raw.get("options"))}
    return panel


def _flatten_rows(raw_panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our panels from Grafana's list: collapsed rows keep theirs; an expanded row whose panels
    were nested anyway (some generators do that) has them moved after it."""
    panels: list[dict[str, Any]] = []
    for raw in raw_panels:
        panel = _panel(raw)
        nested = [_panel(item) for item in _dicts(raw.get("panels"))]
        nested = [item for item in nested if item["type"] != "row"]
        if panel["type"] == "row":
            collapsed = raw.get("collapsed") is True
            panel["collapsed"] = collapsed
            panel["panels"] = nested if collapsed else []
            panels.append(panel)
            if not collapsed:
                panels.extend(nested)
        else:
            panels.append(panel)
    return panels


def _all_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from panel.get("panels", [])


def _assign_ids(panels: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    missing = []
    for panel in _all_panels(panels):
        if panel["id"] is None or panel["id"] < 1 or panel["id"] in seen:
            missing.append(panel)
        else:
            seen.add(panel["id"])
    next_id = max(seen, default=0) + 1
    for panel in missing:
        panel["id"] = next_id
        next_id += 1


def _lay_out(panels: list[dict[str, Any]]) -> None:
    """Give panels without a place one below the rest, and push down any panel that overlaps one
    placed before it (top to bottom, left to right), as Grafana's grid does when it loads."""
    bottom = max((p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels if p["gridPos"]), default=0)
    for panel in panels:
        if panel["gridPos"] is None:
            size = {"w": GRID_COLUMNS, "h": 1} if panel["type"] == "row" else _DEFAULT_SIZE
            panel["gridPos"] = {"x": 0, "y": bottom, **size}
            bottom += size["h"]
    placed: list[GridPos] = []
    for panel in sorted(panels, key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"])):
        place = GridPos(**panel["gridPos"])
        while clashes := [other for other in placed if other.overlaps(place)]:
            place = place.model_copy(update={"y": max(o.y + o.h for o in clashes)})
        placed.append(place)
        panel["gridPos"] = place.model_dump()


def _panels(raw_panels: Any) -> list[dict[str, Any]]:
    panels = _flatten_rows(_dicts(raw_panels))
    _assign_ids(panels)
    _lay_out(panels)
    for row in panels:
        _lay_out(row.get("panels", []))
    return panels


# --- variables ---------------------------------------------------------------------------------


def _current(raw: dict[str, Any]) -> list[str]:
    value = _dict(raw.get("current")).get("value")
    values = value if isinstance(value, list) else [value]
    texts = [str(v) for v in values if isinstance(v, str | int | float) and not isinstance(v, bool)]
    return [AUTO_TEXT if text.startswith(_AUTO_INTERVAL) else text for text in texts]


def _variable(raw: dict[str, Any]) -> dict[str, Any] | None:
    """Our variable for a templating entry; None for kinds we do not have (data source, ad hoc
    filters): our panels have one data source, so nothing refers to them."""
    kind, name = raw.get("type"), raw.get("name")
    if kind not in _VARIABLE_KINDS or not isinstance(name, str) or not _VARIABLE_NAME.match(name):
        return None
    hide = _integer(raw.get("hide"))
    variable: dict[str, Any] = {
        "type": kind,
        "name": name,
        "label": _text(raw.get("label")),
        "description": _text(raw.get("description")),
        "hide": hide if hide in (0, 1, 2) else 0,
        "current": _current(raw),
    }
    query = raw.get("query")
    # Grafana 10 writes a query variable's query as {"query": "...", "refId": ..., "qryType": 1}.
    query = _text(_dict(query).get("query")) if isinstance(query, dict) else _text(query)
    if kind == "query":
        sort = _integer(raw.get("sort"))
        variable.update(
            query=query or _text(raw.get("definition")),
            regex=_text(raw.get("regex")),
            sort=sort if sort is not None and 0 <= sort <= 8 else 0,
            refresh=2 if raw.get("refresh") == 2 else 1,
        )
    elif kind == "interval":
        count = _integer(raw.get("auto_count"))
        auto_min = _text(raw.get("auto_min"), "10s")
        variable.update(
            query=query,
            auto=raw.get("auto") is True,
            autoCount=count if count and count > 0 else 30,
            autoMin=auto_min if _valid_interval(auto_min) and auto_min else "10s",
        )
    else:
        variable["query"] = query
    if kind in ("query", "custom"):
        all_value = raw.get("allValue")
        variable.update(
            multi=raw.get("multi") is True,
            includeAll=raw.get("includeAll") is True,
            allValue=all_value if isinstance(all_value, str) and all_value else None,
        )
    return variable


def _variables(templating: Any) -> list[dict[str, Any]]:
    variables: dict[str, dict[str, Any]] = {}
    for raw in _dicts(_dict(templating).get("list")):
        variable = _variable(raw)
        if variable is not None and variable["name"] not in variables:
            variables[variable["name"]] = variable
    return [v for v in variables.values() if v["type"] != "query" or v["query"]]


# --- the dashboard -----------------------------------------------------------------------------


def _uid(raw: dict[str, Any]) -> str:
    uid = _text(raw.get("uid"))
    if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", uid):
        return uid
    return _slug(uid) or _slug(_text(raw.get("title"))) or "imported"


def _time_range(raw: Any) -> dict[str, str]:
    raw = _dict(raw)
    start, end = _text(raw.get("from")), _text(raw.get("to"))
    if is_time_expression(start) and is_time_expression(end):
        return {"from": start, "to": end}
    return {"from": "now-6h", "to": "now"}


def _timezone(raw: Any) -> str:
    name = _text(raw)
    if name in ("", "browser"):
        return "browser"
    try:
        zone_of(name)
    except ValueError:
        return "browser"
    return name


def _refresh(raw: Any) -> str:
    """Grafana writes false or "" for no refresh; less than a second is no refresh here either."""
    text = _text(raw)
    every = _duration(text) if text else None
    return text if every is not None and every >= timedelta(seconds=1) else ""


def from_grafana(doc: Any) -> Dashboard:
    """Our dashboard for a Grafana dashboard JSON (or Grafana API's `{"dashboard": ...}`).

    Raises GrafanaImportError when the document is not one, is older than schemaVersion 16,
    or holds something our model refuses (e.g. variables that reference each other in a cycle).
    """
    raw, meta = _unwrap(doc)
    schema_version = _integer(raw.get("schemaVersion"))
    if schema_version is not None and schema_version < OLDEST_SCHEMA_VERSION:
        raise GrafanaImportError(
            f"cannot import: schemaVersion {schema_version} is older than "
            f"{OLDEST_SCHEMA_VERSION}; open and save the dashboard in Grafana 5 or later first"
        )
    title = _text(raw.get("title")).strip() or "Imported dashboard"
    version = _integer(raw.get("version"))
    document = {
        "uid": _uid(raw),
        "title": title,
        "description": _text(raw.get("description")),
        "tags": [tag for tag in raw.get("tags") or [] if isinstance(tag, str)],
        "folder": _text(meta.get("folderTitle")),
        "time": _time_range(raw.get("time")),
        "refresh": _refresh(raw.get("refresh")),
        "timezone": _timezone(raw.get("timezone")),
        "variables": _variables(raw.get("templating")),
        "panels": _panels(raw.get("panels")),
        "version": version if version is not None and version >= 0 else 0,
    }
    try:
        return Dashboard.model_validate(document)
    except ValidationError as exc:
        problems = validation_problems(exc)
        summary = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:5])
        raise GrafanaImportError(f"cannot import: {summary}", problems) from None


# --- export --------------------------------------------------------------------------------------


def _export_current(variable: dict[str, Any], multi: bool) -> dict[str, Any]:
    values: list[str] = variable.pop("current")
    if not values:
        return {}
    if variable["type"] == "interval" and values == [AUTO_TEXT]:
        return {"text": AUTO_TEXT, "value": _AUTO_INTERVAL + variable["name"]}
    texts = [ALL_TEXT if value == ALL else value for value in values]
    if multi:
        return {"text": texts, "value": values}
    return {"text": texts[0], "value": values[0]}


def _export_variable(variable: dict[str, Any]) -> dict[str, Any]:
    multi = variable.get("multi") is True
    exported = {**variable, "current": _export_current(variable, multi), "options": []}
    if variable["type"] == "query":
        exported["definition"] = variable["query"]
    if variable["type"] == "interval":
        exported["auto_count"] = exported.pop("autoCount")
        exported["auto_min"] = exported.pop("autoMin")
    return exported


def _export_panel(panel: dict[str, Any]) -> dict[str, Any]:
    exported = dict(panel)
    if panel["type"] == "placeholder":
        options = panel.get("options", {})
        exported["type"] = options.get("originalType", "text")
        exported["options"] = options.get("originalOptions", {})
    if panel["type"] != "row":
        exported.pop("collapsed", None)
        exported.pop("panels", None)
    else:
        exported["panels"] = [_export_panel(nested) for nested in panel.get("panels", [])]
    for step in (
        exported.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {}).get("steps", [])
    ):
        step.setdefault("value", None)  # Grafana's base step is written with an explicit null
    return exported


def to_grafana(dashboard: Dashboard) -> dict[str, Any]:
    """A Grafana dashboard JSON (schemaVersion 39) of `dashboard`; Grafana imports it as it is.

    The folder is not part of Grafana's dashboard JSON (its API takes it beside the dashboard).
    """
    document = dashboard.to_document()
    return {
        "uid": document["uid"],
        "title": document["title"],
        "description": document["description"],
        "tags": document["tags"],
        "timezone": document["timezone"],
        "refresh": document["refresh"],
        "time": document["time"],
        "templating": {"list": [_export_variable(v) for v in document["variables"]]},
        "panels": [_export_panel(panel) for panel in document["panels"]],
        "annotations": {"list": []},
        "links": [],
        "editable": True,
        "graphTooltip": 0,
        "schemaVersion": EXPORT_SCHEMA_VERSION,
        "version": document["version"],
    }
