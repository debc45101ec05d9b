"""Checks shared by the stores, so both backends refuse the same input with the same message.

PostgreSQL would refuse an over-long string or NaN in JSON on its own while SQLite would keep
it; checking here first makes the behaviour the same and the message name the field.
"""

from __future__ import annotations

import json
from typing import Any

from pulseboard.meta.errors import InvalidInputError
from pulseboard.meta.tables import NAME_LENGTH


def text_field(value: object, field: str, *, max_length: int = NAME_LENGTH, required: bool) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{field} must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise InvalidInputError(f"{field} must not be empty")
    if len(value) > max_length:
        raise InvalidInputError(f"{field} is longer than {max_length} characters")
    return value


def tag_list(value: object, field: str) -> list[str]:
    """Distinct non-empty tags, in the order given."""
    if not isinstance(value, list | tuple):
        raise InvalidInputError(f"{field} must be a list of strings")
    tags = [text_field(tag, f"{field}[{index}]", required=True) for index, tag in enumerate(value)]
    return list(dict.fromkeys(tags))


def json_copy(document: object, field: str) -> dict[str, Any]:
    """A deep copy through JSON: proves the document is storable and detaches it from the caller."""
    try:
        copied = json.loads(json.dumps(document, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{field} is not a JSON document: {exc}") from exc
    if not isinstance(copied, dict):
        raise InvalidInputError(f"{field} must be a JSON object")
    return copied


_BIGINT_LIMIT = 2**63


def millis(value: object, field: str) -> int:
    """A timestamp in milliseconds that fits the databases' 64-bit integers."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{field} must be an integer (milliseconds since the epoch)")
    if not -_BIGINT_LIMIT <= value < _BIGINT_LIMIT:
        raise InvalidInputError(f"{field} is out of range")
    return value


def page(limit: int, offset: int, *, max_limit: int) -> tuple[int, int]:
    if not 1 <= limit <= max_limit:
        raise InvalidInputError(f"limit must be between 1 and {max_limit}, got {limit}")
    if offset < 0:
        raise InvalidInputError(f"offset must not be negative, got {offset}")
    return limit, offset
