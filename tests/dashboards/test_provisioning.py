"""File provisioning (Grafana's provider files) and the built-in templates, through a real app."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pulseboard.dashboards.provisioning import ProvisioningConfigError, read_providers
from pulseboard.server import Pulseboard

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "grafana"
VIRTENGINE = ("virtengine-overview.json", "provider-daemon.json", "business-metrics.json")


def provider_file(root: Path, **options: object) -> Path:
    """A provider file like the virtengine team's dashboards.yml, pointing at root/dashboards."""
    folder = root / "dashboards"
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"disableDeletion": False, "allowUiUpdates": False, **options}
    config = root / "provisioning"
    config.mkdir(exist_ok=True)
    lines = [
        "apiVersion: 1",
        "providers:",
        "  - name: 'VirtEngine'",
        "    orgId: 1",
        "    folder: 'VirtEngine'",
        "    folderUid: 'virtengine'",
        "    type: file",
        *(f"    {key}: {json.dumps(value)}" for key, value in settings.items()),
        "    updateIntervalSeconds: 30",
        "    options:",
        "      path: ../dashboards",
    ]
    (config / "dashboards.yml").write_text("\n".join(lines) + "\n")
    return config


def app_of(client: TestClient) -> Pulseboard:
    app: Pulseboard = client.app.state.pulseboard  # type: ignore[attr-defined]
    return app


def touch(path: Path) -> None:
    """A new modification time even on file systems with coarse timestamps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_provider_files_are_loaded_changed_and_removed(
    tmp_path: Path, make_client: Callable[..., TestClient]
) -> None:
    config = provider_file(tmp_path)
    for name in VIRTENGINE:
        shutil.copy(EXAMPLES / name, tmp_path / "dashboards" / name)
    client = make_client(dashboards={"provisioning": str(config), "templates": False})
    listed = client.get("/api/dashboards").json()
    assert len(listed) == 3 and {d["folder"] for d in listed} == {"VirtEngine"}
    uid = json.loads((EXAMPLES / "virtengine-overview.json").read_text())["uid"]
    meta = client.get(f"/api/dashboards/{uid}").json()
    assert meta["meta"]["provisionedBy"] == "VirtEngine"

    # allowUiUpdates: false -> the file is the only way to change it.
    edited = meta["dashboard"] | {"title": "Edited in the UI"}
    refused = client.put(f"/api/dashboards/{uid}", json=edited)
    assert refused.status_code == 403 and "provisioned" in refused.json()["error"]
    assert client.delete(f"/api/dashboards/{uid}").status_code == 403

    path = tmp_path / "dashboards" / "virtengine-overview.json"
    raw = json.loads(path.read_text())
    path.write_text(json.dumps(raw | {"title": "Overview, from the file"}))
    touch(path)
    provisioner = app_of(client).provisioner
    assert provisioner is not None
    provisioner.sync()
    changed = client.get(f"/api/dashboards/{uid}").json()
    assert changed["dashboard"]["title"] == "Overview, from the file"
    assert changed["meta"]["version"] == 2
    provisioner.sync()  # nothing changed: no new version
    assert client.get(f"/api/dashboards/{uid}").json()["meta"]["version"] == 2

    path.write_text("{broken")
    touch(path)
    provisioner.sync()
    status = client.get("/api/dashboards/provisioning").json()
    errors = [f for p in status for f in p["files"] if f["error"]]
    assert len(errors) == 1 and "not JSON" in errors[0]["error"]
    assert client.get(f"/api/dashboards/{uid}").status_code == 200  # the last good one stays

    path.unlink()
    provisioner.sync()
    assert client.get(f"/api/dashboards/{uid}").status_code == 404
    assert len(client.get("/api/dashboards").json()) == 2


def test_disable_deletion_and_ui_updates(
    tmp_path: Path, make_client: Callable[..., TestClient]
) -> None:
    config = provider_file(tmp_path, disableDeletion=True, allowUiUpdates=True)
    shutil.copy(EXAMPLES / "business-metrics.json", tmp_path / "dashboards" / "b.json")
    client = make_client(dashboards={"provisioning": str(config), "templates": False})
    [listed] = client.get("/api/dashboards").json()
    stored = client.get(f"/api/dashboards/{listed['uid']}").json()["dashboard"]
    assert client.put(f"/api/dashboards/{listed['uid']}", json=stored).status_code == 200
    (tmp_path / "dashboards" / "b.json").unlink()
    provisioner = app_of(client).provisioner
    assert provisioner is not None
    provisioner.sync()
    assert client.get(f"/api/dashboards/{listed['uid']}").status_code == 200


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("providers: {}", "providers"),
        ("providers:\n  - name: x\n    type: sql\n    options: {path: .}", "type: file"),
        ("providers:\n  - name: x\n    options: {}", "options.path"),
        ("providers: [\n", "not YAML"),
    ],
)
def test_bad_provider_files_are_refused_at_start(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "p.yaml").write_text(content)
    with pytest.raises(ProvisioningConfigError, match=message):
        read_providers(tmp_path)


def test_templates_are_created_once_and_can_be_recreated(
    tmp_path: Path, make_client: Callable[..., TestClient]
) -> None:
    client = make_client()
    listed = {d["uid"] for d in client.get("/api/dashboards").json()}
    offered = {t["uid"] for t in client.get("/api/dashboards/templates").json()}
    assert (
        listed
        == offered
        == {
            "business-overview",
            "operations",
            "llm-usage",
            "service-red",
            "pulseboard-self",
        }
    )
    operations = client.get("/api/dashboards/operations").json()["dashboard"]
    drawn = [p for p in operations["panels"] if p["type"] != "row"]
    assert len(drawn) == 20
    client.put("/api/dashboards/operations", json=operations | {"title": "Mine"})
    recreated = client.post("/api/dashboards/templates/operations/recreate")
    assert recreated.json()["version"] == 3
    assert (
        client.get("/api/dashboards/operations").json()["dashboard"]["title"] == operations["title"]
    )
    assert client.post("/api/dashboards/templates/nope/recreate").status_code == 404
    home = client.get("/api/dashboards/home", params={"persona": "business"}).json()
    assert home["uid"] == "business-overview" and home["refresh"] == "30s"
    assert home["time"] == {"from": "now-7d", "to": "now"}
    assert client.get("/api/dashboards/home").json()["uid"] == "operations"
    assert client.get("/api/dashboards/home", params={"persona": "cfo"}).status_code == 400
