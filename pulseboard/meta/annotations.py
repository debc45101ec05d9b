"""Time-stamped notes (points, or regions with an end) drawn on time series panels."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pulseboard.meta.dashboards import lock_dashboard
from pulseboard.meta.database import MetaDatabase
from pulseboard.meta.errors import AnnotationNotFoundError, InvalidInputError
from pulseboard.meta.tables import ANNOTATION_SOURCES, AnnotationRow, AnnotationTagRow
from pulseboard.meta.tagging import has_all_tags
from pulseboard.meta.validation import millis, page, tag_list, text_field

MAX_TEXT_LENGTH = 65_536
MAX_LIST_LIMIT = 10_000


@dataclass(frozen=True)
class AnnotationDraft:
    """What a caller says about an annotation; the store adds id, author and creation time."""

    time_ms: int
    text: str
    time_end_ms: int | None = None  # set for a region
    tags: tuple[str, ...] = ()
    dashboard_uid: str | None = None  # None: shown on every dashboard
    panel_id: int | None = None  # None: shown on every panel of the dashboard
    source: str = "api"


@dataclass(frozen=True)
class Annotation:
    id: int
    time_ms: int
    time_end_ms: int | None
    text: str
    tags: tuple[str, ...]
    dashboard_uid: str | None
    panel_id: int | None
    source: str
    created_at: datetime
    author: str


class AnnotationStore:
    def __init__(self, database: MetaDatabase) -> None:
        self._database = database

    def add(self, draft: AnnotationDraft, *, author: str = "") -> Annotation:
        author = text_field(author, "author", required=False)
        row = AnnotationRow(created_at=datetime.now(UTC), author=author)
        with self._database.writing() as session:
            _apply(session, row, draft)
            session.add(row)
            session.flush()
            _replace_tags(session, row)
        return _annotation(row)

    def get(self, annotation_id: int) -> Annotation:
        with self._database.reading() as session:
            return _annotation(_row(session, annotation_id))

    def update(self, annotation_id: int, draft: AnnotationDraft) -> Annotation:
        """Replace what the draft holds; id, author and creation time stay."""
        with self._database.writing() as session:
            row = _row(session, annotation_id)
            _apply(session, row, draft)
            _replace_tags(session, row)
        return _annotation(row)

    def delete(self, annotation_id: int) -> None:
        with self._database.writing() as session:
            deleted = session.scalar(
                delete(AnnotationRow)
                .where(AnnotationRow.id == annotation_id)
                .returning(AnnotationRow.id)
            )
            if deleted is None:
                raise AnnotationNotFoundError(annotation_id)

    def list(
        self,
        start_ms: int,
        end_ms: int,
        *,
        dashboard_uid: str | None = None,
        panel_id: int | None = None,
        tags: Sequence[str] = (),
        limit: int = 100,
    ) -> builtins.list[Annotation]:
        """Annotations overlapping [start_ms, end_ms] (a region overlaps if any part does),
        newest first."""
        start_ms, end_ms = millis(start_ms, "start"), millis(end_ms, "end")
        if end_ms < start_ms:
            raise InvalidInputError("end is before start")
        limit, _ = page(limit, 0, max_limit=MAX_LIST_LIMIT)
        conditions = has_all_tags(
            AnnotationRow.id, AnnotationTagRow.annotation_id, AnnotationTagRow.tag, tags
        )
        conditions += [
            AnnotationRow.time_ms <= end_ms,
            func.coalesce(AnnotationRow.time_end_ms, AnnotationRow.time_ms) >= start_ms,
        ]
        if dashboard_uid is not None:
            conditions.append(AnnotationRow.dashboard_uid == dashboard_uid)
        if panel_id is not None:
            conditions.append(AnnotationRow.panel_id == panel_id)
        statement = (
            select(AnnotationRow)
            .where(*conditions)
            .order_by(AnnotationRow.time_ms.desc(), AnnotationRow.id.desc())
            .limit(limit)
        )
        with self._database.reading() as session:
            return [_annotation(row) for row in session.scalars(statement)]


def _apply(session: Session, row: AnnotationRow, draft: AnnotationDraft) -> None:
    """Check the draft and copy it onto the row; nothing is written if a field is refused."""
    time_ms = millis(draft.time_ms, "time")
    time_end_ms = None if draft.time_end_ms is None else millis(draft.time_end_ms, "timeEnd")
    if time_end_ms is not None and time_end_ms < time_ms:
        raise InvalidInputError("timeEnd is before time")
    if draft.source not in ANNOTATION_SOURCES:
        raise InvalidInputError(f"source must be one of {', '.join(ANNOTATION_SOURCES)}")
    if draft.panel_id is not None and draft.dashboard_uid is None:
        raise InvalidInputError("panelId needs a dashboardUID")
    if draft.panel_id is not None and (
        isinstance(draft.panel_id, bool) or not isinstance(draft.panel_id, int)
    ):
        raise InvalidInputError("panelId must be an integer")
    text = text_field(draft.text, "text", max_length=MAX_TEXT_LENGTH, required=False)
    tags = tag_list(draft.tags, "tags")
    if draft.dashboard_uid is not None:
        lock_dashboard(session, draft.dashboard_uid)
    row.time_ms = time_ms
    row.time_end_ms = time_end_ms
    row.text = text
    row.tags = tags
    row.dashboard_uid = draft.dashboard_uid
    row.panel_id = draft.panel_id
    row.source = draft.source


def _replace_tags(session: Session, row: AnnotationRow) -> None:
    session.execute(delete(AnnotationTagRow).where(AnnotationTagRow.annotation_id == row.id))
    session.add_all(AnnotationTagRow(annotation_id=row.id, tag=tag) for tag in row.tags)


def _row(session: Session, annotation_id: int) -> AnnotationRow:
    row = session.get(AnnotationRow, annotation_id)
    if row is None:
        raise AnnotationNotFoundError(annotation_id)
    return row


def _annotation(row: AnnotationRow) -> Annotation:
    return Annotation(
        id=row.id,
        time_ms=row.time_ms,
        time_end_ms=row.time_end_ms,
        text=row.text,
        tags=tuple(row.tags),
        dashboard_uid=row.dashboard_uid,
        panel_id=row.panel_id,
        source=row.source,
        created_at=row.created_at,
        author=row.author,
    )
