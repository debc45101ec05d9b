"""Filtering by tags through the tag tables, where an index finds the owners of one tag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute


def has_all_tags(
    owner: InstrumentedAttribute[Any],
    tag_owner: InstrumentedAttribute[Any],
    tag_column: InstrumentedAttribute[str],
    tags: Sequence[str],
) -> list[ColumnElement[bool]]:
    """One condition a tag: `owner` is among the owners the tag table lists for it."""
    return [owner.in_(select(tag_owner).where(tag_column == tag)) for tag in dict.fromkeys(tags)]
