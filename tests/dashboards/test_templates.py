"""The built-in dashboard templates: well-formed Grafana JSON whose every query shows real numbers.

The data tests write the demo workload's default week of history into a temporary store, as a
first `make run` does, and evaluate every target of every template through the real engine over
the template's default time range, with its variables resolved from that data. Pulseboard's own
dashboard reads a real server's /metrics, scraped by that server.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import pulseboard
from pulseboard.config import DemoConfig, LimitsConfig, StorageConfig
from pulseboard.dashboards.grafana import from_grafana
from pulseboard.dashboards.model import Dashboard
from pulseboard.dashboards.timerange import parse_time
from pulseboard.dashboards.variables import (
    ALL,
    ResolvedVariable,
    builtin_variables,
    interpolate,
    query_interval_ms,
    resolve_variables,
)
from pulseboard.demo import DemoWorkload
from pulseboard.demo.projects import PROJECT_NAMES
from pulseboard.ingest.pipeline import Ingester
from pulseboard.promql.api import Matrix, Vector
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.telemetry import Telemetry
from tests.conftest import free_port, start_server, stop_server

TEMPLATES_DIR = Path(pulseboard.__file__).parent / "dashboards" / "templates"
UIDS = ("business-overview", "operations", "llm-usage", "service-red", "pulseboard-self")
SELF_UID = "pulseboard-self"
# USERS.md's palette: status colours, plus blue and violet for values without a status.
PALETTE = {"#10B981", "#F59E0B", "#EF4444", "#3B82F6", "#7C3AED"}
GRID_COLUMNS = 24

Doc = dict[str, Any]


def load(uid: str) -> Doc:
    doc: Doc = json.loads((TEMPLATES_DIR / f"{uid}.json").read_text())
    return doc


def all_panels(doc: Doc) -> Iterator[Doc]:
    """Every panel, including those nested in collapsed rows."""
    for panel in doc["panels"]:
        yield panel
        yield from panel.get("panels", [])


def imported(uid: str) -> Dashboard:
    return from_grafana(load(uid))


@dataclass(frozen=True)
class Query:
    uid: str
    panel: str
    ref_id: str
    expr: str
    instant: bool

    def __str__(self) -> str:
        return f"{self.uid}:{self.panel}:{self.ref_id}"


def queries(*uids: str) -> list[Query]:
    """Every visible target of the templates, as Pulseboard imports them."""
    return [
        Query(uid, panel.title, target.ref_id, target.expr, target.instant)
        for uid in uids
        for panel in imported(uid).walk_panels()
        for target in panel.targets
        if not target.hide
    ]


# ----------------------------------------------------------------------------- structure


def test_every_template_is_there_once() -> None:
    assert sorted(path.stem for path in TEMPLATES_DIR.glob("*.json")) == sorted(UIDS)
    assert [load(uid)["uid"] for uid in UIDS] == list(UIDS)


@pytest.mark.parametrize("uid", UIDS)
def test_grafana_current_format(uid: str) -> None:
    doc = load(uid)
    assert doc["schemaVersion"] == 39
    assert doc["title"] and doc["description"]
    assert doc["time"]["to"] == "now"
    now = int(time.time() * 1000)
    assert parse_time(doc["time"]["from"], now) < now
    assert doc["refresh"] in doc["timepicker"]["refresh_intervals"]
    for panel in all_panels(doc):
        assert panel["description"], f"panel {panel['id']} {panel['title']!r} has no description"
        if panel["type"] in ("row", "alertlist", "text"):
            continue
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert ref_ids and len(set(ref_ids)) == len(ref_ids), panel["title"]
        assert all(target["expr"].strip() for target in panel["targets"]), panel["title"]


@pytest.mark.parametrize("uid", UIDS)
def test_panel_ids_are_unique(uid: str) -> None:
    ids = [panel["id"] for panel in all_panels(load(uid))]
    assert len(set(ids)) == len(ids), sorted(ids)


@pytest.mark.parametrize("uid", UIDS)
def test_panels_fit_the_grid_without_overlapping(uid: str) -> None:
    cells: dict[tuple[int, int], str] = {}
    for panel in load(uid)["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["y"] >= 0 and pos["w"] >= 1 and pos["h"] >= 1, panel["title"]
        assert pos["x"] + pos["w"] <= GRID_COLUMNS, panel["title"]
        for cell in itertools.product(
            range(pos["x"], pos["x"] + pos["w"]), range(pos["y"], pos["y"] + pos["h"])
        ):
            assert cell not in cells, f"{panel['title']!r} overlaps {cells[cell]!r} at {cell}"
            cells[cell] = panel["title"]


@pytest.mark.parametrize("uid", UIDS)
def test_thresholds_are_ordered_and_in_the_palette(uid: str) -> None:
    for panel in all_panels(load(uid)):
        thresholds = panel.get("fieldConfig", {}).get("defaults", {}).get("thresholds")
        if thresholds is None:
            continue
        assert thresholds["mode"] == "absolute"
        first, *rest = thresholds["steps"]
        assert first["value"] is None, panel["title"]  # the base colour, below every threshold
        values = [step["value"] for step in rest]
        assert values == sorted(set(values)), f"{panel['title']!r}: {values}"
        assert {step["color"] for step in thresholds["steps"]} <= PALETTE, panel["title"]


@pytest.mark.parametrize("uid", UIDS)
def test_imports_unedited_with_every_panel_and_query(uid: str) -> None:
    doc = load(uid)
    dashboard = imported(uid)
    assert (dashboard.uid, dashboard.title) == (doc["uid"], doc["title"])
    assert (dashboard.time.from_, dashboard.refresh) == (doc["time"]["from"], doc["refresh"])
    assert [panel.type for panel in dashboard.walk_panels()] == [
        panel["type"] for panel in all_panels(doc)
    ]
    assert [v.name for v in dashboard.variables] == [v["name"] for v in doc["templating"]["list"]]
    assert len(queries(uid)) == sum(len(panel.get("targets", [])) for panel in all_panels(doc))


def test_operations_is_the_20_panel_dashboard() -> None:
    drawn = [panel for panel in all_panels(load("operations")) if panel["type"] != "row"]
    assert len(drawn) == 20


# ----------------------------------------------------------------------------- demo data


@dataclass
class DemoStore:
    storage: EmbeddedStorage
    engine: Engine
    now_ms: int


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    """The demo workload's default backfill (a week), written through ingestion as the server
    writes it on a first start."""
    storage = EmbeddedStorage(tmp_path_factory.mktemp("demo"), StorageConfig())
    ingester = Ingester(storage, LimitsConfig(), Telemetry(storage))
    demo = DemoWorkload(ingester, storage, DemoConfig(enabled=True))

    async def backfill() -> None:
        await demo.start()
        try:
            await asyncio.wait_for(demo.backfilled.wait(), timeout=300)
        finally:
            await demo.stop()

    asyncio.run(backfill())
    engine = Engine(storage)
    # Queries run at the newest sample's time, as a dashboard opened just after the backfill
    # would: on a busy machine the backfill can end minutes after the time it wrote up to, and
    # [2m] windows at the wall clock's "now" would then hold a single sample.
    newest = engine.instant("max(timestamp(sessions_active))", int(time.time() * 1000)).value
    assert isinstance(newest, Vector) and newest.samples, "the demo wrote no sessions_active"
    yield DemoStore(storage, engine, int(newest.samples[0].value * 1000))
    storage.close()


def first_real_values(
    dashboard: Dashboard, storage: EmbeddedStorage, engine: Engine, start_ms: int, end_ms: int
) -> dict[str, ResolvedVariable]:
    """Each variable as the dashboard opens: All where that is its default (a single project
    may have had no 5xx in the last minutes of random demo data), else the first value the data
    offers for it."""
    variables = dashboard.variables
    chosen: dict[str, list[str]] = {}

    def resolve() -> dict[str, ResolvedVariable]:
        return resolve_variables(
            variables, chosen, storage=storage, engine=engine, start_ms=start_ms, end_ms=end_ms
        )

    for variable in variables:  # in order: a variable's choice narrows the next one's options
        found = resolve()[variable.name]
        if not found.is_all:
            offered = [option.value for option in found.options]
            chosen[variable.name] = [value for value in offered if value != ALL][:1]
    return resolve()


def finite_values(
    query: Query, storage: EmbeddedStorage, engine: Engine, now_ms: int
) -> tuple[str, list[float]]:
    """The query as the dashboard would send it, and every value it returns."""
    dashboard = imported(query.uid)
    start_ms = parse_time(dashboard.time.from_, now_ms)
    interval_ms = query_interval_ms(start_ms, now_ms)
    expr = interpolate(
        query.expr,
        first_real_values(dashboard, storage, engine, start_ms, now_ms),
        builtin_variables(start_ms, now_ms, interval_ms),
    )
    assert "$" not in expr, expr
    if query.instant:
        vector = engine.instant(expr, now_ms).value
        assert isinstance(vector, Vector), expr
        values = [sample.value for sample in vector.samples]
    else:
        matrix = engine.range(expr, start_ms, now_ms, interval_ms).value
        assert isinstance(matrix, Matrix), expr
        values = [value for series in matrix.series for value in series.values.tolist()]
    return expr, [value for value in values if math.isfinite(value)]


DEMO_UIDS = tuple(uid for uid in UIDS if uid != SELF_UID)


@pytest.mark.parametrize("query", queries(*DEMO_UIDS), ids=str)
def test_every_query_shows_numbers_on_the_demo_workload(
    query: Query, demo_store: DemoStore
) -> None:
    expr, values = finite_values(query, demo_store.storage, demo_store.engine, demo_store.now_ms)
    assert values, f"{query}: no finite value from {expr}"


def test_a_first_load_of_service_red_selects_real_demo_values(demo_store: DemoStore) -> None:
    dashboard = imported("service-red")
    start_ms = parse_time(dashboard.time.from_, demo_store.now_ms)
    resolved = resolve_variables(
        dashboard.variables,
        {},
        storage=demo_store.storage,
        engine=demo_store.engine,
        start_ms=start_ms,
        end_ms=demo_store.now_ms,
    )
    # The demo's series carry no job label, so job offers only All, whose `.*` matches them.
    assert [option.value for option in resolved["job"].options] == [ALL]
    assert resolved["job"].all_value == ".*"
    assert resolved["project"].is_all
    assert resolved["project"].values() == list(PROJECT_NAMES)
    assert resolved["window"].values() == ["5m"]


# ----------------------------------------------------------------------------- Pulseboard itself


@dataclass
class ScrapedSelf:
    storage: EmbeddedStorage
    engine: Engine
    now_ms: int


def scraped_query_latency(client: httpx.Client) -> bool:
    selector = 'pulseboard_http_request_duration_seconds_count{route="/api/v1/query_range"}'
    answer = client.get("/api/v1/query", params={"query": selector}).json()
    return bool(answer["data"]["result"])


@pytest.fixture(scope="module")
def scraped_self(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScrapedSelf]:
    """A real server whose built-in self-monitoring job scrapes its own /metrics every 200 ms,
    answering a few queries meanwhile."""
    root = tmp_path_factory.mktemp("self")
    port = free_port()
    config = root / "pulseboard.yml"
    config.write_text("self_monitoring:\n  scrape_interval: 200ms\n")
    server = start_server(root / "data", port, config=config)
    try:
        with httpx.Client(base_url=server.url) as client:
            started = time.monotonic()
            # A few seconds of scrapes, with query traffic for the latency-by-route panels.
            while time.monotonic() - started < 3 or not scraped_query_latency(client):
                assert time.monotonic() - started < 30, "the server did not scrape itself"
                now = time.time()
                client.get(
                    "/api/v1/query_range",
                    params={"query": "up", "start": now - 60, "end": now, "step": 1},
                )
                time.sleep(0.2)
        # Read as of before the stop: stopping ends the target's series with staleness markers.
        scraped_until_ms = int(time.time() * 1000)
    finally:
        stop_server(server)
    storage = EmbeddedStorage(root / "data", StorageConfig())
    yield ScrapedSelf(storage, Engine(storage), scraped_until_ms)
    storage.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    queries(SELF_UID),
    ids=str,
)
def test_self_dashboard_shows_the_servers_own_metrics(
    query: Query, scraped_self: ScrapedSelf
) -> None:
    expr, values = finite_values(
        query, scraped_self.storage, scraped_self.engine, scraped_self.now_ms
    )
    assert values, f"{query}: no finite value from {expr}"
