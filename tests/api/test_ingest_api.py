"""Ingestion endpoints answer as Prometheus does, and bad input stores nothing wrong."""

from __future__ import annotations

import hashlib
import time

import cramjam
import pytest
from fastapi.testclient import TestClient

from tests.ingest.remote_write_helpers import encode_remote_write, snappy, write_request

NOW = int(time.time() * 1000)
PROTOBUF = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}


def series(client: TestClient, selector: str) -> list[dict[str, str]]:
    response = client.get("/api/v1/series", params={"match[]": selector})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def stored_count(client: TestClient) -> int:
    return len(series(client, '{__name__=~".+"}'))


def write(client: TestClient, body: bytes, headers: dict[str, str] = PROTOBUF) -> object:
    return client.post("/api/v1/write", content=body, headers=headers)


def test_remote_write_round_trip(client: TestClient) -> None:
    body = encode_remote_write(
        [
            ((("__name__", "http_requests_total"), ("job", "api"), ("code", "200")), [(5.0, NOW)]),
            ((("__name__", "http_requests_total"), ("job", "api"), ("code", "500")), [(1.0, NOW)]),
        ]
    )
    response = write(client, body)
    assert response.status_code == 204, response.text
    found = series(client, 'http_requests_total{job="api"}')
    assert sorted(s["code"] for s in found) == ["200", "500"]


