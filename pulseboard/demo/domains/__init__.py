"""One module per product area of USERS.md; each writes its metrics for a frame."""

from __future__ import annotations

from collections.abc import Callable

from pulseboard.demo.domains import http_api, infra, llm, sessions, tasks
from pulseboard.demo.emit import Emitter
from pulseboard.demo.frame import Frame

Domain = Callable[[Frame, Emitter], None]

# The order is the order of series in every batch, so new series get ids grouped by area.
DOMAINS: tuple[Domain, ...] = (
    sessions.generate,
    tasks.generate,
    http_api.generate,
    llm.generate,
    infra.generate,
)
