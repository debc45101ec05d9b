"""The Prometheus metadata API: envelope, parameters and errors as Prometheus answers them."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

NOW_S = int(time.time())


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    text = (
        "# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\n"
        f'http_requests_total{{job="api",code="200"}} 10 {(NOW_S - 7200) * 1000}\n'
        f'http_requests_total{{job="api",code="500"}} 1 {NOW_S * 1000}\n'
        f'queue_depth{{job="worker",queue="emails"}} 4 {NOW_S * 1000}\n'
    )
    assert client.post("/api/v1/import/prometheus", content=text).status_code == 204
    return client


def data(response: object) -> object:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    return body["data"]


def test_series_by_selector_and_time(loaded: TestClient) -> None:
    everything = data(loaded.get("/api/v1/series", params={"match[]": "http_requests_total"}))
    assert sorted(s["code"] for s in everything) == ["200", "500"]
    recent = data(
        loaded.get(
            "/api/v1/series",
            params={"match[]": "http_requests_total", "start": NOW_S - 60, "end": NOW_S + 60},
        )
    )
    assert recent == [{"__name__": "http_requests_total", "code": "500", "job": "api"}]


def test_series_accepts_post_forms_and_several_selectors(loaded: TestClient) -> None:
    found = data(
        loaded.post(
            "/api/v1/series",
            data={"match[]": ["queue_depth", 'http_requests_total{code="200"}']},
        )
    )
    assert sorted(s["__name__"] for s in found) == ["http_requests_total", "queue_depth"]


def test_labels_and_values(loaded: TestClient) -> None:
    assert data(loaded.get("/api/v1/labels")) == ["__name__", "code", "job", "queue"]
    assert data(loaded.get("/api/v1/labels", params={"match[]": "queue_depth"})) == [
        "__name__",
        "job",
        "queue",
    ]
    assert data(loaded.get("/api/v1/label/job/values")) == ["api", "worker"]
    assert data(loaded.get("/api/v1/label/__name__/values", params={"start": NOW_S - 60})) == [
        "http_requests_total",
        "queue_depth",
    ]
    assert data(
        loaded.get(
            "/api/v1/label/code/values",
            params={"start": f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(NOW_S - 60))}"},
        )
    ) == ["500"]


def test_limit_truncates_with_a_warning(loaded: TestClient) -> None:
    response = loaded.get("/api/v1/label/job/values", params={"limit": 1})
    assert response.json()["data"] == ["api"]
    assert response.json()["warnings"] == ["results truncated due to limit"]


def test_metadata(loaded: TestClient) -> None:
    assert data(loaded.get("/api/v1/metadata")) == {
        "http_requests_total": [{"type": "counter", "help": "Requests served.", "unit": ""}]
    }


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/api/v1/series", {}, "no match[] parameter provided"),
        ("/api/v1/series", {"match[]": "{}"}, "match[]"),
        ("/api/v1/series", {"match[]": '{job=~".*"}'}, "empty string"),
        ("/api/v1/series", {"match[]": 'x{job="a"'}, "match[]"),
        ("/api/v1/series", {"match[]": 'x{job=~"("}'}, "regular expression"),
        ("/api/v1/labels", {"start": "yesterday"}, 'invalid parameter "start"'),
        ("/api/v1/labels", {"start": "20", "end": "10"}, "end timestamp must not be before"),
        ("/api/v1/label/bad-name/values", {}, "invalid label name"),
        ("/api/v1/labels", {"limit": "-1"}, 'invalid parameter "limit"'),
    ],
)
def test_bad_parameters_are_bad_data(
    client: TestClient, path: str, params: dict[str, str], message: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["errorType"]) == ("error", "bad_data")
    assert message in body["error"]


def test_buildinfo_health_and_own_metrics(loaded: TestClient) -> None:
    info = data(loaded.get("/api/v1/status/buildinfo"))
    assert info["application"] == "pulseboard" and info["version"]
    assert loaded.get("/-/healthy").status_code == 200
    assert loaded.get("/-/ready").status_code == 200
    metrics = loaded.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "pulseboard_storage_series 3.0" in metrics.text
    assert 'pulseboard_ingested_samples_total{source="import"} 3.0' in metrics.text
    assert 'route="/api/v1/import/prometheus"' in metrics.text
