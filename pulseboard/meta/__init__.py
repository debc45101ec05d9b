"""Metadata database: dashboards with their versions and stars, and annotations.

SQLite in the data directory by default, PostgreSQL when `meta.url` names one; the schema comes
from the Alembic migrations in `migrations/`, applied when the database is opened.
"""

from pulseboard.meta.annotations import Annotation, AnnotationDraft, AnnotationStore
from pulseboard.meta.dashboards import (
    DashboardStore,
    DashboardSummary,
    StoredDashboard,
    VersionInfo,
)
from pulseboard.meta.database import MetaDatabase, database_url, open_database
from pulseboard.meta.errors import (
    AnnotationNotFoundError,
    DashboardExistsError,
    DashboardNotFoundError,
    DatabaseUnavailableError,
    InvalidInputError,
    MetaError,
    VersionConflictError,
    VersionNotFoundError,
)

__all__ = [
    "Annotation",
    "AnnotationDraft",
    "AnnotationNotFoundError",
    "AnnotationStore",
    "DashboardExistsError",
    "DashboardNotFoundError",
    "DashboardStore",
    "DashboardSummary",
    "DatabaseUnavailableError",
    "InvalidInputError",
    "MetaDatabase",
    "MetaError",
    "StoredDashboard",
    "VersionConflictError",
    "VersionInfo",
    "VersionNotFoundError",
    "database_url",
    "open_database",
]
