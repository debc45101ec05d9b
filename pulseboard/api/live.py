"""Live updates over WebSocket (/api/live) and Server-Sent Events (/api/live/sse).

The protocol (messages, resume, reconnecting) is described in pulseboard/live/protocol.py; this
module only carries it over the two transports.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

import orjson
from fastapi import APIRouter, Header, Query, Request, WebSocket
from fastapi.responses import Response, StreamingResponse

from pulseboard.api.envelope import error_response
from pulseboard.live.client import (
    INVALID_PAYLOAD,
    MESSAGE_TOO_BIG,
    UNSUPPORTED_DATA,
    LiveClient,
    Outgoing,
)
from pulseboard.live.hub import LiveHub
from pulseboard.live.protocol import (
    PanelSubscribe,
    Ping,
    QuerySubscribe,
    Subscribe,
    SubscriptionError,
    Unsubscribe,
    parse_client_message,
)
from pulseboard.server import scope_of
from pulseboard.storage.protocol import Scope

router = APIRouter()

MAX_MESSAGE_CHARS = 65_536
# How long closing a dropped socket may take; a client that does not read gets no close frame.
CLOSE_TIMEOUT_S = 2.0
PONG = Outgoing("pong", '{"type":"pong"}')
# How long a frame waits for more messages to join it, and how many it holds at most.
BATCH_WINDOW_S = 0.01
MAX_BATCH = 256


def _error(exc: SubscriptionError) -> Outgoing:
    text = orjson.dumps(
        {"type": "error", "id": exc.subscription_id, "ref": exc.ref, "message": exc.message}
    ).decode()
    return Outgoing("error", text, exc.subscription_id, exc.ref)


def _reply(hub: LiveHub, client: LiveClient, message: Outgoing) -> None:
    if not client.offer(message):
        hub.drop_slow(client)


@router.websocket("/api/live")
async def live_socket(websocket: WebSocket) -> None:
    hub: LiveHub = websocket.app.state.live_hub
    scope = scope_of(websocket)
    await websocket.accept()
    client = hub.connect()
    subscribing: dict[str, asyncio.Task[None]] = {}
    tasks = [
        asyncio.ensure_future(_receive_all(websocket, hub, client, scope, subscribing)),
        asyncio.ensure_future(_send_all(websocket, client)),
        asyncio.ensure_future(client.closed.wait()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hub.disconnect(client)
        for task in [*tasks, *subscribing.values()]:
            task.cancel()
        await asyncio.gather(*tasks, *subscribing.values(), return_exceptions=True)
    if client.close_reason is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                websocket.close(client.close_reason.code, client.close_reason.reason),
                CLOSE_TIMEOUT_S,
            )


async def _send_all(websocket: WebSocket, client: LiveClient) -> None:
    """Send what the hub queues. A client following a dashboard gets a message per panel on
    every tick: those waiting together go out as one frame, a JSON array, which saves most of
    the per-frame cost on both ends (a browser with 20 live panels gets 1 frame a second, not
    20)."""
    while True:
        message = await client.outbox.get()
        await asyncio.sleep(BATCH_WINDOW_S)  # the tick's other panels finish meanwhile
        texts = [message.text]
        while len(texts) < MAX_BATCH and not client.outbox.empty():
            texts.append(client.outbox.get_nowait().text)
        await websocket.send_text(texts[0] if len(texts) == 1 else f"[{','.join(texts)}]")


async def _receive_all(
    websocket: WebSocket,
    hub: LiveHub,
    client: LiveClient,
    scope: Scope,
    subscribing: dict[str, asyncio.Task[None]],
) -> None:
    """Handle the client's messages until it disconnects or sends what ends the connection."""
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        text = frame.get("text")
        if text is None:
            client.close(UNSUPPORTED_DATA, "binary frames are not supported; send JSON text")
            return
        if len(text) > MAX_MESSAGE_CHARS:
            client.close(MESSAGE_TOO_BIG, f"messages are limited to {MAX_MESSAGE_CHARS} chars")
            return
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            client.close(INVALID_PAYLOAD, f"message is not valid JSON: {exc}"[:120])
            return
        try:
            message = parse_client_message(data)
        except SubscriptionError as exc:
            _reply(hub, client, _error(exc))
            continue
        if isinstance(message, Ping):
            _reply(hub, client, PONG)
        elif isinstance(message, Unsubscribe):
            _unsubscribe(hub, client, message.id, subscribing)
        else:
            task = asyncio.create_task(_subscribe(hub, client, message, scope))
            subscribing[message.id] = task
            task.add_done_callback(_forget(subscribing, message.id))


def _forget(
    subscribing: dict[str, asyncio.Task[None]], subscription_id: str
) -> Callable[[asyncio.Task[None]], None]:
    def forget(task: asyncio.Task[None]) -> None:
        if subscribing.get(subscription_id) is task:
            del subscribing[subscription_id]

    return forget


async def _subscribe(hub: LiveHub, client: LiveClient, message: Subscribe, scope: Scope) -> None:
    try:
        await hub.subscribe(client, message, scope)
    except SubscriptionError as exc:
        _reply(hub, client, _error(exc))


