"""The web UI: the built single-page app (pulseboard/web, from web/ by `npm run build`).

Every GET that no API route answers and that is not a file of the build gets index.html, so the
app's own router draws /d/<uid>, /explore, ... (history-API routing). This router is included
last: /api, /metrics and /-/ routes always win, and paths under those prefixes never fall back to
the page.
"""

from __future__ import annotations

import gzip
import mimetypes
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from pulseboard.api.envelope import APIError

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

NOT_BUILT = (
    "The Pulseboard web UI is not built.\n"
    "Build it from Pulseboard's source folder with\n"
    "    npm --prefix web ci && npm --prefix web run build\n"
    "and restart the server. The API answers meanwhile under /api.\n"
)
# Built assets carry a content hash in their names: a new build has new names.
IMMUTABLE = "public, max-age=31536000, immutable"
# index.html names the current assets: always ask the server whether it changed.
REVALIDATE = "no-cache"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'self'"
    ),
}
# Text assets are sent gzipped (a third of their size: the first view's JavaScript is most of a
# cold load); compressed once per file and kept.
_COMPRESSIBLE = frozenset({".js", ".css", ".svg", ".html", ".json", ".map"})
# Prefixes that belong to the server, not to the app: unknown paths there are plain 404s.
_SERVER_PATHS = ("api", "assets", "-", "metrics")
_SERVER_PREFIXES = tuple(f"{path}/" for path in _SERVER_PATHS)


class _PageRoute(APIRoute):
    """Matches GET and HEAD only, and other methods not at all: a POST to an unknown path stays
    a 404 (a partial match of this catch-all would turn it into a 405)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is Match.PARTIAL:
            return Match.NONE, {}
        return match, child_scope


router = APIRouter(route_class=_PageRoute, include_in_schema=False)


def _inside(base: Path, relative: str) -> Path | None:
    """The file at `relative` under `base`, or None (missing, a folder, or outside `base`)."""
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base.resolve()) or not candidate.is_file():
        return None
    return candidate


@lru_cache(maxsize=128)
def _gzipped(path: Path, modified_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


@router.api_route("/assets/{path:path}", methods=["GET", "HEAD"])
async def asset(path: str, request: Request) -> Response:
    found = _inside(WEB_DIR / "assets", path)
    if found is None:
        return PlainTextResponse("Not Found\n", status_code=404)
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding", **SECURITY_HEADERS}
    accepted = request.headers.get("accept-encoding", "")
    if found.suffix in _COMPRESSIBLE and "gzip" in accepted:
        headers["Content-Encoding"] = "gzip"
        body = _gzipped(found, found.stat().st_mtime_ns)
        return Response(body, media_type=mimetypes.guess_type(found.name)[0], headers=headers)
    return FileResponse(found, headers=headers)


@router.api_route("/{path:path}", methods=["GET", "HEAD"])
async def page(path: str) -> Response:
    if path.startswith(_SERVER_PREFIXES) or path in _SERVER_PATHS:
        if path.startswith("api/") or path == "api":
            raise APIError(404, "not_found", f"no API route /{path}")
        return PlainTextResponse("Not Found\n", status_code=404)
    index = WEB_DIR / "index.html"
    if not index.is_file():
        return PlainTextResponse(NOT_BUILT, status_code=503)
    found = _inside(WEB_DIR, path) if path else None
    if found is not None:  # favicon.svg and other files at the root of the build
        return FileResponse(found, headers={"Cache-Control": REVALIDATE, **SECURITY_HEADERS})
    return FileResponse(
        index, media_type="text/html", headers={"Cache-Control": REVALIDATE, **SECURITY_HEADERS}
    )
