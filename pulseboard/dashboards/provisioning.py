"""Dashboards from files, as Grafana's file provisioning loads them, and the built-in templates.

A provider file (Grafana's `provisioning/dashboards/*.yaml`: `providers: [{name, folder, type: file,
disableDeletion, updateIntervalSeconds, allowUiUpdates, options: {path,
foldersFromFilesStructure}}]`) names folders of dashboard JSON files (Grafana's format or ours).
They are loaded at start and checked again every `updateIntervalSeconds`: a changed file saves a
new version, a new file creates its dashboard, a removed file deletes it unless `disableDeletion`.
The file is the truth: at start a stored copy that differs from its file is replaced.

The built-in templates are created on first start only (people may edit them afterwards), and can
be re-created from the package at any time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from anyio import to_thread

from pulseboard.dashboards.grafana import GrafanaImportError, from_grafana
from pulseboard.dashboards.model import SCHEMA_VERSION, Dashboard
from pulseboard.dashboards.service import DashboardService, InvalidDashboardError, validated
from pulseboard.meta import DashboardNotFoundError, MetaError, StoredDashboard

log = logging.getLogger(__name__)

AUTHOR = "provisioning"
TEMPLATES_AUTHOR = "templates"
_DEFAULT_INTERVAL_S = 10


class ProvisioningConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Provider:
    name: str
    path: Path
    folder: str = ""
    disable_deletion: bool = False
    update_interval_s: int = _DEFAULT_INTERVAL_S
    allow_ui_updates: bool = False
    folders_from_files: bool = False


@dataclass
class _FileState:
    signature: tuple[int, int]  # (mtime_ns, size)
    uid: str | None
    error: str | None = None


@dataclass
class _ProviderState:
    provider: Provider
    files: dict[Path, _FileState] = field(default_factory=dict)


def read_providers(path: Path) -> list[Provider]:
    """Providers of a provider file, or of every *.yaml/*.yml file in a directory."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    elif path.is_file():
        files = [path]
    else:
        raise ProvisioningConfigError(f"dashboard provisioning path {path} does not exist")
    return [provider for file in files for provider in _providers_of(file)]


def _providers_of(file: Path) -> list[Provider]:
    try:
        raw = yaml.safe_load(file.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ProvisioningConfigError(f"{file}: not YAML: {exc}") from None
    entries = raw.get("providers") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ProvisioningConfigError(f"{file}: expected a `providers:` list")
    providers = []
    for index, entry in enumerate(entries):
        where = f"{file}: providers[{index}]"
        if not isinstance(entry, dict):
            raise ProvisioningConfigError(f"{where}: expected a mapping")
        if entry.get("type", "file") != "file":
            raise ProvisioningConfigError(f"{where}: only `type: file` providers exist")
        options = entry.get("options") or {}
        folder_path = options.get("path") if isinstance(options, dict) else None
        if not isinstance(folder_path, str) or not folder_path:
            raise ProvisioningConfigError(f"{where}: options.path is required")
        interval = entry.get("updateIntervalSeconds", _DEFAULT_INTERVAL_S)
        if not isinstance(interval, int) or interval < 1:
            raise ProvisioningConfigError(f"{where}: updateIntervalSeconds must be >= 1")
        providers.append(
            Provider(
                name=str(entry.get("name") or file.stem),
                # Relative paths are relative to the provider file, so a folder moves as a whole.
                path=(file.parent / folder_path).resolve(),
                folder=str(entry.get("folder") or ""),
                disable_deletion=bool(entry.get("disableDeletion", False)),
                update_interval_s=interval,
                allow_ui_updates=bool(entry.get("allowUiUpdates", False)),
                folders_from_files=bool(options.get("foldersFromFilesStructure", False)),
            )
        )
    return providers


def dashboard_of_file(text: str) -> Dashboard:
    """A dashboard file in our format (schemaVersion 1, `variables`) or Grafana's."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDashboardError([{"path": "", "message": f"not JSON: {exc}"}]) from None
    is_ours = (
        isinstance(document, dict)
        and document.get("schemaVersion") == SCHEMA_VERSION
        and "templating" not in document
    )
    return validated(document) if is_ours else from_grafana(document)


class Provisioner:
    """Keeps the stored dashboards in line with the provider folders (a server Service)."""

    def __init__(self, service: DashboardService, providers: list[Provider]) -> None:
        self._service = service
        self._states = [_ProviderState(provider) for provider in providers]
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await to_thread.run_sync(self.sync)
        if self._states:
            self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        interval = min(state.provider.update_interval_s for state in self._states)
        while True:
            await asyncio.sleep(interval)
            try:
                await to_thread.run_sync(self.sync)
            except Exception:  # the next round tries again
                log.exception("dashboard provisioning failed")

    def status(self) -> list[dict[str, Any]]:
        return [
            {
                "name": state.provider.name,
                "path": str(state.provider.path),
                "files": [
                    {"file": str(path), "uid": file.uid, "error": file.error}
                    for path, file in sorted(state.files.items())
                ],
            }
            for state in self._states
        ]

    def sync(self) -> None:
        for state in self._states:
            self._sync_provider(state)

    def _sync_provider(self, state: _ProviderState) -> None:
        provider = state.provider
        found = (
            {
                path: (path.stat().st_mtime_ns, path.stat().st_size)
                for path in sorted(provider.path.rglob("*.json"))
                if path.is_file()
            }
            if provider.path.is_dir()
            else {}
        )
        for path in [p for p in state.files if p not in found]:
            removed = state.files.pop(path)
            if removed.uid is not None and not provider.disable_deletion:
                self._service.unmark_provisioned(removed.uid)
                with contextlib.suppress(DashboardNotFoundError):
                    self._service.store.delete(removed.uid)
        for path, signature in found.items():
            known = state.files.get(path)
            if known is None or known.signature != signature:
                state.files[path] = self._load(provider, path, signature, known)

    def _load(
        self,
        provider: Provider,
        path: Path,
        signature: tuple[int, int],
        known: _FileState | None,
    ) -> _FileState:
        """Store the file's dashboard; a broken file leaves the last good one (still owned)."""
        try:
            dashboard = dashboard_of_file(path.read_text())
            folder = provider.folder
            if provider.folders_from_files and path.parent != provider.path:
                folder = path.parent.name
            dashboard = dashboard.model_copy(update={"folder": folder})
            self._service.mark_provisioned(dashboard.uid, provider.name, provider.allow_ui_updates)
            self._service.put(dashboard, author=AUTHOR, message=f"provisioned from {path.name}")
        except (InvalidDashboardError, GrafanaImportError, MetaError, OSError) as exc:
            log.warning("cannot provision %s: %s", path, exc)
            return _FileState(signature, None if known is None else known.uid, str(exc))
        return _FileState(signature, dashboard.uid)


# ----------------------------------------------------------------------------- templates


def template_dashboards() -> dict[str, Dashboard]:
    """The built-in templates by uid (Grafana JSON shipped in the package)."""
    folder = resources.files("pulseboard.dashboards") / "templates"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            dashboard = from_grafana(json.loads(entry.read_text()))
            found[dashboard.uid] = dashboard.model_copy(update={"folder": "Pulseboard"})
    return found


def provision_templates(service: DashboardService) -> list[str]:
    """Create the templates that are not stored yet; the uids created."""
    created = []
    for uid, dashboard in template_dashboards().items():
        try:
            service.store.get(uid)
        except DashboardNotFoundError:
            service.store.create(
                dashboard.to_document(), author=TEMPLATES_AUTHOR, message="built-in template"
            )
            created.append(uid)
    return created


def recreate_template(service: DashboardService, uid: str) -> StoredDashboard:
    """The template as shipped, saved as the dashboard's newest version (or created again)."""
    templates = template_dashboards()
    if uid not in templates:
        raise DashboardNotFoundError(uid)
    return service.put(templates[uid], author=TEMPLATES_AUTHOR, message="re-created from template")
