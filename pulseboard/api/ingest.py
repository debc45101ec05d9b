"""Ingestion endpoints: remote write, exposition import, OTLP/HTTP and JSON samples."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Request, Response

from pulseboard.api.body import read_limited
from pulseboard.api.envelope import APIError
from pulseboard.ingest.errors import IngestError
from pulseboard.ingest.exposition import is_openmetrics, parse_exposition
from pulseboard.ingest.json_samples import decode_json_samples
from pulseboard.ingest.otlp import decode_otlp
from pulseboard.ingest.remote_write import decode_remote_write
from pulseboard.model.labels import InvalidSeriesError
from pulseboard.model.samples import SampleBatch
from pulseboard.server import Pulseboard, scope_of
from pulseboard.storage.protocol import LimitExceededError

router = APIRouter()


async def _ingest(
    request: Request, source: str, decode: Callable[[bytes], SampleBatch]
) -> Response:
    """Read, decode and store one request; answer 204, or 400 naming the refused samples."""
    app: Pulseboard = request.app.state.pulseboard
    try:
        body = await read_limited(request, app.settings.limits.max_body_bytes)
        if not body:
            raise IngestError("empty request body")
        scope = scope_of(request)
        # One trip to a worker thread: decoding and storing are both CPU work off the event loop.
        result = await to_thread.run_sync(lambda: app.ingester.store(decode(body), source, scope))
    except IngestError as exc:
        app.ingester.refused(source)  # refused before the store saw it: counted here
        error_type = {400: "bad_data", 415: "unsupported"}.get(exc.status_code, "limit")
        raise APIError(exc.status_code, error_type, str(exc)) from exc
    except InvalidSeriesError as exc:  # the store counted it
        raise APIError(400, "bad_data", str(exc)) from exc
    except LimitExceededError as exc:
        raise APIError(exc.status_code, "limit", str(exc)) from exc
    if result.rejected:
        raise APIError(
            400,
            "bad_data",
            f"{result.accepted} samples stored, {result.rejected_count} refused: "
            + result.message(),
        )
    return Response(status_code=204)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


@router.post("/api/v1/write", status_code=204, summary="Prometheus remote write 1.0")
async def remote_write(request: Request) -> Response:
    content_type = request.headers.get("content-type", "")
    media = _media_type(request)
    if media != "application/x-protobuf" or "io.prometheus.write.v2" in content_type:
        raise APIError(
            415,
            "unsupported",
            f"remote write needs Content-Type application/x-protobuf (remote write 1.0), "
            f"got {content_type or 'none'!r}",
        )
    encoding = request.headers.get("content-encoding", "snappy").lower()
    if encoding != "snappy":
        raise APIError(415, "unsupported", f"remote write needs snappy encoding, got {encoding!r}")
    return await _ingest(request, "remote_write", decode_remote_write)


@router.post("/api/v1/import/prometheus", status_code=204, summary="Exposition text push")
async def import_prometheus(
    request: Request,
    extra_label: Annotated[list[str], Query(description="name=value, added to every series")] = [],  # noqa: B006 (FastAPI copies defaults per request)
    timestamp: Annotated[
        float | None, Query(description="Unix seconds for unstamped samples")
    ] = None,
) -> Response:
    media = _media_type(request)
    if media not in ("", "text/plain", "application/openmetrics-text"):
        raise APIError(
            415,
            "unsupported",
            f"expected text/plain or application/openmetrics-text, got {media!r}",
        )
    extra = []
    for item in extra_label:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise APIError(400, "bad_data", f"extra_label must be name=value, got {item!r}")
        extra.append((name, value))
    default_ms = round(timestamp * 1000) if timestamp is not None else time.time_ns() // 1_000_000
    openmetrics = is_openmetrics(media)

    def decode(body: bytes) -> SampleBatch:
        return parse_exposition(
            body, default_timestamp_ms=default_ms, extra_labels=extra, openmetrics=openmetrics
        )

    return await _ingest(request, "import", decode)


@router.post("/api/v1/otlp/v1/metrics", summary="OTLP/HTTP metrics (protobuf or JSON)")
async def otlp_metrics(request: Request) -> Response:
    content_type = _media_type(request)
    encoding = request.headers.get("content-encoding")

    def decode(body: bytes) -> SampleBatch:
        return decode_otlp(body, content_type, encoding)

    response = await _ingest(request, "otlp", decode)
    # OTLP/HTTP answers success with an ExportMetricsServiceResponse; empty means "all accepted".
    if content_type == "application/json":
        return Response(b"{}", status_code=200, media_type="application/json")
    if content_type == "application/x-protobuf":
        return Response(b"", status_code=200, media_type="application/x-protobuf")
    return response


@router.post("/api/v1/import/json", status_code=204, summary="JSON samples for scripts")
async def import_json(request: Request) -> Response:
    if _media_type(request) not in ("application/json", ""):
        raise APIError(
            415, "unsupported", f"expected application/json, got {_media_type(request)!r}"
        )
    default_ms = time.time_ns() // 1_000_000
    return await _ingest(request, "json", lambda body: decode_json_samples(body, default_ms))
