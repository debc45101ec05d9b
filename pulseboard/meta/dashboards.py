"""Dashboards as versioned documents: every save is a new version, saves over a newer one fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

from pulseboard.meta.database import MetaDatabase
from pulseboard.meta.errors import (
    DashboardExistsError,
    DashboardNotFoundError,
    InvalidInputError,
    VersionConflictError,
    VersionNotFoundError,
)
from pulseboard.meta.tables import (
    UID_LENGTH,
    DashboardRow,
    DashboardTagRow,
    DashboardVersionRow,
    StarRow,
)
from pulseboard.meta.tagging import has_all_tags
from pulseboard.meta.validation import json_copy, page, tag_list, text_field

MAX_SEARCH_LIMIT = 5000


@dataclass(frozen=True)
class DashboardSummary:
    uid: str
    title: str
    folder: str
    tags: tuple[str, ...]
    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class StoredDashboard:
    uid: str
    title: str
    folder: str
    tags: tuple[str, ...]
    project: str | None
    version: int
    data: dict[str, Any]  # the whole document; its "version" is the stored version
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: datetime
    author: str
    message: str


@dataclass(frozen=True)
class _Fields:
    """What the store indexes of a document, read from the document itself."""

    uid: str
    title: str
    folder: str
    tags: list[str]
    data: dict[str, Any]

    @classmethod
    def read(cls, document: object, *, uid: str | None = None) -> _Fields:
        data = json_copy(document, "dashboard")
        # The path names the dashboard; a document naming another one is a mistake.
        if uid is not None and data.setdefault("uid", uid) != uid:
            raise InvalidInputError(f"dashboard uid {data['uid']!r} does not match {uid!r}")
        return cls(
            uid=text_field(data.get("uid"), "uid", max_length=UID_LENGTH, required=True),
            title=text_field(data.get("title"), "title", required=True),
            folder=text_field(data.get("folder", ""), "folder", required=False),
            tags=tag_list(data.get("tags", []), "tags"),
            data=data,
        )

    def at_version(self, version: int) -> dict[str, Any]:
        return {**self.data, "version": version}


class DashboardStore:
    def __init__(self, database: MetaDatabase) -> None:
        self._database = database

    def create(
        self,
        document: dict[str, Any],
        *,
        author: str = "",
        message: str = "",
        project: str | None = None,
    ) -> StoredDashboard:
        fields = _Fields.read(document)
        author = text_field(author, "author", required=False)
        now = _now()
        row = DashboardRow(
            uid=fields.uid,
            title=fields.title,
            folder=fields.folder,
            tags=fields.tags,
            project=project,
            version=1,
            data=fields.at_version(1),
            created_at=now,
            updated_at=now,
            created_by=author,
            updated_by=author,
        )
        with self._database.writing() as session:
            session.add(row)
            try:
                session.flush()
            except IntegrityError as exc:
                raise DashboardExistsError(fields.uid) from exc
            _add_tags(session, fields)
            _add_version(session, row, message)
        return _stored(row)

    def get(self, uid: str) -> StoredDashboard:
        with self._database.reading() as session:
            row = session.get(DashboardRow, uid)
            if row is None:
                raise DashboardNotFoundError(uid)
            return _stored(row)

    def update(
        self,
        uid: str,
        document: dict[str, Any],
        *,
        expected_version: int,
        author: str = "",
        message: str = "",
    ) -> StoredDashboard:
        """Save `document` as the next version if the stored one is still `expected_version`."""
        fields = _Fields.read(document, uid=uid)
        with self._database.writing() as session:
            row = _save_version(session, fields, expected_version, author, message)
        return _stored(row)

    def delete(self, uid: str) -> None:
        """Remove the dashboard with its versions, tags, stars and annotations."""
        with self._database.writing() as session:
            deleted = session.scalar(
                delete(DashboardRow).where(DashboardRow.uid == uid).returning(DashboardRow.uid)
            )
            if deleted is None:
                raise DashboardNotFoundError(uid)

    def search(
        self,
        query: str | None = None,
        tags: Sequence[str] = (),
        folder: str | None = None,
        starred_by: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[DashboardSummary]:
        """Dashboards whose title contains `query` (any case) and that carry every tag, by title."""
        limit, offset = page(limit, offset, max_limit=MAX_SEARCH_LIMIT)
        conditions = has_all_tags(DashboardRow.uid, DashboardTagRow.uid, DashboardTagRow.tag, tags)
        if query:
            conditions.append(DashboardRow.title.icontains(query, autoescape=True))
        if folder is not None:
            conditions.append(DashboardRow.folder == folder)
        if starred_by is not None:
            conditions.append(
                DashboardRow.uid.in_(select(StarRow.uid).where(StarRow.user == starred_by))
            )
        statement = (
            select(DashboardRow)
            .options(load_only(*_SUMMARY_COLUMNS))
            .where(*conditions)
            .order_by(func.lower(DashboardRow.title), DashboardRow.uid)
            .limit(limit)
            .offset(offset)
        )
        with self._database.reading() as session:
            return [_summary(row) for row in session.scalars(statement)]

    def versions(self, uid: str) -> list[VersionInfo]:
        """Every saved version, newest first."""
        statement = (
            select(DashboardVersionRow)
            .options(
                load_only(
                    DashboardVersionRow.version,
                    DashboardVersionRow.created_at,
                    DashboardVersionRow.author,
                    DashboardVersionRow.message,
                )
            )
            .where(DashboardVersionRow.uid == uid)
            .order_by(DashboardVersionRow.version.desc())
        )
        with self._database.reading() as session:
            rows = session.scalars(statement).all()
            if not rows:
                raise DashboardNotFoundError(uid)
            return [VersionInfo(r.version, r.created_at, r.author, r.message) for r in rows]

    def version(self, uid: str, version: int) -> dict[str, Any]:
        """The document as saved at `version`."""
        with self._database.reading() as session:
            return _version_row(session, uid, version).data

    def restore(self, uid: str, version: int, *, author: str = "") -> StoredDashboard:
        """Save version `version`'s content as a new version; history is never rewritten."""
        with self._database.writing() as session:
            current = session.scalar(
                select(DashboardRow.version).where(DashboardRow.uid == uid).with_for_update()
            )
            if current is None:
                raise DashboardNotFoundError(uid)
            fields = _Fields.read(_version_row(session, uid, version).data, uid=uid)
            row = _save_version(session, fields, current, author, f"restored version {version}")
        return _stored(row)

    def star(self, user: str, uid: str) -> None:
        user = text_field(user, "user", required=True)
        with self._database.writing() as session:
            lock_dashboard(session, uid)
            if session.get(StarRow, (user, uid)) is None:
                session.add(StarRow(user=user, uid=uid))

    def unstar(self, user: str, uid: str) -> None:
        with self._database.writing() as session:
            lock_dashboard(session, uid)
            session.execute(delete(StarRow).where(StarRow.user == user, StarRow.uid == uid))

    def starred(self, user: str) -> list[DashboardSummary]:
        return self.search(starred_by=user, limit=MAX_SEARCH_LIMIT)


