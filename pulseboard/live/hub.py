"""The live hub: clients' subscriptions, mapped onto shared evaluations, for the server's lifetime.

Wiring (the server's lifespan runs start/stop; ingestion reports what it stored):

    hub = LiveHub(engine, resolver=dashboards.live_queries)
    ingester.on_stored = hub.note_appended      # any thread
    app.state.live_hub = hub
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import anyio

from pulseboard.live.client import GOING_AWAY, TRY_AGAIN_LATER, LiveClient
from pulseboard.live.protocol import (
    LiveQuery,
    PanelResolver,
    PanelSubscribe,
    Subscribe,
    SubscriptionError,
    UnknownPanelError,
)
from pulseboard.live.shared import EvaluationSettings, Member, QueryKey, SharedQuery
from pulseboard.live.ticks import DataClock, wall_clock_ms
from pulseboard.promql.api import PromQLError, QueryEngine
from pulseboard.storage.protocol import Scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveLimits:
    max_subscriptions_per_client: int = 100
    # Messages a client may have waiting; one more and it is dropped as too slow. A dashboard
    # of 20 panels at 1 s fills 64 in about 3 s of not reading.
    send_queue_messages: int = 64
    # A tick waits this long at most for samples stamped at or after it to be stored.
    settle_ms: int = 500
    evaluation_timeout_s: float = 30.0
    sse_heartbeat_s: float = 15.0
    concurrent_evaluations: int = 4  # worker threads evaluating live queries at once


class LiveHub:
    def __init__(
        self,
        engine: QueryEngine,
        *,
        resolver: PanelResolver | None = None,
        limits: LiveLimits = LiveLimits(),
        clock: DataClock | None = None,
    ) -> None:
        self.limits = limits
        self._engine = engine
        self._resolver = resolver
        self._clock = clock or DataClock(wall_clock_ms)
        self._settings = EvaluationSettings(
            limits.settle_ms,
            limits.evaluation_timeout_s,
            anyio.CapacityLimiter(limits.concurrent_evaluations),
        )
        self._shared: dict[QueryKey, SharedQuery] = {}
        self._clients: dict[LiveClient, dict[str, list[tuple[SharedQuery, Member]]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        for client in list(self._clients):
            self.disconnect(client)
            client.close(GOING_AWAY, "server shutting down")
        await asyncio.gather(*(shared.stop() for shared in self._shared.values()))
        self._shared.clear()
        self._loop = None

    def note_appended(self, newest_sample_ms: int) -> None:
        """Ingestion stored samples stamped up to newest_sample_ms; safe from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._clock.note_appended, newest_sample_ms)

    @property
    def shared_evaluations(self) -> int:
        return len(self._shared)

    @property
    def connected_clients(self) -> int:
        return len(self._clients)

    def connect(self) -> LiveClient:
        client = LiveClient(self.limits.send_queue_messages)
        self._clients[client] = {}
        return client

    def disconnect(self, client: LiveClient) -> None:
        for subscription_id in list(self._clients.get(client, {})):
            self.unsubscribe(client, subscription_id)
        self._clients.pop(client, None)

    async def subscribe(self, client: LiveClient, request: Subscribe, scope: Scope) -> None:
        """Send the subscription's first data and follow it; raises SubscriptionError (and then
        holds nothing for it)."""
        subscriptions = self._clients.get(client)
        if subscriptions is None:
            raise SubscriptionError(request.id, "the connection is closed")
        if request.id in subscriptions:
            raise SubscriptionError(request.id, "subscription id already in use; unsubscribe first")
        if len(subscriptions) >= self.limits.max_subscriptions_per_client:
            raise SubscriptionError(
                request.id,
                f"too many subscriptions on this connection "
                f"(limit {self.limits.max_subscriptions_per_client}); unsubscribe some first",
            )
        memberships = subscriptions[request.id] = []
        try:
            for query in await self._queries(request, scope):
                if client.closed.is_set():
                    return
                step_ms = request.step_ms
                if request.step is None and query.step_ms is not None:
                    step_ms = query.step_ms
                key = QueryKey(query.expr, step_ms, request.interval_ms, scope)
                shared = self._shared_for(key)
                member = Member(client, request.id, query.ref)
                memberships.append((shared, member))
                try:
                    await shared.join(member, request.range_ms, request.since_for(query.ref))
                except PromQLError as exc:
                    raise SubscriptionError(request.id, str(exc), query.ref) from None
                finally:
                    self._forget_if_idle(shared)
        except BaseException:
            self.unsubscribe(client, request.id)
            raise

    def unsubscribe(self, client: LiveClient, subscription_id: str) -> bool:
        memberships = self._clients.get(client, {}).pop(subscription_id, None)
        for shared, member in memberships or ():
            shared.leave(member)
            self._forget_if_idle(shared)
        return memberships is not None

    def drop_slow(self, client: LiveClient) -> None:
        """A client whose outbox is full leaves every evaluation; its transport closes it."""
        self.disconnect(client)
        client.close(
            TRY_AGAIN_LATER,
            f"client too slow: {self.limits.send_queue_messages} messages unread; "
            "reconnect and resume with since",
        )

    async def _queries(self, request: Subscribe, scope: Scope) -> list[LiveQuery]:
        if not isinstance(request, PanelSubscribe):
            return [LiveQuery("A", request.query)]
        if self._resolver is None:
            raise SubscriptionError(request.id, "dashboard subscriptions are not available")
        try:
            queries = await self._resolver(
                request.dashboard, request.panel, request.variables(), scope
            )
        except UnknownPanelError as exc:
            raise SubscriptionError(request.id, str(exc), status_code=404) from None
        except ValueError as exc:  # e.g. a variable whose query cannot be evaluated
            raise SubscriptionError(request.id, str(exc)) from None
        if not queries:
            raise SubscriptionError(
                request.id, f"panel {request.panel} of {request.dashboard!r} has no queries"
            )
        return queries

    def _shared_for(self, key: QueryKey) -> SharedQuery:
        shared = self._shared.get(key)
        if shared is None:
            shared = SharedQuery(key, self._engine, self._clock, self._settings, self.drop_slow)
            self._shared[key] = shared
        return shared

    def _forget_if_idle(self, shared: SharedQuery) -> None:
        if shared.idle and self._shared.get(shared.key) is shared:
            del self._shared[shared.key]
