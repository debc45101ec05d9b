"""AnnotationStore on SQLite and PostgreSQL: points and regions found by the range they overlap."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pulseboard.meta import (
    Annotation,
    AnnotationDraft,
    AnnotationNotFoundError,
    AnnotationStore,
    DashboardNotFoundError,
    DashboardStore,
    InvalidInputError,
    MetaDatabase,
)


@pytest.fixture
def notes(database: MetaDatabase) -> AnnotationStore:
    dashboards = DashboardStore(database)
    dashboards.create({"uid": "ops", "title": "Operations"})
    dashboards.create({"uid": "biz", "title": "Business"})
    return AnnotationStore(database)


def texts(found: list[Annotation]) -> list[str]:
    return [annotation.text for annotation in found]


def test_an_added_annotation_reads_back(notes: AnnotationStore) -> None:
    draft = AnnotationDraft(
        time_ms=1_700_000_000_000,
        time_end_ms=1_700_000_060_000,
        text="deploy v2",
        tags=("deploy", "api"),
        dashboard_uid="ops",
        panel_id=3,
        source="manual",
    )
    added = notes.add(draft, author="ana")
    assert notes.get(added.id) == added
    assert (added.time_ms, added.time_end_ms, added.text) == (
        draft.time_ms,
        draft.time_end_ms,
        "deploy v2",
    )
    assert (added.tags, added.dashboard_uid, added.panel_id) == (("deploy", "api"), "ops", 3)
    assert (added.source, added.author) == ("manual", "ana")
    assert added.created_at.tzinfo is not None


def test_a_range_finds_the_points_in_it_and_the_regions_overlapping_it(
    notes: AnnotationStore,
) -> None:
    for text, start, end in [
        ("point before", 50, None),
        ("point at start", 100, None),
        ("point inside", 150, None),
        ("point at end", 200, None),
        ("point after", 250, None),
        ("region ending before", 10, 99),
        ("region over the start", 60, 120),
        ("region around the range", 0, 1000),
        ("region inside", 120, 130),
        ("region over the end", 190, 400),
        ("region starting after", 201, 300),
    ]:
        notes.add(AnnotationDraft(time_ms=start, time_end_ms=end, text=text))

    found = notes.list(100, 200)

    assert texts(found) == [  # newest first
        "point at end",
        "region over the end",
        "point inside",
        "region inside",
        "point at start",
        "region over the start",
        "region around the range",
    ]
    assert texts(notes.list(100, 200, limit=2)) == ["point at end", "region over the end"]


def test_a_range_is_narrowed_by_dashboard_panel_and_every_tag(
    notes: AnnotationStore,
) -> None:
    notes.add(AnnotationDraft(time_ms=1, text="global", tags=("deploy",)))
    notes.add(AnnotationDraft(time_ms=2, text="ops", dashboard_uid="ops", tags=("deploy", "api")))
    notes.add(AnnotationDraft(time_ms=3, text="ops panel 1", dashboard_uid="ops", panel_id=1))
    notes.add(AnnotationDraft(time_ms=4, text="biz", dashboard_uid="biz", tags=("api",)))

    assert texts(notes.list(0, 10, dashboard_uid="ops")) == ["ops panel 1", "ops"]
    assert texts(notes.list(0, 10, dashboard_uid="ops", panel_id=1)) == ["ops panel 1"]
    assert texts(notes.list(0, 10, tags=["deploy"])) == ["ops", "global"]
    assert texts(notes.list(0, 10, tags=["deploy", "api"])) == ["ops"]
    assert texts(notes.list(0, 10, tags=["api"], dashboard_uid="biz")) == ["biz"]
    assert notes.list(0, 10, tags=["nothing"]) == []


def test_an_update_replaces_the_content_and_keeps_identity(notes: AnnotationStore) -> None:
    added = notes.add(AnnotationDraft(time_ms=10, text="old", tags=("old",)), author="ana")
    updated = notes.update(
        added.id, AnnotationDraft(time_ms=20, time_end_ms=30, text="new", tags=("new",))
    )

    assert updated == notes.get(added.id)
    assert (updated.id, updated.author, updated.created_at) == (added.id, "ana", added.created_at)
    assert (updated.time_ms, updated.time_end_ms, updated.text, updated.tags) == (
        20,
        30,
        "new",
        ("new",),
    )
    assert notes.list(0, 100, tags=["old"]) == []
    assert texts(notes.list(0, 100, tags=["new"])) == ["new"]
    assert notes.list(0, 15) == []


def test_delete_and_missing_annotations(notes: AnnotationStore) -> None:
    added = notes.add(AnnotationDraft(time_ms=10, text="gone soon"))
    notes.delete(added.id)
    with pytest.raises(AnnotationNotFoundError):
        notes.get(added.id)
    with pytest.raises(AnnotationNotFoundError):
        notes.delete(added.id)
    with pytest.raises(AnnotationNotFoundError):
        notes.update(added.id, AnnotationDraft(time_ms=1, text="x"))
    assert notes.list(0, 100) == []


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (AnnotationDraft(time_ms=100, time_end_ms=99, text="x"), "timeEnd is before time"),
        (AnnotationDraft(time_ms=1, text="x", source="robot"), "source"),
        (AnnotationDraft(time_ms=1, text="x", panel_id=2), "panelId"),
        (AnnotationDraft(time_ms=2**63, text="x"), "time"),
        (AnnotationDraft(time_ms=1, text="x", tags=("",)), r"tags\[0\]"),
        (AnnotationDraft(time_ms=1, text="x" * 70_000), "text"),
    ],
)
def test_bad_annotations_are_refused_and_nothing_is_stored(
    notes: AnnotationStore, draft: AnnotationDraft, message: str
) -> None:
    kept = notes.add(AnnotationDraft(time_ms=5, text="kept", tags=("kept",)))
    with pytest.raises(InvalidInputError, match=message):
        notes.add(draft)
    with pytest.raises(InvalidInputError, match=message):
        notes.update(kept.id, draft)
    assert notes.list(-(2**62), 2**62) == [kept]
    assert notes.list(0, 10, tags=["kept"]) == [kept]


def test_an_annotation_on_a_missing_dashboard_is_refused(notes: AnnotationStore) -> None:
    draft = AnnotationDraft(time_ms=1, text="x", dashboard_uid="ghost")
    with pytest.raises(DashboardNotFoundError):
        notes.add(draft)
    kept = notes.add(AnnotationDraft(time_ms=1, text="kept", dashboard_uid="ops"))
    with pytest.raises(DashboardNotFoundError):
        notes.update(kept.id, replace(draft, text="moved"))
    assert notes.list(0, 10) == [kept]


def test_a_range_that_ends_before_it_starts_is_refused(notes: AnnotationStore) -> None:
    with pytest.raises(InvalidInputError, match="before start"):
        notes.list(200, 100)
