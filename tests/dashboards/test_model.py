"""Our dashboard document: what it accepts, and errors that name the offending field's path."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from pulseboard.dashboards.model import SCHEMA_VERSION, Dashboard, validation_problems

HOUR = 3_600_000


def _panel(panel_id: int, x: int, y: int, w: int = 6, h: int = 4, **extra: Any) -> dict[str, Any]:
    return {
        "id": panel_id,
        "type": "stat",
        "title": f"panel {panel_id}",
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": [{"refId": "A", "expr": "up"}],
        **extra,
    }


def _dashboard(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uid": "ops-home",
        "title": "Operations",
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "10s",
        "panels": [
            _panel(1, 0, 0),
            _panel(2, 6, 0),
            {
                "id": 3,
                "type": "row",
                "title": "Details",
                "gridPos": {"x": 0, "y": 4, "w": 24, "h": 1},
                "collapsed": True,
                # Nested panels are laid out for when the row opens: they may sit where visible
                # panels are now.
                "panels": [_panel(4, 0, 0, 24, 8), _panel(5, 0, 0, 24, 8)],
            },
        ],
        "variables": [
            {"type": "query", "name": "job", "query": "label_values(up, job)"},
            {
                "type": "query",
                "name": "instance",
                "query": 'label_values(up{job="$job"}, instance)',
            },
        ],
    }
    doc.update(overrides)
    return doc


def _problems(doc: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as caught:
        Dashboard.model_validate(doc)
    return validation_problems(caught.value)


def _paths(doc: dict[str, Any]) -> list[str]:
    return [problem["path"] for problem in _problems(doc)]


def test_a_valid_dashboard_reads_and_walks_nested_panels() -> None:
    dashboard = Dashboard.model_validate(_dashboard())
    assert [panel.id for panel in dashboard.walk_panels()] == [1, 2, 3, 4, 5]
    assert dashboard.schema_version == SCHEMA_VERSION
    assert dashboard.panels[0].grid_pos.w == 6
    assert dashboard.variables[1].name == "instance"


def test_our_document_round_trips() -> None:
    dashboard = Dashboard.model_validate(_dashboard())
    document = dashboard.to_document()
    assert document["panels"][0]["gridPos"] == {"x": 0, "y": 0, "w": 6, "h": 4}
    assert document["time"] == {"from": "now-6h", "to": "now"}
    assert Dashboard.model_validate(document) == dashboard


def test_unknown_fields_are_errors_at_their_path() -> None:
    doc = _dashboard()
    doc["panels"][1]["fieldConfig"] = {"defaults": {"unitt": "s"}}
    doc["colour"] = "red"
    problems = _problems(doc)
    assert {"path": "panels[1].fieldConfig.defaults.unitt", "message": "unknown field"} in problems
    assert {"path": "colour", "message": "unknown field"} in problems


@pytest.mark.parametrize(
    ("grid_pos", "path"),
    [
        ({"x": 20, "y": 0, "w": 6, "h": 4}, "panels[1].gridPos.w"),
        ({"x": -1, "y": 10, "w": 6, "h": 4}, "panels[1].gridPos.x"),
        ({"x": 0, "y": 10, "w": 0, "h": 4}, "panels[1].gridPos.w"),
        ({"x": 0, "y": 10, "w": 6, "h": 0}, "panels[1].gridPos.h"),
        ({"x": 0, "y": -3, "w": 6, "h": 4}, "panels[1].gridPos.y"),
    ],
)
def test_a_panel_outside_the_grid_is_refused(grid_pos: dict[str, int], path: str) -> None:
    doc = _dashboard()
    doc["panels"][1]["gridPos"] = grid_pos
    assert _paths(doc) == [path]


def test_overlapping_visible_panels_name_both() -> None:
    doc = _dashboard()
    doc["panels"][1]["gridPos"] = {"x": 3, "y": 2, "w": 6, "h": 2}
    [problem] = _problems(doc)
    assert problem["path"] == "panels[1].gridPos"
    assert "panels[1] ('panel 2', id 2)" in problem["message"]
    assert "panels[0] ('panel 1', id 1)" in problem["message"]


def test_panel_ids_are_unique_across_collapsed_rows() -> None:
    doc = _dashboard()
    doc["panels"][2]["panels"][1]["id"] = 1
    [problem] = _problems(doc)
    assert problem["path"] == "panels[2].panels[1].id"
    assert "panels[0]" in problem["message"]


def test_rows_hold_panels_only_when_collapsed_and_never_rows() -> None:
    doc = _dashboard()
    doc["panels"][2]["collapsed"] = False
    assert _paths(doc) == ["panels[2].panels"]
    doc = _dashboard()
    doc["panels"][2]["panels"][0]["type"] = "row"
    doc["panels"][2]["panels"][0]["targets"] = []
    assert _paths(doc) == ["panels[2].panels[0].type"]
    doc = _dashboard()
    doc["panels"][0]["collapsed"] = True
    assert _paths(doc) == ["panels[0].collapsed"]


def test_unknown_panel_type_and_duplicate_ref_ids() -> None:
    doc = _dashboard()
    doc["panels"][0]["type"] = "graph"
    doc["panels"][1]["targets"].append({"refId": "A", "expr": "up"})
    assert sorted(_paths(doc)) == ["panels[0].type", "panels[1].targets[1].refId"]


def test_thresholds_must_ascend_from_a_base_step() -> None:
    doc = _dashboard()
    steps = [
        {"color": "green", "value": None},
        {"color": "orange", "value": 80},
        {"color": "red", "value": 50},
    ]
    doc["panels"][0]["fieldConfig"] = {"defaults": {"thresholds": {"steps": steps}}}
    [problem] = _problems(doc)
    assert problem["path"] == "panels[0].fieldConfig.defaults.thresholds.steps[2].value"
    assert "ascend" in problem["message"]


def test_mapping_errors_leave_the_union_kind_out_of_the_path() -> None:
    doc = _dashboard()
    mapping = {"type": "special", "options": {"match": "maybe", "result": {"text": "?"}}}
    doc["panels"][0]["fieldConfig"] = {"defaults": {"mappings": [mapping]}}
    assert _paths(doc) == ["panels[0].fieldConfig.defaults.mappings[0].options.match"]


def test_variable_errors_leave_the_union_kind_out_of_the_path() -> None:
    doc = _dashboard()
    doc["variables"][1]["sort"] = 42
    doc["variables"].append({"type": "dropdown", "name": "x"})
    assert _paths(doc) == ["variables[1].sort", "variables[2]"]


def test_variable_names_are_unique() -> None:
    doc = _dashboard()
    doc["variables"][1]["name"] = "job"
    [problem] = _problems(doc)
    assert problem["path"] == "variables[1].name"
    assert "variables[0]" in problem["message"]


def test_a_variable_referencing_itself_is_refused() -> None:
    doc = _dashboard()
    doc["variables"][0]["query"] = 'label_values(up{job=~"${job:regex}"}, job)'
    [problem] = _problems(doc)
    assert problem["path"] == "variables[0].query"
    assert "'job' references itself" in problem["message"]


def test_a_cycle_of_variables_is_refused_and_named() -> None:
    doc = _dashboard()
    doc["variables"][0]["query"] = 'label_values(up{instance="[[instance]]"}, job)'
    [problem] = _problems(doc)
    assert problem["path"] == "variables[0].query"
    assert "job -> instance -> job" in problem["message"]


def test_time_range_syntax_and_resolution() -> None:
    dashboard = Dashboard.model_validate(_dashboard(time={"from": "now-1d/d", "to": "now/d"}))
    start, end = dashboard.time.resolve(now_ms=10 * 24 * HOUR + 5 * HOUR)
    assert (start, end) == (9 * 24 * HOUR, 11 * 24 * HOUR - 1)
    absolute = {"from": "2024-01-01T00:00:00Z", "to": "1704110400000"}
    assert Dashboard.model_validate(_dashboard(time=absolute)).time.resolve(0) == (
        1_704_067_200_000,
        1_704_110_400_000,
    )
    assert _paths(_dashboard(time={"from": "now-6x", "to": "now"})) == ["time.from"]
    assert _paths(_dashboard(time={"from": "now", "to": "now-1h"})) == ["time.from"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("refresh", "500ms"),
        ("refresh", "often"),
        ("timezone", "Mars/Olympus_Mons"),
        ("schemaVersion", SCHEMA_VERSION + 1),
        ("uid", "has spaces"),
        ("uid", "x" * 41),
        ("title", "   "),
    ],
)
def test_dashboard_fields_are_checked(field: str, value: Any) -> None:
    assert _paths(_dashboard(**{field: value})) == [field]


def test_time_zones_and_refresh_that_are_fine() -> None:
    dashboard = Dashboard.model_validate(_dashboard(timezone="Europe/Berlin", refresh=""))
    assert (dashboard.timezone, dashboard.refresh) == ("Europe/Berlin", "")


def test_a_refused_document_is_left_as_it_was() -> None:
    doc = _dashboard()
    doc["panels"][1]["gridPos"]["w"] = 30
    before = copy.deepcopy(doc)
    _problems(doc)
    assert doc == before
