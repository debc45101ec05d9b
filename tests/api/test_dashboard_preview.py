"""POST /api/dashboards/data: the panel data of a document being edited, without saving it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

MINUTE = 60_000


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    client = make_client(dashboards={"templates": False})
    now_ms = (int(time.time() * 1000) // MINUTE) * MINUTE
    lines = [f'queue_depth{{queue="{q}"}} {d} {now_ms - m * MINUTE}'
             for m in range(30) for q, d in (("email", 5), ("billing", 25))]  # fmt: skip
    answer = client.post("/api/v1/import/prometheus", content="\n".join(lines) + "\n")
    assert answer.status_code == 204, answer.text
    return client


def document(expr: str = "queue_depth", **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uid": "draft",
        "title": "Draft",
        "time": {"from": "now-30m", "to": "now"},
        "panels": [
            {
                "id": 1,
                "type": "stat",
                "title": "Queue",
                "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{queue}}"}],
            },
            {"id": 2, "type": "text", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}},
        ],
    }
    doc.update(changes)
    return doc


def test_an_unsaved_document_is_evaluated_as_the_saved_one_would_be(client: TestClient) -> None:
    unsaved = client.post("/api/dashboards/data", json={"dashboard": document(), "panels": [1]})
    assert unsaved.status_code == 200, unsaved.text
    assert client.get("/api/dashboards/draft").status_code == 404  # nothing was saved

    assert client.post("/api/dashboards", json=document()).status_code == 201
    saved = client.post("/api/dashboards/draft/data", json={"panels": [1]}).json()
    answer = unsaved.json()
    assert answer["uid"] == "draft" and list(answer["panels"]) == ["1"]
    assert answer["panels"]["1"]["frames"] == saved["panels"]["1"]["frames"]
    assert sorted(frame["name"] for frame in answer["panels"]["1"]["frames"]) == [
        "billing",
        "email",
    ]


def test_the_edited_query_is_the_one_evaluated(client: TestClient) -> None:
    edited = document('sum(queue_depth{queue="billing"})')
    answer = client.post("/api/dashboards/data", json={"dashboard": edited, "from": "now-5m"})
    frames = answer.json()["panels"]["1"]["frames"]
    assert [frame["reduced"]["value"] for frame in frames] == [25]


def test_an_invalid_document_names_its_problems(client: TestClient) -> None:
    overlapping = document()
    overlapping["panels"][1]["gridPos"]["x"] = 6
    answer = client.post("/api/dashboards/data", json={"dashboard": overlapping})
    assert answer.status_code == 422, answer.text
    assert [problem["path"] for problem in answer.json()["problems"]] == ["panels[1].gridPos"]


@pytest.mark.parametrize(
    "body",
    [{}, {"dashboard": "draft"}, {"dashboard": document(), "panels": "1"}],
)
def test_a_malformed_request_is_a_400(client: TestClient, body: dict[str, Any]) -> None:
    answer = client.post("/api/dashboards/data", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["errorType"] == "bad_data"


def test_asking_for_a_panel_the_document_does_not_have_is_a_404(client: TestClient) -> None:
    answer = client.post("/api/dashboards/data", json={"dashboard": document(), "panels": [9]})
    assert answer.status_code == 404
