"""docs/dashboards.md lists exactly the routes the server has for dashboards, annotations and
live updates: a route added without documentation, or documented but gone, fails here."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute, APIWebSocketRoute

from pulseboard.api import annotations, dashboards, live

DOC = Path(__file__).resolve().parent.parent / "docs" / "dashboards.md"


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    table = re.findall(r"^\| `(GET|POST|PUT|DELETE|WS) (/api/[^`]+)`", DOC.read_text(), re.M)
    served = set()
    for module in (dashboards, annotations, live):
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                served |= {(method, route.path) for method in route.methods}
            elif isinstance(route, APIWebSocketRoute):
                served.add(("WS", route.path))
    assert len(served) > 20
    assert set(table) == served
