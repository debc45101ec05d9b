"""Opening the metadata database: URL, migrations to head, SQLite settings, refusals."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from pulseboard.config import Settings, load_settings
from pulseboard.meta import (
    DashboardStore,
    DatabaseUnavailableError,
    database_url,
    open_database,
)
from pulseboard.meta.migrate import alembic_config, current_revision, head_revision
from pulseboard.meta.tables import Base


def test_opening_migrates_to_head_and_reopening_leaves_the_database_alone(fresh_url: str) -> None:
    first = open_database(fresh_url)
    assert current_revision(first.engine) == head_revision()
    DashboardStore(first).create({"uid": "kept", "title": "Kept"})
    first.close()

    second = open_database(fresh_url)
    assert current_revision(second.engine) == head_revision()
    assert DashboardStore(second).get("kept").title == "Kept"
    with second.reading() as session:
        assert session.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    second.close()


def test_the_migrations_build_exactly_the_mapped_schema(fresh_url: str) -> None:
    database = open_database(fresh_url)
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    database.close()
    assert differences == []
    assert tables == {*Base.metadata.tables, "alembic_version"}


def test_replicas_starting_together_migrate_once(fresh_url: str) -> None:
    with ThreadPoolExecutor(3) as pool:
        databases = list(pool.map(lambda _: open_database(fresh_url), range(3)))
    assert {current_revision(database.engine) for database in databases} == {head_revision()}
    for database in databases:
        database.close()


def test_the_migration_history_is_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(script.walk_revisions())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for revision in revisions:
        assert not isinstance(revision.down_revision, tuple | list), revision.revision
    assert [r.revision for r in revisions][-1] == script.get_bases()[0]


def test_sqlite_enforces_foreign_keys_and_uses_the_write_ahead_log(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'nested' / 'meta.db'}")
    with database.reading() as session:
        assert session.scalar(text("PRAGMA foreign_keys")) == 1
        assert session.scalar(text("PRAGMA journal_mode")) == "wal"
    database.close()
    assert (tmp_path / "nested" / "meta.db").is_file()


def test_the_default_url_is_a_file_in_the_data_dir_and_the_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = database_url(Settings(data_dir=tmp_path / "data"))
    assert default == f"sqlite:///{(tmp_path / 'data').resolve() / 'meta.db'}"

    monkeypatch.setenv("PULSEBOARD_META__URL", "postgresql://pb@db.example/pulseboard")
    assert database_url(load_settings()) == "postgresql://pb@db.example/pulseboard"


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "postgresql://pulseboard:secret-word@127.0.0.1:1/pulseboard",
        "nosuchdb://x/y",
    ],
)
def test_a_database_that_cannot_be_opened_is_named_without_its_password(url: str) -> None:
    with pytest.raises(DatabaseUnavailableError) as raised:
        open_database(url)
    assert "secret-word" not in str(raised.value)
    assert "metadata database" in str(raised.value)
