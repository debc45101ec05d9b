"""Reading request bodies under the configured size limit."""

from __future__ import annotations

from fastapi import Request

from pulseboard.ingest.errors import PayloadTooLargeError


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or PayloadTooLargeError as soon as it is known to exceed `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"request body of {declared} bytes exceeds limits.max_body_bytes ({limit})"
        )
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(
                f"request body exceeds limits.max_body_bytes ({limit} bytes)"
            )
        chunks.append(chunk)
    return b"".join(chunks)