_SUMMARY_COLUMNS = (
    DashboardRow.uid,
    DashboardRow.title,
    DashboardRow.folder,
    DashboardRow.tags,
    DashboardRow.version,
    DashboardRow.updated_at,
    DashboardRow.updated_by,
)


def _save_version(
    session: Session, fields: _Fields, expected_version: int, author: str, message: str
) -> DashboardRow:
    """Write the next version only if the stored one is `expected_version`.

    The version check is part of the UPDATE itself, so of two concurrent writers holding the same
    version exactly one matches a row; on PostgreSQL the second waits for the first's row lock and
    then sees the new version.
    """
    author = text_field(author, "author", required=False)
    new_version = expected_version + 1
    row = session.scalars(
        update(DashboardRow)
        .where(DashboardRow.uid == fields.uid, DashboardRow.version == expected_version)
        .values(
            title=fields.title,
            folder=fields.folder,
            tags=fields.tags,
            version=new_version,
            data=fields.at_version(new_version),
            updated_at=_now(),
            updated_by=author,
        )
        .returning(DashboardRow)
    ).one_or_none()
    if row is None:
        current = session.scalar(select(DashboardRow.version).where(DashboardRow.uid == fields.uid))
        if current is None:
            raise DashboardNotFoundError(fields.uid)
        raise VersionConflictError(fields.uid, expected_version, current)
    session.execute(delete(DashboardTagRow).where(DashboardTagRow.uid == fields.uid))
    _add_tags(session, fields)
    _add_version(session, row, message)
    return row


def _add_tags(session: Session, fields: _Fields) -> None:
    session.add_all(DashboardTagRow(uid=fields.uid, tag=tag) for tag in fields.tags)


def _add_version(session: Session, row: DashboardRow, message: str) -> None:
    session.add(
        DashboardVersionRow(
            uid=row.uid,
            version=row.version,
            data=row.data,
            message=message,
            author=row.updated_by,
            created_at=row.updated_at,
        )
    )


def _version_row(session: Session, uid: str, version: int) -> DashboardVersionRow:
    row = session.get(DashboardVersionRow, (uid, version))
    if row is not None:
        return row
    if session.get(DashboardRow, uid) is None:
        raise DashboardNotFoundError(uid)
    raise VersionNotFoundError(uid, version)


def lock_dashboard(session: Session, uid: str) -> None:
    """Hold the dashboard's row until commit, so it cannot be deleted under a new star."""
    found = session.scalar(
        select(DashboardRow.uid).where(DashboardRow.uid == uid).with_for_update()
    )
    if found is None:
        raise DashboardNotFoundError(uid)


def _stored(row: DashboardRow) -> StoredDashboard:
    return StoredDashboard(
        uid=row.uid,
        title=row.title,
        folder=row.folder,
        tags=tuple(row.tags),
        project=row.project,
        version=row.version,
        data=row.data,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _summary(row: DashboardRow) -> DashboardSummary:
    return DashboardSummary(
        uid=row.uid,
        title=row.title,
        folder=row.folder,
        tags=tuple(row.tags),
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _now() -> datetime:
    return datetime.now(UTC)
