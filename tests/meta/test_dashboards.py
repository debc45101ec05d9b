"""DashboardStore on SQLite and PostgreSQL: documents, versions, search, stars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from pulseboard.meta import (
    AnnotationDraft,
    AnnotationStore,
    DashboardExistsError,
    DashboardNotFoundError,
    DashboardStore,
    InvalidInputError,
    MetaDatabase,
    VersionConflictError,
    VersionNotFoundError,
)
from pulseboard.meta.tables import (
    AnnotationRow,
    DashboardTagRow,
    DashboardVersionRow,
    StarRow,
)


def document(uid: str, title: str = "API latency", **extra: Any) -> dict[str, Any]:
    return {"uid": uid, "title": title, "panels": [{"id": 1, "type": "stat"}], **extra}


@pytest.fixture
def store(database: MetaDatabase) -> DashboardStore:
    return DashboardStore(database)


def test_a_created_dashboard_reads_back_at_version_1(store: DashboardStore) -> None:
    original = document("ops", folder="SRE", tags=["prod", "latency"])
    created = store.create(original, author="ana", message="first")
    original["panels"].append({"id": 2})  # the caller's later edits are not the stored document

    fetched = store.get("ops")
    assert fetched == created
    assert fetched.version == 1
    assert fetched.data == {**document("ops", folder="SRE", tags=["prod", "latency"]), "version": 1}
    assert (fetched.title, fetched.folder, fetched.tags) == (
        "API latency",
        "SRE",
        ("prod", "latency"),
    )
    assert (fetched.created_by, fetched.updated_by) == ("ana", "ana")
    assert fetched.created_at == fetched.updated_at
    assert fetched.created_at.tzinfo is not None
    assert [(v.version, v.author, v.message) for v in store.versions("ops")] == [
        (1, "ana", "first")
    ]


def test_a_taken_uid_is_refused_and_the_first_dashboard_kept(store: DashboardStore) -> None:
    store.create(document("ops", "First"))
    with pytest.raises(DashboardExistsError, match="ops"):
        store.create(document("ops", "Second"))
    assert store.get("ops").title == "First"
    assert len(store.versions("ops")) == 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"title": "no uid"}, "uid"),
        ({"uid": "x"}, "title"),
        ({"uid": "x", "title": "   "}, "title"),
        ({"uid": "x" * 41, "title": "long uid"}, "uid"),
        ({"uid": "x", "title": "t" * 256}, "title"),
        ({"uid": "x", "title": "t", "tags": "prod"}, "tags"),
        ({"uid": "x", "title": "t", "tags": ["ok", 3]}, r"tags\[1\]"),
        ({"uid": "x", "title": "t", "folder": 7}, "folder"),
        ({"uid": "x", "title": "t", "panels": [{"max": float("nan")}]}, "JSON"),
        ({"uid": "x", "title": "t", "panels": [object()]}, "JSON"),
    ],
)
def test_documents_that_cannot_be_stored_are_refused_by_field(
    store: DashboardStore, bad: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError, match=field):
        store.create(bad)
    assert store.search() == []


def test_an_update_writes_the_next_version_and_keeps_the_previous(store: DashboardStore) -> None:
    store.create(document("ops", "Old", tags=["a"]), author="ana")
    updated = store.update(
        "ops", document("ops", "New", tags=["b"]), expected_version=1, author="bo", message="m"
    )

    assert updated == store.get("ops")
    assert (updated.version, updated.title, updated.tags) == (2, "New", ("b",))
    assert updated.data["version"] == 2
    assert (updated.created_by, updated.updated_by) == ("ana", "bo")
    assert updated.updated_at > updated.created_at
    assert store.version("ops", 1)["title"] == "Old"
    assert store.version("ops", 2) == updated.data
    assert store.search(tags=["a"]) == []
    assert [s.uid for s in store.search(tags=["b"])] == ["ops"]


def test_an_update_without_uid_in_the_document_takes_the_path_uid(store: DashboardStore) -> None:
    store.create(document("ops"))
    body = document("ops", "Renamed")
    del body["uid"]
    assert store.update("ops", body, expected_version=1).data["uid"] == "ops"


def test_an_update_over_a_newer_version_is_a_conflict_and_changes_nothing(
    store: DashboardStore,
) -> None:
    store.create(document("ops", "v1"))
    store.update("ops", document("ops", "v2"), expected_version=1)
    before = store.get("ops")

    with pytest.raises(VersionConflictError) as raised:
        store.update("ops", document("ops", "stale edit"), expected_version=1)

    assert (raised.value.current_version, raised.value.expected_version) == (2, 1)
    assert store.get("ops") == before
    assert [v.version for v in store.versions("ops")] == [2, 1]


def test_updating_a_missing_dashboard_or_another_uid_is_refused(store: DashboardStore) -> None:
    with pytest.raises(DashboardNotFoundError):
        store.update("ghost", document("ghost"), expected_version=1)
    store.create(document("ops"))
    with pytest.raises(InvalidInputError, match="does not match"):
        store.update("ops", document("other"), expected_version=1)
    assert store.get("ops").version == 1


def test_a_failure_inside_the_save_leaves_the_previous_version(
    store: DashboardStore, database: MetaDatabase
) -> None:
    """The UPDATE of the dashboard has run when writing its version row fails: both roll back."""
    store.create(document("ops", "Kept", tags=["kept"]))
    with refusing_version_rows(database), pytest.raises(SQLAlchemyError, match="refused by test"):
        store.update("ops", document("ops", "Lost", tags=["lost"]), expected_version=1)

    kept = store.get("ops")
    assert (kept.version, kept.title, kept.tags) == (1, "Kept", ("kept",))
    assert [v.version for v in store.versions("ops")] == [1]
    assert [s.uid for s in store.search(tags=["kept"])] == ["ops"]
    assert store.search(tags=["lost"]) == []


def test_delete_removes_the_dashboard_and_everything_that_refers_to_it(
    store: DashboardStore, database: MetaDatabase
) -> None:
    store.create(document("ops", tags=["t"]))
    store.update("ops", document("ops", tags=["t"]), expected_version=1)
    store.star("ana", "ops")
    AnnotationStore(database).add(AnnotationDraft(time_ms=1, text="deploy", dashboard_uid="ops"))
    store.create(document("other"))
    store.star("ana", "other")

    store.delete("ops")

    with pytest.raises(DashboardNotFoundError):
        store.get("ops")
    with pytest.raises(DashboardNotFoundError):
        store.delete("ops")
    with database.reading() as session:
        for column in (
            DashboardVersionRow.uid,
            DashboardTagRow.uid,
            StarRow.uid,
            AnnotationRow.dashboard_uid,
        ):
            assert session.scalar(select(func.count()).where(column == "ops")) == 0
    assert [s.uid for s in store.starred("ana")] == ["other"]


def test_search_by_title_tags_and_folder(store: DashboardStore) -> None:
    store.create(document("a", "API Latency", folder="SRE", tags=["prod", "api"]))
    store.create(document("b", "api errors", folder="SRE", tags=["prod"]))
    store.create(document("c", "Business overview", folder="", tags=["api"]))
    store.create(document("d", "100% uptime_check", tags=["prod", "api"]))

    def uids(**criteria: Any) -> list[str]:
        return [s.uid for s in store.search(**criteria)]

    assert uids() == ["d", "b", "a", "c"]  # by title, case-insensitively
    assert uids(query="API") == ["b", "a"]
    assert uids(tags=["prod", "api"]) == ["d", "a"]
    assert uids(tags=["api"], folder="SRE") == ["a"]
    assert uids(folder="") == ["d", "c"]
    assert uids(query="%") == ["d"]  # LIKE wildcards are matched literally
    assert uids(query="_") == ["d"]
    assert uids(query="latency", tags=["missing"]) == []
    assert uids(limit=2, offset=1) == ["b", "a"]
    summary = store.search(query="business")[0]
    assert (summary.title, summary.folder, summary.tags, summary.version) == (
        "Business overview",
        "",
        ("api",),
        1,
    )


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (5001, 0), (10, -1)])
def test_search_refuses_bad_pages(store: DashboardStore, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInputError):
        store.search(limit=limit, offset=offset)


def test_stars_are_per_user_and_idempotent(store: DashboardStore) -> None:
    store.create(document("a", "Alpha"))
    store.create(document("b", "Beta"))
    store.star("ana", "b")
    store.star("ana", "b")
    store.star("ana", "a")
    store.star("bo", "a")

    assert [s.uid for s in store.starred("ana")] == ["a", "b"]
    assert [s.uid for s in store.search(starred_by="bo")] == ["a"]
    store.unstar("ana", "a")
    store.unstar("ana", "a")
    assert [s.uid for s in store.starred("ana")] == ["b"]
    assert [s.uid for s in store.starred("bo")] == ["a"]
    assert store.starred("nobody") == []


def test_starring_a_missing_dashboard_is_refused(store: DashboardStore) -> None:
    with pytest.raises(DashboardNotFoundError):
        store.star("ana", "ghost")
    with pytest.raises(DashboardNotFoundError):
        store.unstar("ana", "ghost")
    store.create(document("a"))
    with pytest.raises(InvalidInputError, match="user"):
        store.star("", "a")
    assert store.starred("") == []


def test_versions_list_newest_first_and_restore_makes_a_new_version(
    store: DashboardStore,
) -> None:
    store.create(document("ops", "v1", tags=["one"]), author="ana", message="created")
    store.update("ops", document("ops", "v2"), expected_version=1, author="bo", message="edit")

    restored = store.restore("ops", 1, author="cy")

    assert (restored.version, restored.title, restored.tags) == (3, "v1", ("one",))
    assert restored.data == {**store.version("ops", 1), "version": 3}
    assert restored == store.get("ops")
    history = store.versions("ops")
    assert [(v.version, v.author) for v in history] == [(3, "cy"), (2, "bo"), (1, "ana")]
    assert history[0].message == "restored version 1"
    assert history[0].created_at >= history[1].created_at >= history[2].created_at


def test_restoring_or_reading_a_missing_version_changes_nothing(store: DashboardStore) -> None:
    store.create(document("ops"))
    with pytest.raises(VersionNotFoundError):
        store.restore("ops", 7)
    with pytest.raises(VersionNotFoundError):
        store.version("ops", 7)
    with pytest.raises(DashboardNotFoundError):
        store.restore("ghost", 1)
    with pytest.raises(DashboardNotFoundError):
        store.version("ghost", 1)
    with pytest.raises(DashboardNotFoundError):
        store.versions("ghost")
    assert store.get("ops").version == 1
    assert len(store.versions("ops")) == 1


@contextmanager
def refusing_version_rows(database: MetaDatabase) -> Iterator[None]:
    """A trigger that makes the database refuse new version rows, as a full disk would."""
    if database.dialect_name == "sqlite":
        create = [
            "CREATE TRIGGER refuse_versions BEFORE INSERT ON dashboard_versions "
            "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
        ]
        drop = ["DROP TRIGGER refuse_versions"]
    else:
        create = [
            "CREATE FUNCTION refuse_versions() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$",
            "CREATE TRIGGER refuse_versions BEFORE INSERT ON dashboard_versions "
            "FOR EACH ROW EXECUTE FUNCTION refuse_versions()",
        ]
        drop = [
            "DROP TRIGGER refuse_versions ON dashboard_versions",
            "DROP FUNCTION refuse_versions()",
        ]
    with database.writing() as session:
        for statement in create:
            session.execute(text(statement))
    try:
        yield
    finally:
        with database.writing() as session:
            for statement in drop:
                session.execute(text(statement))
