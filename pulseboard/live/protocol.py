"""The live-update protocol: the messages a client sends, validated into subscriptions.

Client -> server (JSON text frames):
    {"type": "subscribe", "id": "cpu", "query": "<promql>", "interval": "1s|5s|10s|30s|1m",
     "range": "15m", "step": "15s", "since": <ms>}                    (step, since optional)
        step defaults to the interval for a query, to the panel's own step for a panel
    {"type": "subscribe", "id": "p3", "dashboard": "<uid>", "panel": 3, "vars": {"job": ["api"]},
     "interval": "10s", "range": "1h", "since": {"A": <ms>, "B": <ms>}}
    {"type": "unsubscribe", "id": "cpu"}
    {"type": "ping"}

Server -> client (a frame holds one message, or a JSON array of messages sent together):
    {"type": "data", "id", "ref", "computed_at", "start", "end", "step", "reset",
     "series": [{"labels": {...}, "timestamps": [ms...], "values": [...]}],
     "appeared": [labels...], "vanished": [labels...]}
        One message per evaluation of one query ("ref": "A" for a raw query, the target's refId
        for a panel). `reset: true` (the first message without `since`) replaces what the client
        holds; otherwise the message holds only points after the previous message's `end`.
        `computed_at` is when the server evaluated it (for "updated 3 s ago"); `end` is the last
        step the data covers, the value to send back as `since` after a reconnect. Values that
        JSON cannot hold (NaN, +-Inf) are null. `appeared`/`vanished`: series that gained or
        lost points compared with the previous evaluation of the same query.
    {"type": "error", "id", "ref", "message"}    a subscription failed; the connection stays
    {"type": "unsubscribed", "id"}               no more data will come for that id
    {"type": "pong"}

Reconnecting (what the web UI does):
    1. Keep, per subscription id and ref, the `end` of the last data message received.
    2. When the socket closes with 1001/1012 (server stopping or restarting), 1006 (network)
       or 1013 (dropped as too slow), reconnect after a delay that doubles from 0.5 s up to
       30 s, with random jitter of +-20 % so a restarted server is not hit by every browser at
       once; reset the delay once a connection has delivered data. Do not reconnect on 1003,
       1007 or 1009: the client sent something the server will refuse again (a bug; log it).
    3. Subscribe again with the same ids and `since` = the kept `end` (an object {ref: end} for
       panels). The server sends the points after `since` up to now: no gap and no duplicate.
       A `since` older than the subscription's `range` gets the whole range with `reset: true`.
    Server-Sent Events do the same by themselves: EventSource reconnects and sends the last event
    id, which holds the `end` of every subscription of the stream.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pulseboard.config import parse_duration
from pulseboard.storage.protocol import Scope

INTERVALS_MS = {"1s": 1_000, "5s": 5_000, "10s": 10_000, "30s": 30_000, "1m": 60_000}
MIN_STEP_MS = 1_000
# Prometheus refuses range queries of more points per series than this; so do we.
MAX_POINTS = 11_000
MAX_QUERY_CHARS = 16_384


@dataclass(frozen=True)
class LiveQuery:
    """One query a subscription follows; panels resolve to one per visible target."""

    ref: str
    expr: str
    # The step a panel draws at (its data's resolution): a panel subscription that names no step
    # follows it, so a panel scraped every 15 s is not evaluated every second for the same value.
    step_ms: int | None = None


class UnknownPanelError(LookupError):
    """Raised by a PanelResolver for a dashboard or panel that does not exist."""


# (dashboard uid, panel id, variable values, caller's scope) -> the panel's queries, interpolated.
PanelResolver = Callable[[str, int, dict[str, list[str]], Scope], Awaitable[list[LiveQuery]]]


class SubscriptionError(Exception):
    """A message or subscription the server refuses; answered as an error for that id."""

    def __init__(
        self,
        subscription_id: str | None,
        message: str,
        ref: str | None = None,
        *,
        status_code: int = 400,
    ) -> None:
        super().__init__(message)
        self.subscription_id = subscription_id
        self.ref = ref
        self.message = message
        self.status_code = status_code  # for transports that answer in HTTP (SSE)


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


SubscriptionId = Annotated[str, Field(min_length=1, max_length=128)]


class _Subscribe(_Message):
    type: Literal["subscribe"]
    id: SubscriptionId
    interval: str
    range: str = "15m"
    step: str | None = None

    @field_validator("interval")
    @classmethod
    def _known_interval(cls, value: str) -> str:
        if value not in INTERVALS_MS:
            raise ValueError(f"must be one of {', '.join(INTERVALS_MS)}")
        return value

    @field_validator("range", "step")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) <= timedelta(0):
            raise ValueError("must be a positive duration such as 15s, 5m or 6h")
        return value

    @property
    def interval_ms(self) -> int:
        return INTERVALS_MS[self.interval]

    @property
    def range_ms(self) -> int:
        return _ms(parse_duration(self.range))

    @property
    def step_ms(self) -> int:
        return self.interval_ms if self.step is None else _ms(parse_duration(self.step))


class QuerySubscribe(_Subscribe):
    query: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS)]
    since: Annotated[int, Field(ge=0)] | None = None

    def since_for(self, ref: str) -> int | None:
        return self.since


class PanelSubscribe(_Subscribe):
    dashboard: Annotated[str, Field(min_length=1, max_length=256)]
    panel: int
    vars: dict[str, str | list[str]] = Field(default_factory=dict)
    since: dict[str, Annotated[int, Field(ge=0)]] | Annotated[int, Field(ge=0)] | None = None

    def variables(self) -> dict[str, list[str]]:
        return {name: [v] if isinstance(v, str) else v for name, v in self.vars.items()}

    def since_for(self, ref: str) -> int | None:
        return self.since.get(ref) if isinstance(self.since, dict) else self.since


class Unsubscribe(_Message):
    type: Literal["unsubscribe"]
    id: SubscriptionId


class Ping(_Message):
    type: Literal["ping"]


Subscribe = QuerySubscribe | PanelSubscribe
ClientMessage = Subscribe | Unsubscribe | Ping

_MESSAGE_TYPES: dict[str, type[ClientMessage]] = {
    "unsubscribe": Unsubscribe,
    "ping": Ping,
}


def parse_client_message(data: Any) -> ClientMessage:
    """A decoded JSON message as one of the client messages; SubscriptionError names what is
    wrong (with the field path) and the id it concerns when there is one."""
    if not isinstance(data, dict):
        raise SubscriptionError(None, "a message must be a JSON object with a 'type'")
    raw_id = data.get("id")
    subscription_id = raw_id if isinstance(raw_id, str) else None
    kind = data.get("type")
    model: type[ClientMessage]
    if kind == "subscribe":
        model = PanelSubscribe if "dashboard" in data else QuerySubscribe
    elif isinstance(kind, str) and kind in _MESSAGE_TYPES:
        model = _MESSAGE_TYPES[kind]
    else:
        raise SubscriptionError(
            subscription_id,
            f"unknown message type {kind!r}; expected subscribe, unsubscribe or ping",
        )
    try:
        message = model.model_validate(data)
    except ValidationError as exc:
        raise SubscriptionError(subscription_id, _describe(exc)) from None
    if isinstance(message, QuerySubscribe | PanelSubscribe):
        _check_window(message)
    return message


def _check_window(message: Subscribe) -> None:
    if message.step_ms < MIN_STEP_MS:
        raise SubscriptionError(message.id, "step: must be at least 1s")
    points = math.ceil(message.range_ms / message.step_ms)
    if points > MAX_POINTS:
        raise SubscriptionError(
            message.id,
            f"range {message.range} at step {message.step or message.interval} is {points} "
            f"points per series, more than {MAX_POINTS}; use a larger step",
        )


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'message'}: {error['msg']}"
        for error in exc.errors()
    )


def _ms(value: timedelta) -> int:
    return round(value.total_seconds() * 1000)
