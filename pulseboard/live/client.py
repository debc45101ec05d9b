"""One connected client (a WebSocket or an SSE stream) as the hub sees it: a bounded outbox.

The hub never waits for a client: it offers each message and, when the outbox is full, drops
the client. The transport drains the outbox at whatever pace the network allows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

# WebSocket close codes (RFC 6455) the live endpoints use.
GOING_AWAY = 1001
UNSUPPORTED_DATA = 1003
INVALID_PAYLOAD = 1007
MESSAGE_TOO_BIG = 1009
TRY_AGAIN_LATER = 1013


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message as sent (`text`), with what SSE needs to frame it and track its resume cursor."""

    kind: str  # data | error | unsubscribed | pong
    text: str
    subscription_id: str | None = None
    ref: str | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class CloseReason:
    code: int
    reason: str


@dataclass(eq=False)
class LiveClient:
    capacity: int
    outbox: asyncio.Queue[Outgoing] = field(init=False)
    closed: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    close_reason: CloseReason | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.outbox = asyncio.Queue(self.capacity)

    def offer(self, message: Outgoing) -> bool:
        """Queue a message; False (and nothing queued) when the client is closed or too slow."""
        if self.closed.is_set():
            return False
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            return False
        return True

    def close(self, code: int, reason: str) -> None:
        """Ask the transport to end the connection (the first reason given wins)."""
        if not self.closed.is_set():
            self.close_reason = CloseReason(code, reason)
            self.closed.set()

    async def next_message(self, timeout_s: float) -> Outgoing | None:
        """The next queued message, or None after timeout_s or once the client is closed."""
        if self.closed.is_set():
            return None
        getter = asyncio.ensure_future(self.outbox.get())
        closing = asyncio.ensure_future(self.closed.wait())
        done, _ = await asyncio.wait(
            {getter, closing}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        closing.cancel()
        if getter in done:
            return getter.result()
        getter.cancel()
        return None
