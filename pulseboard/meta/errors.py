"""What the metadata stores refuse, as exceptions the API maps to statuses (404, 409, 400)."""

from __future__ import annotations


class MetaError(Exception):
    """Base of every error the metadata database raises on purpose."""


class DatabaseUnavailableError(MetaError):
    """The configured database cannot be opened or migrated (the message hides passwords)."""


class InvalidInputError(MetaError, ValueError):
    """A record that cannot be stored as given; the message names the field."""


class DashboardNotFoundError(MetaError, LookupError):
    def __init__(self, uid: str) -> None:
        super().__init__(f"dashboard {uid!r} not found")
        self.uid = uid


class DashboardExistsError(MetaError):
    def __init__(self, uid: str) -> None:
        super().__init__(f"a dashboard with uid {uid!r} already exists")
        self.uid = uid


class VersionConflictError(MetaError):
    """The dashboard changed since the caller read it; nothing was written."""

    def __init__(self, uid: str, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"dashboard {uid!r} is at version {current_version}, not {expected_version}: "
            "someone else saved it; reload and apply your changes again"
        )
        self.uid = uid
        self.expected_version = expected_version
        self.current_version = current_version


class VersionNotFoundError(MetaError, LookupError):
    def __init__(self, uid: str, version: int) -> None:
        super().__init__(f"dashboard {uid!r} has no version {version}")
        self.uid = uid
        self.version = version


class AnnotationNotFoundError(MetaError, LookupError):
    def __init__(self, annotation_id: int) -> None:
        super().__init__(f"annotation {annotation_id} not found")
        self.annotation_id = annotation_id
