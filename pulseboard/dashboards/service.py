"""Dashboards as the API and provisioning see them: validated documents in the metadata store.

Every document is read through the model before it is stored (so what is stored is always a
valid dashboard, in our canonical form), and documents that provisioning owns cannot be changed
through the API unless their provider allows it, as in Grafana.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pulseboard.dashboards.diff import Change, diff
from pulseboard.dashboards.grafana import from_grafana, to_grafana
from pulseboard.dashboards.model import Dashboard, validation_problems
from pulseboard.meta import (
    DashboardNotFoundError,
    DashboardStore,
    StoredDashboard,
)


class InvalidDashboardError(ValueError):
    """The document is not a valid dashboard; `problems` name each field path."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        summary = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:5])
        super().__init__(f"invalid dashboard: {summary}")
        self.problems = problems


class ProvisionedDashboardError(PermissionError):
    def __init__(self, uid: str, provider: str) -> None:
        super().__init__(
            f"dashboard {uid!r} is provisioned from files by {provider!r}, which does not allow "
            "changes from the API: change its file, or save a copy under another uid"
        )


def validated(document: Any) -> Dashboard:
    if not isinstance(document, dict):
        raise InvalidDashboardError([{"path": "", "message": "a dashboard is a JSON object"}])
    try:
        return Dashboard.model_validate(document)
    except ValidationError as exc:
        raise InvalidDashboardError(validation_problems(exc)) from None


@dataclass(frozen=True)
class _Provisioned:
    provider: str
    allow_api_updates: bool


class DashboardService:
    def __init__(self, store: DashboardStore) -> None:
        self.store = store
        self._provisioned: dict[str, _Provisioned] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------- documents

    def create(self, document: Any, *, author: str = "", message: str = "") -> StoredDashboard:
        dashboard = validated(document)
        return self.store.create(dashboard.to_document(), author=author, message=message)

    def update(
        self,
        uid: str,
        document: Any,
        *,
        expected_version: int | None,
        author: str = "",
        message: str = "",
    ) -> StoredDashboard:
        """Save a new version; `expected_version` None overwrites whatever is stored."""
        self._check_writable(uid)
        dashboard = validated(document)
        if dashboard.uid != uid:
            raise InvalidDashboardError(
                [{"path": "uid", "message": f"{dashboard.uid!r} does not match {uid!r}"}]
            )
        if expected_version is None:
            expected_version = self.store.get(uid).version
        return self.store.update(
            uid,
            dashboard.to_document(),
            expected_version=expected_version,
            author=author,
            message=message,
        )

    def delete(self, uid: str) -> None:
        self._check_writable(uid)
        self.store.delete(uid)

    def get(self, uid: str) -> StoredDashboard:
        return self.store.get(uid)

    def model(self, uid: str) -> Dashboard:
        return Dashboard.model_validate(self.store.get(uid).data)

    def restore(self, uid: str, version: int, *, author: str = "") -> StoredDashboard:
        self._check_writable(uid)
        return self.store.restore(uid, version, author=author)

    def changes(self, uid: str, base: int, other: int) -> list[Change]:
        return diff(self.store.version(uid, base), self.store.version(uid, other))

    def export(self, uid: str, *, grafana: bool) -> dict[str, Any]:
        stored = self.store.get(uid)
        return to_grafana(Dashboard.model_validate(stored.data)) if grafana else stored.data

    # ------------------------------------------------------------------------- import

    def import_grafana(
        self, document: Any, *, overwrite: bool, folder: str | None = None, author: str = ""
    ) -> StoredDashboard:
        """Create (or, with overwrite, replace) the dashboard a Grafana JSON describes."""
        dashboard = from_grafana(document)
        if folder is not None:
            dashboard = dashboard.model_copy(update={"folder": folder})
        return self.save(
            dashboard, overwrite=overwrite, author=author, message="imported from Grafana"
        )

    def save(
        self, dashboard: Dashboard, *, overwrite: bool, author: str, message: str
    ) -> StoredDashboard:
        """Create it, or (with overwrite) save it over a stored one the API may change."""
        if not overwrite:
            return self.store.create(dashboard.to_document(), author=author, message=message)
        self._check_writable(dashboard.uid)
        return self.put(dashboard, author=author, message=message)

    def put(self, dashboard: Dashboard, *, author: str, message: str) -> StoredDashboard:
        """Create it, or save it as the newest version; the stored content again saves nothing.

        For those who own a dashboard's content (provisioning, templates): no provisioning check.
        """
        document = dashboard.to_document()
        try:
            stored = self.store.get(dashboard.uid)
        except DashboardNotFoundError:
            return self.store.create(document, author=author, message=message)
        if {**stored.data, "version": 0} == {**document, "version": 0}:
            return stored
        return self.store.update(
            dashboard.uid, document, expected_version=stored.version, author=author, message=message
        )

    # ------------------------------------------------------------------------- provisioning

    def mark_provisioned(self, uid: str, provider: str, allow_api_updates: bool) -> None:
        with self._lock:
            self._provisioned[uid] = _Provisioned(provider, allow_api_updates)

    def unmark_provisioned(self, uid: str) -> None:
        with self._lock:
            self._provisioned.pop(uid, None)

    def provisioned_by(self, uid: str) -> str | None:
        found = self._provisioned.get(uid)
        return None if found is None else found.provider

    def _check_writable(self, uid: str) -> None:
        found = self._provisioned.get(uid)
        if found is not None and not found.allow_api_updates:
            raise ProvisionedDashboardError(uid, found.provider)
