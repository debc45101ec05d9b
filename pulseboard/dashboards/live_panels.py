"""What a live subscription to a dashboard panel follows: the panel's targets, interpolated."""

from __future__ import annotations

import time

from anyio import to_thread

from pulseboard.dashboards.panel_data import panel_jobs, prepare
from pulseboard.dashboards.service import DashboardService
from pulseboard.live.protocol import LiveQuery, UnknownPanelError
from pulseboard.meta import DashboardNotFoundError
from pulseboard.promql.api import QueryEngine
from pulseboard.storage.protocol import Scope, Storage


class PanelQueries:
    """A live.protocol.PanelResolver over the stored dashboards.

    Variables resolve over the dashboard's default time range, as when it is opened.
    """

    def __init__(self, service: DashboardService, storage: Storage, engine: QueryEngine) -> None:
        self._service = service
        self._storage = storage
        self._engine = engine

    async def __call__(
        self, uid: str, panel_id: int, chosen: dict[str, list[str]], scope: Scope
    ) -> list[LiveQuery]:
        return await to_thread.run_sync(self._resolve, uid, panel_id, chosen, scope)

    def _resolve(
        self, uid: str, panel_id: int, chosen: dict[str, list[str]], scope: Scope
    ) -> list[LiveQuery]:
        try:
            dashboard = self._service.model(uid)
        except DashboardNotFoundError as exc:
            raise UnknownPanelError(str(exc)) from None
        panel = next((p for p in dashboard.walk_panels() if p.id == panel_id), None)
        if panel is None:
            raise UnknownPanelError(f"dashboard {uid!r} has no panel {panel_id}")
        request = prepare(
            dashboard,
            chosen,
            storage=self._storage,
            engine=self._engine,
            scope=scope,
            now_ms=round(time.time() * 1000),
        )
        return [LiveQuery(job.target.ref_id, job.expr) for job in panel_jobs(panel, request)]