def test_retried_batch_is_accepted_and_stored_once(client: TestClient) -> None:
    body = encode_remote_write([((("__name__", "x"),), [(1.0, NOW - 1000), (2.0, NOW)])])
    assert write(client, body).status_code == 204
    assert write(client, body).status_code == 204
    metrics = client.get("/metrics").text
    assert 'pulseboard_ingested_samples_total{source="remote_write"} 2.0' in metrics
    assert 'pulseboard_duplicate_samples_total{source="remote_write"} 2.0' in metrics


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not snappy at all \xff\xff", 400, "snappy"),
        (snappy(b"\x0a\x05\x0a\x03\xff\xff"), 400, "protobuf"),
        (b"", 400, "empty"),
    ],
)
def test_undecodable_remote_write_is_refused(
    client: TestClient, body: bytes, status: int, message: str
) -> None:
    response = write(client, body)
    assert response.status_code == status
    assert response.json()["status"] == "error"
    assert message in response.json()["error"].lower()
    assert stored_count(client) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json", "Content-Encoding": "snappy"},
        {"Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request"},
        {"Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"},
    ],
)
def test_wrong_content_type_is_415(client: TestClient, headers: dict[str, str]) -> None:
    body = encode_remote_write([((("__name__", "x"),), [(1.0, NOW)])])
    response = write(client, body, headers)
    assert response.status_code == 415
    assert stored_count(client) == 0


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ((("__name__", "bad-metric"),), "invalid metric name"),
        ((("__name__", "ok"), ("bad label", "v")), "invalid label name"),
        ((("__name__", "ok"), ("a", "1"), ("a", "2")), "duplicate label name"),
        ((("job", "x"),), "no metric name"),
    ],
)
def test_invalid_series_refuse_the_whole_request(
    client: TestClient, labels: tuple[tuple[str, str], ...], message: str
) -> None:
    body = encode_remote_write([((("__name__", "good"),), [(1.0, NOW)]), (labels, [(1.0, NOW)])])
    response = write(client, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert stored_count(client) == 0


def test_bad_samples_are_named_and_the_good_ones_kept(client: TestClient) -> None:
    assert (
        write(
            client, encode_remote_write([((("__name__", "g"),), [(1.0, NOW - 5000)])])
        ).status_code
        == 204
    )
    body = encode_remote_write(
        [
            ((("__name__", "g"),), [(9.0, NOW - 5000), (2.0, NOW)]),  # conflict, then fine
            ((("__name__", "old"),), [(1.0, 1000)]),  # 1970: older than the retention
            ((("__name__", "future"),), [(1.0, NOW + 10 * 86_400_000)]),
            ((("__name__", "negative"),), [(1.0, -1)]),
            ((("__name__", "fine"),), [(1.0, NOW)]),
        ]
    )
    response = write(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "duplicate sample for timestamp" in error
    assert "older than the raw retention" in error and "old{}" in error
    assert "too far in the future" in error
    assert "2 samples stored" in error
    names = {s["__name__"] for s in series(client, '{__name__=~".+"}')}
    assert names == {"g", "fine"}
    query = client.get("/api/v1/series", params={"match[]": "g", "start": NOW / 1000 - 1}).json()
    assert len(query["data"]) == 1


def test_body_over_the_limit_is_413(make_client: callable) -> None:
    client = make_client(limits={"max_body_bytes": 1000})
    body = encode_remote_write(
        [
            ((("__name__", f"m{i}"), ("pad", hashlib.sha256(bytes(i)).hexdigest())), [(1.0, NOW)])
            for i in range(100)
        ]
    )
    assert len(body) > 1000
    response = write(client, body)
    assert response.status_code == 413
    assert "max_body_bytes" in response.json()["error"]
    assert stored_count(client) == 0


def test_too_many_samples_in_one_request_is_413(make_client: callable) -> None:
    client = make_client(limits={"max_samples_per_request": 10})
    body = encode_remote_write([((("__name__", f"m{i}"),), [(1.0, NOW)]) for i in range(11)])
    response = write(client, body)
    assert response.status_code == 413
    assert "max_samples_per_request" in response.json()["error"]
    assert stored_count(client) == 0


def test_series_limit_overflow_names_the_limit(make_client: callable) -> None:
    client = make_client(limits={"max_series_per_project": 5})
    body = encode_remote_write([((("__name__", f"m{i}"),), [(1.0, NOW)]) for i in range(8)])
    response = write(client, body)
    assert response.status_code == 400
    assert "series limit of 5" in response.json()["error"]
    assert stored_count(client) == 5


def test_native_histograms_are_refused_clearly(client: TestClient) -> None:
    request = write_request([((("__name__", "h"),), [])])
    histogram = request.timeseries[0].histograms.add()
    histogram.timestamp = NOW
    body = bytes(cramjam.snappy.compress_raw(request.SerializeToString()))
    response = write(client, body)
    assert response.status_code == 400
    assert "native histogram" in response.json()["error"].lower()


def test_exposition_import_with_timestamps_and_extra_labels(client: TestClient) -> None:
    seconds = NOW // 1000
    text = (
        "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\n"
        f'jobs_total{{kind="batch"}} 3 {(seconds - 60) * 1000}\n'
        f'jobs_total{{kind="batch"}} 5 {seconds * 1000}\n'
        "temperature_celsius 21.5\n"
    )
    response = client.post(
        "/api/v1/import/prometheus",
        content=text,
        params={"extra_label": ["project=atlas", "job=backfill"]},
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 204, response.text
    found = series(client, 'jobs_total{project="atlas",job="backfill"}')
    assert found == [
        {"__name__": "jobs_total", "job": "backfill", "kind": "batch", "project": "atlas"}
    ]
    metadata = client.get("/api/v1/metadata", params={"metric": "jobs_total"}).json()["data"]
    assert metadata == {"jobs_total": [{"type": "counter", "help": "Jobs run.", "unit": ""}]}


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ('metric{a="unterminated} 1\n', {}),
        ("metric 1 2 3 4\n", {}),
        ("metric not_a_number\n", {}),
        ("metric 1\n", {"extra_label": "novalue"}),
    ],
)
def test_malformed_exposition_stores_nothing(
    client: TestClient, text: str, params: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/import/prometheus", content="ok_metric 1\n" + text, params=params
    )
    assert response.status_code == 400
    assert stored_count(client) == 0


def test_json_samples(client: TestClient) -> None:
    body = {
        "samples": [
            {
                "metric": "deploys_total",
                "labels": {"env": "prod"},
                "value": 3,
                "timestamp": NOW / 1000,
            },
            {"metric": "deploys_total", "labels": {"env": "dev"}, "value": "NaN"},
        ]
    }
    assert client.post("/api/v1/import/json", json=body).status_code == 204
    assert {s["env"] for s in series(client, "deploys_total")} == {"prod", "dev"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"samples": [{"labels": {}, "value": 1}]}, "samples.0.metric"),
        ({"samples": [{"metric": "x", "value": "lots"}]}, "samples.0.value"),
        ({"samples": [{"metric": "x", "value": 1, "colour": "red"}]}, "colour"),
        ({"rows": []}, "samples"),
    ],
)
def test_invalid_json_samples_name_the_field(
    client: TestClient, body: dict[str, object], fragment: str
) -> None:
    response = client.post("/api/v1/import/json", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert stored_count(client) == 0


def failed_requests(client: TestClient, source: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(f'pulseboard_ingest_failed_requests_total{{source="{source}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.parametrize(
    "body",
    [
        b"garbage",  # refused while decoding
        encode_remote_write([((("__name__", "bad-name"),), [(1.0, NOW)])]),  # by the store
    ],
)
def test_a_refused_request_is_counted_once(client: TestClient, body: bytes) -> None:
    assert write(client, body).status_code == 400
    assert failed_requests(client, "remote_write") == 1.0


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/import/prometheus", "application/json"),
        ("/api/v1/import/json", "text/plain"),
        ("/api/v1/otlp/v1/metrics", "text/plain"),
    ],
)
def test_every_ingest_endpoint_refuses_a_wrong_content_type(
    client: TestClient, path: str, content_type: str
) -> None:
    response = client.post(path, content=b"x 1\n", headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert response.json()["errorType"] == "unsupported"
    assert stored_count(client) == 0