def _unsubscribe(
    hub: LiveHub,
    client: LiveClient,
    subscription_id: str,
    subscribing: dict[str, asyncio.Task[None]],
) -> None:
    pending = subscribing.pop(subscription_id, None)
    if pending is not None:
        pending.cancel()  # the hub releases what the subscription had taken
    if hub.unsubscribe(client, subscription_id) or pending is not None:
        text = orjson.dumps({"type": "unsubscribed", "id": subscription_id}).decode()
        _reply(hub, client, Outgoing("unsubscribed", text, subscription_id))
    else:
        error = SubscriptionError(subscription_id, "no such subscription")
        _reply(hub, client, _error(error))


# -- Server-Sent Events ------------------------------------------------------------------------

# The event id is every subscription's resume point: id=urlencode({subscription: urlencode({ref:
# end})}), so that the Last-Event-ID an EventSource sends back resumes all of them.
Cursor = dict[str, dict[str, int]]


@router.get("/api/live/sse", summary="Live query results as Server-Sent Events")
async def live_events(
    request: Request,
    query: Annotated[list[str], Query(description="PromQL; repeat for several")] = [],  # noqa: B006 (FastAPI copies defaults per request)
    interval: Annotated[str, Query(description="1s, 5s, 10s, 30s or 1m")] = "5s",
    window: Annotated[str, Query(alias="range", description="initial window")] = "15m",
    step: Annotated[str | None, Query(description="default: the interval")] = None,
    subscribe: Annotated[
        str | None, Query(description="a subscribe message (JSON object), or a list of them")
    ] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    hub: LiveHub = request.app.state.live_hub
    try:
        cursor = _parse_cursor(last_event_id)
        messages = [
            _with_since(raw, cursor)
            for raw in _subscribe_messages(query, interval, window, step, subscribe)
        ]
        requests = [_as_subscribe(parse_client_message(raw)) for raw in messages]
    except SubscriptionError as exc:
        return error_response(exc.status_code, "bad_data", _describe(exc))
    client = hub.connect()
    try:
        for subscribe_request in requests:
            await hub.subscribe(client, subscribe_request, scope_of(request))
    except SubscriptionError as exc:
        hub.disconnect(client)
        error_type = "not_found" if exc.status_code == 404 else "bad_data"
        return error_response(exc.status_code, error_type, _describe(exc))
    except BaseException:
        hub.disconnect(client)
        raise
    return StreamingResponse(
        _event_stream(hub, client, cursor),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _event_stream(hub: LiveHub, client: LiveClient, cursor: Cursor) -> AsyncIterator[str]:
    try:
        while not client.closed.is_set():
            message = await client.next_message(hub.limits.sse_heartbeat_s)
            if message is None:
                if not client.closed.is_set():
                    yield ": heartbeat\n\n"
                continue
            event = f"event: {message.kind}\n"
            if message.kind == "data":
                assert message.subscription_id is not None and message.ref is not None
                assert message.end_ms is not None
                cursor.setdefault(message.subscription_id, {})[message.ref] = message.end_ms
                event += f"id: {_format_cursor(cursor)}\n"
            yield f"{event}data: {message.text}\n\n"
    finally:
        hub.disconnect(client)


def _subscribe_messages(
    queries: list[str], interval: str, window: str, step: str | None, subscribe: str | None
) -> list[dict[str, Any]]:
    timing: dict[str, Any] = {"interval": interval, "range": window}
    if step is not None:
        timing["step"] = step
    messages = [
        {"type": "subscribe", "id": f"q{i}", "query": text, **timing}
        for i, text in enumerate(queries)
    ]
    if subscribe is not None:
        try:
            extra = orjson.loads(subscribe)
        except orjson.JSONDecodeError as exc:
            raise SubscriptionError(None, f"subscribe: not valid JSON: {exc}") from None
        extra_list = extra if isinstance(extra, list) else [extra]
        if not all(isinstance(item, dict) for item in extra_list):
            raise SubscriptionError(None, "subscribe: expected a JSON object or a list of them")
        messages += [{"type": "subscribe", **item} for item in extra_list]
    if not messages:
        raise SubscriptionError(None, "give at least one query=... or subscribe=...")
    return messages


def _with_since(message: dict[str, Any], cursor: Cursor) -> dict[str, Any]:
    ends = cursor.get(str(message.get("id")))
    if ends is None:
        return message
    since: dict[str, int] | int | None = ends if "dashboard" in message else ends.get("A")
    return {**message, "since": since}


def _as_subscribe(message: object) -> Subscribe:
    if not isinstance(message, QuerySubscribe | PanelSubscribe):
        raise SubscriptionError(None, "only subscribe messages can be given")
    return message


def _parse_cursor(header: str | None) -> Cursor:
    if not header:
        return {}
    try:
        return {
            subscription: {ref: int(end) for ref, end in parse_qsl(ends, strict_parsing=True)}
            for subscription, ends in parse_qsl(header, strict_parsing=True)
        }
    except ValueError:
        raise SubscriptionError(None, f"Last-Event-ID {header[:100]!r} is not ours") from None


def _format_cursor(cursor: Cursor) -> str:
    return urlencode({subscription: urlencode(ends) for subscription, ends in cursor.items()})


def _describe(exc: SubscriptionError) -> str:
    return f"{exc.subscription_id}: {exc.message}" if exc.subscription_id else exc.message
