"""What a live subscription to a dashboard panel follows: the panel's targets, interpolated."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable

from anyio import to_thread

from pulseboard.dashboards.panel_data import panel_jobs, prepare
from pulseboard.dashboards.service import DashboardService
from pulseboard.live.protocol import LiveQuery, UnknownPanelError
from pulseboard.meta import DashboardNotFoundError
from pulseboard.promql.api import QueryEngine
from pulseboard.storage.protocol import Scope, Storage

# How long a resolved panel is reused (a saved change of the dashboard shows after this).
RESOLVED_TTL_S = 5.0


class PanelQueries:
    """A live.protocol.PanelResolver over the stored dashboards.

    Variables resolve over the dashboard's default time range, as when it is opened.
    """

    def __init__(
        self,
        service: DashboardService,
        storage: Storage,
        engine: QueryEngine,
        ttl_s: float = RESOLVED_TTL_S,
    ) -> None:
        self._service = service
        self._storage = storage
        self._engine = engine
        self._ttl_s = ttl_s
        self._resolved: dict[Hashable, tuple[float, asyncio.Task[list[LiveQuery]]]] = {}

    async def __call__(
        self, uid: str, panel_id: int, chosen: dict[str, list[str]], scope: Scope
    ) -> list[LiveQuery]:
        """Every browser showing a dashboard subscribes to each of its panels at once: the same
        panel is resolved once (concurrent callers share the work) and reused for a few seconds.
        """
        key = (uid, panel_id, tuple(sorted((k, tuple(v)) for k, v in chosen.items())), scope)
        now = time.monotonic()
        found = self._resolved.get(key)
        if found is None or found[0] < now or _failed(found[1]):
            task = asyncio.ensure_future(
                to_thread.run_sync(self._resolve, uid, panel_id, chosen, scope)
            )
            found = self._resolved[key] = (now + self._ttl_s, task)
            self._forget_expired(now)
        return list(await asyncio.shield(found[1]))

    def _forget_expired(self, now: float) -> None:
        for key in [k for k, (expires, _) in self._resolved.items() if expires < now]:
            del self._resolved[key]

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
        return [
            LiveQuery(job.target.ref_id, job.expr, job.step_ms)
            for job in panel_jobs(panel, request)
        ]


def _failed(task: asyncio.Task[list[LiveQuery]]) -> bool:
    """A failed resolution is tried again by the next caller, not remembered."""
    return task.done() and (task.cancelled() or task.exception() is not None)
