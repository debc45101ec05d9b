"""Grafana import and export against real Grafana dashboards (tests/fixtures/grafana)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulseboard.dashboards.grafana import GrafanaImportError, from_grafana, to_grafana
from pulseboard.dashboards.model import Dashboard, Panel
from pulseboard.dashboards.variables import ALL, CustomVariable, QueryVariable

FIXTURES = Path(__file__).parent.parent / "fixtures" / "grafana"
FIXTURE_NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))


def _raw(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return doc


def _raw_panels(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in doc.get("dashboard", doc)["panels"]:
        yield panel
        yield from panel.get("panels", [])


def _panel(dashboard: Dashboard, title: str) -> Panel:
    return next(panel for panel in dashboard.walk_panels() if panel.title == title)


def test_the_fixtures_are_all_there() -> None:
    assert FIXTURE_NAMES == [
        "business-metrics",
        "node-exporter-overview",
        "provider-daemon",
        "service-red",
        "virtengine-overview",
    ]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_imports_unedited_with_its_panels_and_queries(name: str) -> None:
    raw = _raw(name)
    dashboard = from_grafana(raw)
    panels = list(dashboard.walk_panels())
    assert len(panels) == len(list(_raw_panels(raw)))
    assert [p.title for p in panels] == [p.get("title", "") for p in _raw_panels(raw)]
    assert [[t.expr for t in p.targets] for p in panels] == [
        [t["expr"] for t in p.get("targets", [])] for p in _raw_panels(raw)
    ]
    assert len({panel.id for panel in panels}) == len(panels)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_export_round_trips(name: str) -> None:
    dashboard = from_grafana(_raw(name))
    exported = to_grafana(dashboard)
    assert exported["schemaVersion"] == 39
    # Grafana's API carries the folder beside the dashboard, as its GET answer does.
    again = from_grafana(
        {"dashboard": json.loads(json.dumps(exported)), "meta": {"folderTitle": dashboard.folder}}
    )
    assert again == dashboard


def test_virtengine_overview_units_thresholds_and_settings() -> None:
    dashboard = from_grafana(_raw("virtengine-overview"))
    assert (dashboard.uid, dashboard.title, dashboard.refresh) == (
        "virtengine-overview",
        "VirtEngine Overview",
        "30s",
    )
    assert dashboard.tags == ["virtengine", "overview"]
    assert (dashboard.time.from_, dashboard.time.to, dashboard.timezone) == (
        "now-6h",
        "now",
        "browser",
    )
    gauge = _panel(dashboard, "Active Validators")
    assert gauge.type == "gauge"
    defaults = gauge.field_config.defaults
    assert (defaults.unit, defaults.min, defaults.max) == ("percent", 0, 100)
    assert defaults.thresholds is not None
    assert [(s.color, s.value) for s in defaults.thresholds.steps] == [
        ("red", None),
        ("yellow", 60),
        ("green", 80),
    ]
    assert _panel(dashboard, "Escrow Balance").field_config.defaults.unit == "currencyUSD"
    throughput = _panel(dashboard, "Transaction Throughput")
    assert throughput.field_config.defaults.custom["lineInterpolation"] == "smooth"
    assert throughput.targets[0].legend_format == "TPS"
    assert [t.ref_id for t in _panel(dashboard, "Block Time").targets] == ["A", "B"]


def test_provider_daemon_overlaps_are_laid_out_again() -> None:
    raw = _raw("provider-daemon")
    # As Grafana wrote it, the pie chart (x 12-18, y 0-8) and the memory panel (x 12-24, y 4-12)
    # overlap: our model would refuse that layout.
    with pytest.raises(ValueError, match="overlaps"):
        Dashboard.model_validate(
            {
                "uid": "x",
                "title": "x",
                "panels": [
                    {"id": i + 1, "type": "text", "gridPos": p["gridPos"]}
                    for i, p in enumerate(raw["panels"])
                ],
            }
        )
    dashboard = from_grafana(raw)
    pie, memory = (
        _panel(dashboard, "Workload Status"),
        _panel(dashboard, "Resource Utilization - Memory"),
    )
    assert pie.grid_pos.model_dump() == {"x": 12, "y": 0, "w": 6, "h": 8}
    assert memory.grid_pos.model_dump() == {"x": 12, "y": 8, "w": 12, "h": 8}
    heatmap = _panel(dashboard, "Lease Operations Latency")
    assert heatmap.grid_pos.y >= 16 and heatmap.targets[0].format == "heatmap"
    assert pie.targets[0].legend_format == "{{state}}"
    assert dashboard.schema_version == 1 and dashboard.version == 0  # no schemaVersion written


def test_node_exporter_rows_bar_gauges_and_variable_chain() -> None:
    dashboard = from_grafana(_raw("node-exporter-overview"))
    rows = [panel for panel in dashboard.panels if panel.type == "row"]
    assert [(row.title, row.collapsed, len(row.panels)) for row in rows] == [
        ("Quick overview", False, 0),
        ("CPU and memory", False, 0),
        ("Network and disk", True, 3),
    ]
    assert [p.title for p in dashboard.walk_panels() if p.type == "bargauge"] == [
        "Filesystem used",
        "Load average",
    ]
    status = _panel(dashboard, "Status")
    mappings = [
        m.model_dump(by_alias=True, exclude_none=True)
        for m in status.field_config.defaults.mappings
    ]
    assert mappings[0]["options"]["0"] == {"text": "Down", "color": "red", "index": 1}
    assert mappings[1] == {
        "type": "special",
        "options": {"match": "null", "result": {"text": "No data", "color": "text", "index": 2}},
    }
    assert status.targets[0].instant and not status.targets[0].range
    assert _panel(dashboard, "CPU by mode").field_config.overrides[0].matcher.options == "idle"
    # The data source variable is gone: our panels have one data source.
    job, instance = dashboard.variables
    assert isinstance(job, QueryVariable) and isinstance(instance, QueryVariable)
    assert job.query == "label_values(node_uname_info, job)"
    assert instance.query == 'label_values(node_uname_info{job=~"$job"}, instance)'
    assert (instance.multi, instance.include_all, instance.all_value) == (True, True, ".+")
    assert (job.current, instance.refresh, instance.sort) == ([ALL], 2, 7)
    assert _panel(dashboard, "Filesystems").targets[1].format == "table"
    assert (dashboard.version, dashboard.time.from_) == (7, "now-3h")


def test_service_red_through_grafanas_api_wrapper() -> None:
    dashboard = from_grafana(_raw("service-red"))
    assert (dashboard.uid, dashboard.folder, dashboard.timezone, dashboard.refresh) == (
        "service-red",
        "SRE",
        "utc",
        "10s",
    )
    assert [v.name for v in dashboard.variables] == ["service", "route", "percentile", "slo_target"]
    percentile = dashboard.variables[2]
    assert isinstance(percentile, CustomVariable)
    assert (percentile.query, percentile.current) == ("p50 : 0.5, p95 : 0.95, p99 : 0.99", ["0.99"])
    latency = _panel(dashboard, "Duration percentiles")
    assert [t.legend_format for t in latency.targets] == ["p50", "p95", "p99"]
    assert latency.field_config.defaults.unit == "s"
    heatmap = _panel(dashboard, "Latency distribution")
    assert (heatmap.targets[0].format, heatmap.targets[0].interval) == ("heatmap", "30s")
    assert (
        _panel(dashboard, "Routes with the most errors").field_config.defaults.no_value
        == "no errors"
    )
    error_ratio = _panel(dashboard, "Error ratio").field_config.defaults
    assert error_ratio.thresholds is not None
    assert [s.value for s in error_ratio.thresholds.steps] == [None, 0.005, 0.01]


def test_old_panel_types_and_missing_ids_and_places() -> None:
    """A Grafana 5/6 dashboard: graph, singlestat with gauge, old tables and plugin panels."""
    doc = {
        "title": "Legacy Ops!",
        "schemaVersion": 16,
        "refresh": False,
        "panels": [
            {
                "type": "graph",
                "title": "Requests",
                "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                "datasource": "Prometheus",
                "yaxes": [
                    {"format": "reqps", "decimals": 1, "min": "0", "max": None},
                    {"format": "short"},
                ],
                "fill": 3,
                "stack": True,
                "targets": [{"expr": "sum(rate(http_requests_total[5m]))", "intervalFactor": 2}],
            },
            {
                "type": "singlestat",
                "title": "Availability",
                "format": "percentunit",
                "thresholds": "0.99,0.999",
                "colors": ["red", "orange", "green"],
                "valueName": "current",
                "gauge": {"show": True, "minValue": 0, "maxValue": 1},
                "valueMaps": [{"op": "=", "text": "N/A", "value": "null"}],
                "targets": [{"expr": "avg(up)", "refId": "A"}, {"expr": "1", "refId": "A"}],
            },
            {
                "type": "table-old",
                "title": "Old table",
                "id": 7,
                "targets": [{"expr": "up", "instant": True}],
            },
            {
                "type": "grafana-piechart-panel",
                "title": "Pie",
                "id": 7,
                "targets": [{"expr": "sum by (job) (up)"}],
            },
            {
                "type": "grafana-worldmap-panel",
                "title": "Map",
                "options": {"zoom": 3},
                "targets": [{"expr": "geo", "datasource": {"type": "prometheus"}}],
            },
            {
                "type": "logs",
                "title": "Loki logs",
                "datasource": {"type": "loki", "uid": "loki"},
                "targets": [{"expr": '{app="api"}'}],
            },
        ],
    }
    dashboard = from_grafana(doc)
    assert (dashboard.uid, dashboard.refresh) == ("legacy-ops", "")
    graph, stat, table, pie, world, logs = dashboard.panels
    assert [p.type for p in dashboard.panels] == [
        "timeseries",
        "gauge",
        "table",
        "piechart",
        "placeholder",
        "logs",
    ]
    assert (
        graph.field_config.defaults.unit,
        graph.field_config.defaults.decimals,
        graph.field_config.defaults.min,
    ) == ("reqps", 1, 0)
    assert graph.field_config.defaults.custom["stacking"] == {"mode": "normal"}
    assert graph.targets[0].ref_id == "A"
    stat_defaults = stat.field_config.defaults
    assert stat_defaults.thresholds is not None
    assert [(s.color, s.value) for s in stat_defaults.thresholds.steps] == [
        ("red", None),
        ("orange", 0.99),
        ("green", 0.999),
    ]
    assert (stat_defaults.unit, stat_defaults.min, stat_defaults.max) == ("percentunit", 0, 1)
    assert stat.options["reduceOptions"]["calcs"] == ["lastNotNull"]
    assert stat_defaults.mappings[0].model_dump()["options"]["match"] == "null"
    assert [t.ref_id for t in stat.targets] == ["A", "B"]
    assert world.options == {
        "originalType": "grafana-worldmap-panel",
        "originalOptions": {"zoom": 3},
    }
    assert world.targets[0].expr == "geo"
    assert logs.targets == []  # a Loki query is not PromQL
    assert table.targets[0].instant and not table.targets[0].range
    ids = [p.id for p in dashboard.panels]
    assert len(set(ids)) == len(ids) and table.id == 7 and pie.id != 7  # the second 7 renumbered
    # Panels without a place go below the others, one under the other, never overlapping.
    assert stat.grid_pos.y >= 8 and table.grid_pos.y >= stat.grid_pos.y + stat.grid_pos.h
    assert to_grafana(dashboard)["panels"][4]["type"] == "grafana-worldmap-panel"


@pytest.mark.parametrize(
    ("doc", "looks_like"),
    [
        (
            {
                "apiVersion": 1,
                "datasources": [
                    {"name": "Prometheus", "type": "prometheus", "url": "http://prometheus:9090"}
                ],
            },
            "data source provisioning file",
        ),
        (
            {
                "apiVersion": 1,
                "providers": [{"name": "VirtEngine", "type": "file", "options": {"path": "/d"}}],
            },
            "dashboard provider",
        ),
        (
            {
                "groups": [
                    {
                        "name": "virtengine.critical",
                        "rules": [{"alert": "ConsensusStalled", "expr": "up == 0"}],
                    }
                ]
            },
            "rule file",
        ),
        (
            {
                "attributes": {"title": "Logs", "panelsJSON": "[]"},
                "references": [],
                "type": "dashboard",
                "id": "x",
            },
            "Kibana",
        ),
        ([{"_id": "x", "_type": "dashboard", "_source": {"title": "Logs"}}], "Kibana"),
        (
            {"rows": [{"panels": []}], "title": "Old", "schemaVersion": 12},
            "before schemaVersion 16",
        ),
        ({"title": "Old", "panels": [], "schemaVersion": 14}, "schemaVersion 14 is older than 16"),
        (
            {
                "apiVersion": "dashboard.grafana.app/v2alpha1",
                "kind": "Dashboard",
                "spec": {"elements": {}},
            },
            "v2",
        ),
        ({"name": "not much"}, "neither panels nor a title"),
        ("a string", "JSON str"),
    ],
)
def test_documents_that_are_not_grafana_dashboards(doc: Any, looks_like: str) -> None:
    with pytest.raises(GrafanaImportError, match=looks_like):
        from_grafana(doc)


def test_an_invalid_dashboard_names_the_problem_path() -> None:
    doc = _raw("node-exporter-overview")
    doc["templating"]["list"][1]["query"] = 'label_values(up{instance=~"$instance"}, job)'
    with pytest.raises(GrafanaImportError) as caught:
        from_grafana(doc)
    assert caught.value.problems[0]["path"] == "variables[0].query"
    assert "job -> instance -> job" in str(caught.value)
