"""The metadata schema as SQLAlchemy mappings; the database gets it only from the migrations.

Tags are kept twice on purpose: as a JSON list on the row (returned in the author's order) and
one row per tag in a tag table, which is what an index can serve "has all these tags" from on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UID_LENGTH = 40
NAME_LENGTH = 255
ANNOTATION_SOURCES = ("manual", "api", "alert")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite gives back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        datetime: UTCDateTime,
    }


class DashboardRow(Base):
    __tablename__ = "dashboards"

    uid: Mapped[str] = mapped_column(String(UID_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    folder: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    tags: Mapped[list[str]]
    project: Mapped[str | None] = mapped_column(String(NAME_LENGTH), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(NAME_LENGTH))
    updated_by: Mapped[str] = mapped_column(String(NAME_LENGTH))


class DashboardTagRow(Base):
    __tablename__ = "dashboard_tags"

    uid: Mapped[str] = mapped_column(
        ForeignKey("dashboards.uid", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True, index=True)


class DashboardVersionRow(Base):
    __tablename__ = "dashboard_versions"

    uid: Mapped[str] = mapped_column(
        ForeignKey("dashboards.uid", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]]
    message: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime]


class StarRow(Base):
    __tablename__ = "stars"

    user: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    uid: Mapped[str] = mapped_column(
        ForeignKey("dashboards.uid", ondelete="CASCADE"), primary_key=True, index=True
    )


class AnnotationRow(Base):
    __tablename__ = "annotations"
    __table_args__ = (
        CheckConstraint(
            f"source IN ({', '.join(repr(source) for source in ANNOTATION_SOURCES)})",
            name="ck_annotations_source",
        ),
        CheckConstraint(
            "time_end_ms IS NULL OR time_end_ms >= time_ms", name="ck_annotations_region"
        ),
        Index("ix_annotations_dashboard_uid_time_ms", "dashboard_uid", "time_ms"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    time_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    time_end_ms: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]]
    dashboard_uid: Mapped[str | None] = mapped_column(
        ForeignKey("dashboards.uid", ondelete="CASCADE")
    )
    panel_id: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(NAME_LENGTH))


class AnnotationTagRow(Base):
    __tablename__ = "annotation_tags"

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True, index=True)
