"""Version diffs: paths a person can read, panels matched by id."""

from __future__ import annotations

from pulseboard.dashboards.diff import Change, diff


def _doc(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "title": "Ops",
        "tags": ["ops"],
        "panels": [
            {"id": 1, "title": "CPU", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}},
            {"id": 2, "title": "Memory", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}},
        ],
    }
    doc.update(changes)
    return doc


def test_identical_documents_have_no_changes() -> None:
    assert diff(_doc(), _doc()) == []


def test_scalar_changes_name_their_path() -> None:
    assert diff(_doc(), _doc(title="Operations")) == [
        Change("title", "changed", "Ops", "Operations")
    ]


def test_panels_are_matched_by_id_not_position() -> None:
    old = _doc()
    panels = list(reversed(old["panels"]))  # type: ignore[call-overload]
    moved = {**panels[0], "gridPos": {"x": 0, "y": 8, "w": 24, "h": 8}}
    new = _doc(panels=[moved, panels[1]])
    assert diff(old, new) == [
        Change("panels[id=2].gridPos.w", "changed", 12, 24),
        Change("panels[id=2].gridPos.x", "changed", 12, 0),
        Change("panels[id=2].gridPos.y", "changed", 0, 8),
    ]


def test_added_and_removed_items_and_keys() -> None:
    old = _doc()
    new = _doc(panels=[old["panels"][0], {"id": 3, "title": "Disk"}], description="x")  # type: ignore[index]
    assert diff(old, new) == [
        Change("description", "added", new="x"),
        Change("panels[id=2]", "removed", old=old["panels"][1]),  # type: ignore[index]
        Change("panels[id=3]", "added", new={"id": 3, "title": "Disk"}),
    ]


def test_plain_lists_compare_by_position() -> None:
    assert diff(_doc(tags=["ops"]), _doc(tags=["ops", "prod"])) == [
        Change("tags[1]", "added", new="prod")
    ]


def test_numbers_compare_as_json_numbers_but_booleans_are_not_numbers() -> None:
    assert diff({"decimals": 1}, {"decimals": 1.0}) == []
    assert diff({"hide": 1}, {"hide": True}) == [Change("hide", "changed", 1, True)]
