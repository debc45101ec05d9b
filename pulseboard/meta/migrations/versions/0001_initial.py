"""Dashboards with their versions, tags and stars; annotations with their tags.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "dashboards",
        sa.Column("uid", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("folder", sa.String(255), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("project", sa.String(255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("updated_by", sa.String(255), nullable=False),
    )
    op.create_index("ix_dashboards_title", "dashboards", ["title"])
    op.create_index("ix_dashboards_folder", "dashboards", ["folder"])
    op.create_index("ix_dashboards_project", "dashboards", ["project"])

    op.create_table(
        "dashboard_tags",
        sa.Column(
            "uid",
            sa.String(40),
            sa.ForeignKey("dashboards.uid", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(255), primary_key=True),
    )
    op.create_index("ix_dashboard_tags_tag", "dashboard_tags", ["tag"])

    op.create_table(
        "dashboard_versions",
        sa.Column(
            "uid",
            sa.String(40),
            sa.ForeignKey("dashboards.uid", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "stars",
        sa.Column("user", sa.String(255), primary_key=True),
        sa.Column(
            "uid",
            sa.String(40),
            sa.ForeignKey("dashboards.uid", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_stars_uid", "stars", ["uid"])

    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("time_ms", sa.BigInteger(), nullable=False),
        sa.Column("time_end_ms", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column(
            "dashboard_uid",
            sa.String(40),
            sa.ForeignKey("dashboards.uid", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.CheckConstraint("source IN ('manual', 'api', 'alert')", name="ck_annotations_source"),
        sa.CheckConstraint(
            "time_end_ms IS NULL OR time_end_ms >= time_ms", name="ck_annotations_region"
        ),
    )
    op.create_index("ix_annotations_time_ms", "annotations", ["time_ms"])
    op.create_index(
        "ix_annotations_dashboard_uid_time_ms", "annotations", ["dashboard_uid", "time_ms"]
    )

    op.create_table(
        "annotation_tags",
        sa.Column(
            "annotation_id",
            sa.Integer(),
            sa.ForeignKey("annotations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(255), primary_key=True),
    )
    op.create_index("ix_annotation_tags_tag", "annotation_tags", ["tag"])


def downgrade() -> None:
    op.drop_table("annotation_tags")
    op.drop_table("annotations")
    op.drop_table("stars")
    op.drop_table("dashboard_versions")
    op.drop_table("dashboard_tags")
    op.drop_table("dashboards")
