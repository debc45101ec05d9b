"""The dashboards REST API on both metadata backends: CRUD, versions, import, panel data, errors."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.postgres import PostgresDatabases

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "grafana"
MINUTE = 60_000


@pytest.fixture(params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest,
    make_client: Callable[..., TestClient],
    postgres: PostgresDatabases,
) -> TestClient:
    url = None if request.param == "sqlite" else postgres.create()
    return make_client(meta={"url": url}, dashboards={"templates": False})


def dashboard(uid: str = "ops", **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uid": uid,
        "title": "Operations",
        "tags": ["ops", "prod"],
        "folder": "SRE",
        "time": {"from": "now-1h", "to": "now"},
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "title": "Requests",
                "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                "targets": [{"refId": "A", "expr": "sum(rate(requests_total[5m]))"}],
            },
            {
                "id": 2,
                "type": "stat",
                "title": "Queue",
                "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
                "targets": [{"refId": "A", "expr": "queue_depth", "legendFormat": "{{queue}}"}],
                "fieldConfig": {
                    "defaults": {
                        "unit": "short",
                        "thresholds": {
                            "mode": "absolute",
                            "steps": [
                                {"color": "green", "value": None},
                                {"color": "red", "value": 20},
                            ],
                        },
                    }
                },
            },
        ],
    }
    doc.update(changes)
    return doc


def test_create_read_update_delete(client: TestClient) -> None:
    created = client.post("/api/dashboards", json=dashboard())
    assert created.status_code == 201, created.text
    assert created.json() == {"uid": "ops", "version": 1, "url": "/d/ops"}
    got = client.get("/api/dashboards/ops").json()
    assert got["dashboard"]["title"] == "Operations"
    assert got["dashboard"]["panels"][1]["targets"][0]["legendFormat"] == "{{queue}}"
    assert got["meta"]["version"] == 1 and got["meta"]["folder"] == "SRE"

    edited = got["dashboard"] | {"title": "Operations (prod)"}
    saved = client.put("/api/dashboards/ops", json=edited)
    assert saved.json()["version"] == 2, saved.text
    assert client.get("/api/dashboards/ops").json()["dashboard"]["title"] == "Operations (prod)"

    assert client.delete("/api/dashboards/ops").status_code == 200
    missing = client.get("/api/dashboards/ops")
    assert missing.status_code == 404 and "not found" in missing.json()["error"]


def test_saving_over_a_newer_version_is_a_conflict_that_changes_nothing(
    client: TestClient,
) -> None:
    client.post("/api/dashboards", json=dashboard())
    base = client.get("/api/dashboards/ops").json()["dashboard"]
    first = client.put("/api/dashboards/ops", json=base | {"title": "Mine"})
    assert first.status_code == 200
    second = client.put("/api/dashboards/ops", json=base | {"title": "Theirs"})
    assert second.status_code == 409
    assert "version 2" in second.json()["error"]
    assert client.get("/api/dashboards/ops").json()["dashboard"]["title"] == "Mine"
    # Overwriting on purpose is allowed.
    forced = client.put("/api/dashboards/ops?overwrite=true", json=base | {"title": "Theirs"})
    assert forced.json()["version"] == 3


def test_versions_diff_and_restore(client: TestClient) -> None:
    client.post("/api/dashboards", json=dashboard())
    base = client.get("/api/dashboards/ops").json()["dashboard"]
    moved = copy.deepcopy(base)
    moved["panels"][0]["gridPos"]["w"] = 6
    client.put("/api/dashboards/ops", json={"dashboard": moved, "message": "narrower"})
    listed = client.get("/api/dashboards/ops/versions").json()
    assert [v["version"] for v in listed] == [2, 1]
    assert listed[0]["message"] == "narrower"
    changes = client.get("/api/dashboards/ops/diff", params={"from": 1, "to": 2}).json()
    assert {"path": "panels[id=1].gridPos.w", "kind": "changed", "old": 12, "new": 6} in changes
    restored = client.post("/api/dashboards/ops/versions/1/restore")
    assert restored.json()["version"] == 3
    current = client.get("/api/dashboards/ops").json()["dashboard"]
    assert current["panels"][0]["gridPos"]["w"] == 12
    assert client.post("/api/dashboards/ops/versions/9/restore").status_code == 404


def test_search_by_title_tag_folder_and_stars(client: TestClient) -> None:
    client.post("/api/dashboards", json=dashboard())
    client.post("/api/dashboards", json=dashboard("biz", title="Business", tags=["kpi"], folder=""))

    def titles(**params: Any) -> list[str]:
        return [d["uid"] for d in client.get("/api/dashboards", params=params).json()]

    assert titles() == ["biz", "ops"]
    assert titles(query="oper") == ["ops"]
    assert titles(tag=["ops", "prod"]) == ["ops"]
    assert titles(tag=["kpi", "ops"]) == []
    assert titles(folder="SRE") == ["ops"]
    assert client.post("/api/dashboards/biz/star").status_code == 200
    assert titles(starred="true") == ["biz"]
    assert client.get("/api/dashboards/biz").json()["meta"]["starred"] is True
    client.delete("/api/dashboards/biz/star")
    assert titles(starred="true") == []


@pytest.mark.parametrize(
    ("change", "status", "path"),
    [
        ({"colour": "red"}, 422, "colour"),
        ({"panels": [{**dashboard()["panels"][0], "gridPos": {"x": 20, "y": 0, "w": 8, "h": 4}}]},
         422, "panels[0].gridPos.w"),
        ({"panels": [dashboard()["panels"][0],
                     {**dashboard()["panels"][1], "gridPos": {"x": 6, "y": 2, "w": 12, "h": 8}}]},
         422, "panels[1].gridPos"),
        ({"variables": [{"type": "query", "name": "job",
                         "query": "label_values(up{job=~\"$job\"}, job)"}]},
         422, "variables[0].query"),
        ({"uid": "no spaces allowed"}, 422, "uid"),
    ],
)  # fmt: skip
def test_invalid_documents_name_the_field_and_store_nothing(
    client: TestClient, change: dict[str, Any], status: int, path: str
) -> None:
    answer = client.post("/api/dashboards", json=dashboard(**change))
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["status"] == "error"
    assert path in [problem["path"] for problem in body["problems"]], body
    assert client.get("/api/dashboards").json() == []


def test_malformed_bodies(client: TestClient) -> None:
    bad_json = client.post(
        "/api/dashboards", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400 and "not JSON" in bad_json.json()["error"]
    assert client.post("/api/dashboards", content=b"").status_code == 400
    assert client.post("/api/dashboards", json=[1, 2]).status_code == 422
    huge = b'{"uid": "x", "title": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    too_big = client.post("/api/dashboards", content=huge)
    assert too_big.status_code == 413
    client.post("/api/dashboards", json=dashboard())
    base = client.get("/api/dashboards/ops").json()["dashboard"]
    del base["version"]
    assert client.put("/api/dashboards/ops", json=base).status_code == 400
    other = client.put("/api/dashboards/ops", json=dashboard("other", version=1))
    assert other.status_code == 422 and other.json()["problems"][0]["path"] == "uid"
    assert client.post("/api/dashboards", json=dashboard()).status_code == 409


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_grafana_dashboards_import_unedited_and_export(client: TestClient, name: str) -> None:
    raw = json.loads((FIXTURES / name).read_text())
    imported = client.post("/api/dashboards/import", json=raw)
    assert imported.status_code == 201, imported.text
    uid = imported.json()["uid"]
    again = client.post("/api/dashboards/import", json=raw)
    assert again.status_code == 409
    assert client.post("/api/dashboards/import?overwrite=true", json=raw).status_code == 201
    exported = client.get(f"/api/dashboards/{uid}/export", params={"format": "grafana"})
    assert exported.status_code == 200
    grafana = exported.json()
    assert grafana["schemaVersion"] >= 16 and grafana["uid"] == uid
    source = raw.get("dashboard", raw)
    expressions = sorted(
        t["expr"]
        for p in _grafana_panels(source["panels"])
        for t in p.get("targets", [])
        if t.get("expr") and not t.get("hide")
    )
    assert (
        sorted(t["expr"] for p in _grafana_panels(grafana["panels"]) for t in p.get("targets", []))
        == expressions
    )


def _grafana_panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for p in panels for q in [p, *p.get("panels", [])]]


def test_other_files_are_not_taken_for_dashboards(client: TestClient) -> None:
    kibana = {"objects": [{"type": "visualization", "attributes": {"title": "x"}}]}
    answer = client.post("/api/dashboards/import", json=kibana)
    assert answer.status_code == 422
    datasources = {"apiVersion": 1, "datasources": [{"name": "Prometheus", "type": "prometheus"}]}
    assert "data source" in client.post("/api/dashboards/import", json=datasources).json()[
        "error"
    ].replace("datasource", "data source")
    assert client.get("/api/dashboards").json() == []


# ----------------------------------------------------------------------------- panel data


def _write_overview_data(client: TestClient, now_ms: int) -> None:
    lines = []
    for minute in range(120, -1, -1):
        t = now_ms - minute * MINUTE
        height = 1000 + (120 - minute) * 10
        lines += [
            f"cometbft_consensus_height {height} {t}",
            f"cometbft_consensus_validators_power {90 + minute % 7} {t}",
            f"cometbft_consensus_total_voting_power 100 {t}",
            f"cometbft_consensus_total_txs {height * 3} {t}",
            f'virtengine_escrow_balance_total{{denom="uve"}} {5000 + minute} {t}',
            f"virtengine_veid_submissions_total {height // 2} {t}",
            f"virtengine_veid_verifications_total {height // 3} {t}",
            f'virtengine_market_orders_active{{provider="a"}} {40 + minute % 5} {t}',
            f'virtengine_market_leases_active{{provider="a"}} {30 + minute % 3} {t}',
        ]
        for le, share in (("0.5", 0.2), ("1", 0.6), ("5", 0.95), ("+Inf", 1.0)):
            count = round(height * share)
            lines.append(
                f'cometbft_consensus_block_interval_seconds_bucket{{le="{le}"}} {count} {t}'
            )
    answer = client.post("/api/v1/import/prometheus", content="\n".join(lines) + "\n")
    assert answer.status_code == 204, answer.text


def test_panel_data_matches_direct_queries(client: TestClient) -> None:
    now_ms = (int(time.time() * 1000) // MINUTE) * MINUTE
    _write_overview_data(client, now_ms)
    raw = json.loads((FIXTURES / "virtengine-overview.json").read_text())
    uid = client.post("/api/dashboards/import", json=raw).json()["uid"]
    stored = client.get(f"/api/dashboards/{uid}").json()["dashboard"]
    answer = client.post(f"/api/dashboards/{uid}/data", json={"from": "now-1h", "to": "now"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    panels = data["panels"]
    drawn = [p for p in stored["panels"] if p["type"] != "row"]
    assert sorted(panels) == sorted(str(p["id"]) for p in drawn)
    compared = 0
    for panel in drawn:
        result = panels[str(panel["id"])]
        assert result["state"] == "ok", result
        step = result["stepMs"]
        for target in panel["targets"]:
            direct = client.get(
                "/api/v1/query_range",
                params={
                    "query": target["expr"],
                    "start": data["from"] // step * step / 1000,
                    "end": data["to"] // step * step / 1000,
                    "step": step / 1000,
                },
            ).json()["data"]["result"]
            frames = [f for f in result["frames"] if f["refId"] == target["refId"]]
            assert len(frames) == len(direct) > 0
            for series, frame in zip(direct, frames, strict=True):
                assert frame["timestamps"] == [round(float(t) * 1000) for t, _ in series["values"]]
                assert frame["values"] == pytest.approx([float(v) for _, v in series["values"]])
                compared += 1
    assert compared >= 9
    stat = next(p for p in drawn if p["type"] == "stat")
    reduced = panels[str(stat["id"])]["frames"][0]["reduced"]
    assert reduced["calc"] == "lastNotNull" and reduced["value"] == 2200


def test_panel_data_legends_thresholds_and_errors(client: TestClient) -> None:
    now_ms = (int(time.time() * 1000) // MINUTE) * MINUTE
    lines = [f'queue_depth{{queue="{q}"}} {d} {now_ms - m * MINUTE}'
             for m in range(30) for q, d in (("email", 5), ("billing", 25))]  # fmt: skip
    client.post("/api/v1/import/prometheus", content="\n".join(lines) + "\n")
    broken = dashboard()
    broken["panels"][0]["targets"][0]["expr"] = "sum(rate(requests_total[5m])"
    client.post("/api/dashboards", json=broken)
    data = client.post("/api/dashboards/ops/data", json={"from": "now-30m"}).json()
    assert data["panels"]["1"]["state"] == "error"
    assert "parse error" in data["panels"]["1"]["errors"][0]["message"]
    stat = data["panels"]["2"]
    assert stat["state"] == "ok"
    by_name = {frame["name"]: frame["reduced"] for frame in stat["frames"]}
    assert by_name["email"] == {"calc": "lastNotNull", "value": 5, "thresholdIndex": 0,
                                "color": "green"}  # fmt: skip
    assert by_name["billing"]["color"] == "red"
    assert stat["fieldConfig"]["unit"] == "short"
    only = client.post("/api/dashboards/ops/data", json={"panels": [2]}).json()
    assert list(only["panels"]) == ["2"]
    assert client.post("/api/dashboards/ops/data", json={"panels": [7]}).status_code == 404
    assert client.post("/api/dashboards/ops/data", json={"from": "soon"}).status_code == 400
    backwards = client.post("/api/dashboards/ops/data", json={"from": "now", "to": "now-1h"})
    assert backwards.status_code == 400
    assert client.post("/api/dashboards/nope/data", json={}).status_code == 404


def test_variables_are_resolved_and_interpolated(client: TestClient) -> None:
    now_ms = (int(time.time() * 1000) // MINUTE) * MINUTE
    depths = (("email", 5), ("billing", 25), ("sms", 1))
    lines = [f'queue_depth{{queue="{q}"}} {d} {now_ms - m * MINUTE}'
             for m in range(10) for q, d in depths]  # fmt: skip
    client.post("/api/v1/import/prometheus", content="\n".join(lines) + "\n")
    doc = dashboard(
        variables=[
            {
                "type": "query",
                "name": "queue",
                "query": "label_values(queue_depth, queue)",
                "multi": True,
                "includeAll": True,
            }
        ]
    )
    doc["panels"][1]["targets"][0]["expr"] = 'queue_depth{queue=~"$queue"}'
    client.post("/api/dashboards", json=doc)
    data = client.post(
        "/api/dashboards/ops/data", json={"from": "now-5m", "vars": {"queue": ["email", "sms"]}}
    ).json()
    assert data["variables"]["queue"]["current"] == ["email", "sms"]
    assert {o["value"] for o in data["variables"]["queue"]["options"]} >= {"email", "billing"}
    assert sorted(f["name"] for f in data["panels"]["2"]["frames"]) == ["email", "sms"]
    everything = client.post("/api/dashboards/ops/data", json={"vars": {"queue": "$__all"}})
    assert len(everything.json()["panels"]["2"]["frames"]) == 3


# ----------------------------------------------------------------------------- annotations


def test_annotations(client: TestClient) -> None:
    now_ms = int(time.time() * 1000)
    client.post("/api/dashboards", json=dashboard())
    point = client.post(
        "/api/annotations",
        json={"time": now_ms - 10 * MINUTE, "text": "deploy v2", "tags": ["deploy"],
              "dashboardUID": "ops", "panelId": 1},
    )  # fmt: skip
    assert point.status_code == 201, point.text
    region = client.post(
        "/api/annotations",
        json={"time": now_ms - 3 * 60 * MINUTE, "timeEnd": now_ms - 2 * 60 * MINUTE,
              "text": "incident"},
    )  # fmt: skip
    assert region.status_code == 201
    last_hour = client.get("/api/annotations", params={"from": "now-1h"}).json()
    assert [a["text"] for a in last_hour] == ["deploy v2"]
    both = client.get("/api/annotations", params={"from": "now-6h"}).json()
    assert {a["text"] for a in both} == {"deploy v2", "incident"}
    tagged = client.get("/api/annotations", params={"from": "now-6h", "tags": "deploy"}).json()
    assert [a["text"] for a in tagged] == ["deploy v2"]
    identifier = point.json()["id"]
    changed = client.put(
        f"/api/annotations/{identifier}", json={"time": now_ms - 10 * MINUTE, "text": "deploy v3"}
    )
    assert changed.json()["text"] == "deploy v3"
    assert client.delete(f"/api/annotations/{identifier}").status_code == 200
    assert client.get(f"/api/annotations/{identifier}").status_code == 404
    for bad in ({"text": ""}, {"text": "x", "time": "yesterday"}, {"text": "x", "colour": 1},
                {"text": "x", "time": now_ms, "timeEnd": now_ms - 1}):  # fmt: skip
        assert client.post("/api/annotations", json=bad).status_code == 400, bad
