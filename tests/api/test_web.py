"""The web UI's pages and assets, and that the history-API fallback shadows no server route."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pulseboard.api import web

INDEX = '<!doctype html><html><body><script type="module" src="/assets/app-1a2b3c.js"></script>'


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in build: index.html, one hashed asset and a file at the root."""
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "app-1a2b3c.js").write_text("console.log('pulseboard')\n")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    monkeypatch.setattr(web, "WEB_DIR", root)
    return root


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/d/operations",
        "/d/operations?from=now-1h&to=now&var-job=api",
        "/explore",
        "/alerting",
        "/settings",
        "/notifications",
        "/some/deep/link",
    ],
)
def test_pages_get_the_app(client: TestClient, built: Path, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.text == INDEX
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_head_of_a_page(client: TestClient, built: Path) -> None:
    answer = client.head("/d/operations")
    assert answer.status_code == 200
    assert answer.content == b""


def test_hashed_assets_are_cached_for_a_year(client: TestClient, built: Path) -> None:
    answer = client.get("/assets/app-1a2b3c.js")
    assert answer.status_code == 200
    assert answer.text == "console.log('pulseboard')\n"
    assert "javascript" in answer.headers["content-type"]
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_text_assets_are_sent_gzipped_to_browsers_that_accept_it(
    client: TestClient, built: Path
) -> None:
    raw = (built / "assets" / "app-1a2b3c.js").read_bytes()
    with client.stream("GET", "/assets/app-1a2b3c.js", headers={"Accept-Encoding": "gzip"}) as sent:
        assert sent.headers["content-encoding"] == "gzip"
        assert sent.headers["vary"] == "Accept-Encoding"
        wire = b"".join(sent.iter_raw())
    assert gzip.decompress(wire) == raw
    plain = client.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == raw


def test_a_missing_asset_is_not_found_rather_than_the_page(client: TestClient, built: Path) -> None:
    answer = client.get("/assets/app-000000.js")
    assert answer.status_code == 404
    assert "html" not in answer.headers["content-type"]


def test_files_at_the_root_of_the_build_are_served(client: TestClient, built: Path) -> None:
    answer = client.get("/favicon.svg")
    assert answer.status_code == 200
    assert answer.text.startswith("<svg")


@pytest.mark.parametrize("path", ["/assets/..%2F..%2Fsecret.txt", "/..%2Fsecret.txt"])
def test_nothing_outside_the_build_is_served(client: TestClient, built: Path, path: str) -> None:
    answer = client.get(path)
    assert "outside the build" not in answer.text


def test_without_a_build_pages_say_how_to_build_it(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "WEB_DIR", tmp_path / "not-built")
    for path in ("/", "/d/operations"):
        answer = client.get(path)
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith("text/plain")
        assert "npm --prefix web ci && npm --prefix web run build" in answer.text
    assert client.get("/-/healthy").status_code == 200


def test_server_routes_win_over_the_app(client: TestClient, built: Path) -> None:
    assert client.get("/-/healthy").text == "Pulseboard is Healthy.\n"
    assert client.get("/-/ready").status_code == 200
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and "text/plain" in metrics.headers["content-type"]
    assert isinstance(client.get("/api/dashboards").json(), list)
    assert client.get("/api/dashboards/operations").json()["dashboard"]["uid"] == "operations"
    assert client.get("/api/v1/query", params={"query": "1"}).json()["status"] == "success"
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Pulseboard"


def test_openapi_does_not_list_the_pages(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/{path}" not in paths
    assert "/assets/{path}" not in paths


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/v1/nope", "/-/nope", "/metrics/x"])
def test_unknown_server_paths_are_not_found(client: TestClient, built: Path, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert "html" not in answer.headers["content-type"]


def test_unknown_api_paths_answer_in_the_error_envelope(client: TestClient, built: Path) -> None:
    body = client.get("/api/v1/nope").json()
    assert body["status"] == "error" and body["errorType"] == "not_found"


def test_other_methods_keep_their_answers(client: TestClient, built: Path) -> None:
    # Unknown paths stay 404 (not a 405 of the GET-only fallback) ...
    assert client.post("/explore").status_code == 404
    assert client.post("/api/v1/nope").status_code == 404
    # ... and a known path asked with a method it lacks stays a 405.
    assert client.delete("/api/v1/query").status_code == 405


def test_the_committed_build_serves_every_asset_it_names(client: TestClient) -> None:
    index = web.WEB_DIR / "index.html"
    if not index.is_file():
        pytest.skip("the web UI is not built (npm --prefix web run build)")
    page = client.get("/")
    assert page.status_code == 200
    names = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text)
    assert names, "index.html names no assets"
    for name in names:
        answer = client.get(name)
        assert answer.status_code == 200, name
        assert answer.headers["cache-control"].endswith("immutable")
