"""One shared evaluation: a query followed by any number of subscribers, evaluated once a tick.

Subscribers that ask for the same query, step, interval and scope share one loop: it evaluates
the steps since its last push in a worker thread and offers the same encoded body to every
subscriber. A subscriber joins with its own first window (whole range, or what it missed since a
resume point) evaluated up to the loop's last push, so that from then on the loop's pushes
continue its data without a gap or an overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
import orjson
from anyio import to_thread

from pulseboard.live.client import LiveClient, Outgoing
from pulseboard.live.delta import (
    SeriesChanges,
    Window,
    align_down,
    encode_body,
    first_window,
    message_prefix,
)
from pulseboard.live.ticks import DataClock, next_tick
from pulseboard.promql.api import Matrix, PromQLError, QueryEngine
from pulseboard.storage.protocol import Scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryKey:
    """Everything that decides what a shared evaluation pushes; the scope keeps tenants apart."""

    expr: str
    step_ms: int
    interval_ms: int
    scope: Scope


@dataclass(eq=False)
class Member:
    """One subscriber's place in one shared evaluation."""

    client: LiveClient
    subscription_id: str
    ref: str
    active: bool = True
    data_prefix: str = field(init=False)

    def __post_init__(self) -> None:
        self.data_prefix = message_prefix("data", self.subscription_id, self.ref)

    def data(self, body: str, end_ms: int) -> Outgoing:
        return Outgoing("data", self.data_prefix + body, self.subscription_id, self.ref, end_ms)

    def error(self, message: str) -> Outgoing:
        text = orjson.dumps(
            {"type": "error", "id": self.subscription_id, "ref": self.ref, "message": message}
        ).decode()
        return Outgoing("error", text, self.subscription_id, self.ref)


@dataclass(frozen=True)
class EvaluationSettings:
    settle_ms: int
    timeout_s: float
    # Evaluations running at once, over all shared queries. Panels stepping together (every
    # 15 s) would otherwise start a thread each and fight the event loop for the GIL; a few at a
    # time keeps pushes of the other queries prompt.
    limiter: anyio.CapacityLimiter


class SharedQuery:
    def __init__(
        self,
        key: QueryKey,
        engine: QueryEngine,
        clock: DataClock,
        settings: EvaluationSettings,
        on_overflow: Callable[[LiveClient], None],
    ) -> None:
        self.key = key
        self.members: set[Member] = set()
        self._engine = engine
        self._clock = clock
        self._settings = settings
        self._on_overflow = on_overflow
        self._last_end_ms = align_down(clock.now_ms(), key.step_ms)
        self._changes = SeriesChanges()
        self._task: asyncio.Task[None] | None = None
        self._joining = 0
        # Queries stepping slower than they tick (panels at their data's 15 s resolution) would
        # all evaluate on the same tick, starving the event loop and delaying every other push;
        # each waits its own fixed part of an interval instead, spreading them out.
        self._spread_s = zlib.crc32(key.expr.encode()) % key.interval_ms / 1000

    async def join(self, member: Member, range_ms: int, since_ms: int | None) -> None:
        """Send the member its first window, then add it to the pushes; raises PromQLError."""
        self._joining += 1
        try:
            await self._send_first_windows(member, range_ms, since_ms)
        finally:
            self._joining -= 1

    async def _send_first_windows(
        self, member: Member, range_ms: int, since_ms: int | None
    ) -> None:
        window = first_window(self._last_end_ms, self.key.step_ms, range_ms, since_ms)
        while True:
            matrix = Matrix([]) if window.empty else await self._evaluate(window)
            if not member.active:
                return
            body = encode_body(window, matrix, self._clock.now_ms())
            if not member.client.offer(member.data(body, window.end_ms)):
                self._on_overflow(member.client)
                return
            if window.end_ms >= self._last_end_ms:
                break
            window = window.after(self._last_end_ms)  # the loop pushed while we evaluated
        self.members.add(member)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"live {self.key.expr[:60]}")

    def leave(self, member: Member) -> None:
        member.active = False
        self.members.discard(member)
        if not self.members and self._task is not None:
            self._task.cancel()
            self._task = None

    @property
    def idle(self) -> bool:
        """Nobody follows or is joining: the hub can forget this evaluation."""
        return not self.members and not self._joining

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        tick_ms = self._clock.now_ms()
        while self.members:
            tick_ms = max(next_tick(tick_ms, self.key.interval_ms), self._latest_due_tick())
            await self._clock.wait_for_tick(tick_ms, self._settings.settle_ms)
            end_ms = align_down(tick_ms, self.key.step_ms)
            if end_ms > self._last_end_ms:
                step_ms = self.key.step_ms
                if step_ms > self.key.interval_ms:
                    await asyncio.sleep(self._spread_s)
                await self._push(Window(self._last_end_ms + step_ms, end_ms, step_ms, reset=False))

    def _latest_due_tick(self) -> int:
        """After a slow evaluation, skip the ticks already missed (the next window covers
        their steps anyway) instead of evaluating them one by one."""
        now_ms = self._clock.now_ms()
        return now_ms - now_ms % self.key.interval_ms

    async def _push(self, window: Window) -> None:
        try:
            matrix = await self._evaluate(window)
        except PromQLError as exc:
            reason = str(exc)
            self._broadcast(lambda member: member.error(reason))
            return
        except Exception:  # keep pushing to everyone; the next tick retries the same steps
            log.exception("live evaluation of %r failed", self.key.expr)
            self._broadcast(lambda member: member.error("internal error evaluating the query"))
            return
        appeared, vanished = self._changes.advance(matrix)
        body = encode_body(window, matrix, self._clock.now_ms(), appeared, vanished)
        self._last_end_ms = window.end_ms
        self._broadcast(lambda member: member.data(body, window.end_ms))

    def _broadcast(self, message_for: Callable[[Member], Outgoing]) -> None:
        for member in list(self.members):
            if member.active and not member.client.offer(message_for(member)):
                self._on_overflow(member.client)

    async def _evaluate(self, window: Window) -> Matrix:
        key = self.key
        result = await to_thread.run_sync(
            lambda: self._engine.range(
                key.expr,
                window.start_ms,
                window.end_ms,
                window.step_ms,
                key.scope,
                self._settings.timeout_s,
            ),
            limiter=self._settings.limiter,
        )
        value = result.value
        assert isinstance(value, Matrix)  # the engine's contract for range queries
        return value
