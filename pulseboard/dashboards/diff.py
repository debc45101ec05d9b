"""What changed between two versions of a dashboard document, path by path.

Lists of objects that carry an `id` (panels) or a `name` (variables) are matched by it, so moving or
inserting a panel shows as that panel's change rather than as every later panel changing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ChangeKind = Literal["added", "removed", "changed"]

# Keys that identify an object inside a list, tried in order.
_IDENTITIES = ("id", "name", "refId")


@dataclass(frozen=True)
class Change:
    path: str  # e.g. panels[id=3].gridPos.w, title
    kind: ChangeKind
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


def diff(old: Any, new: Any, path: str = "") -> list[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_objects(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        identity = _identity(old, new)
        if identity is not None:
            return _diff_keyed(old, new, path, identity)
        return _diff_positional(old, new, path)
    # JSON has one number type (1 == 1.0), but true is not 1.
    if old != new or isinstance(old, bool) != isinstance(new, bool):
        return [Change(path, "changed", old, new)]
    return []


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _diff_objects(old: dict[str, Any], new: dict[str, Any], path: str) -> list[Change]:
    changes: list[Change] = []
    for key in old.keys() | new.keys():
        here = _join(path, key)
        if key not in new:
            changes.append(Change(here, "removed", old=old[key]))
        elif key not in old:
            changes.append(Change(here, "added", new=new[key]))
        else:
            changes.extend(diff(old[key], new[key], here))
    return sorted(changes, key=lambda change: change.path)


def _identity(old: list[Any], new: list[Any]) -> str | None:
    """The key every item of both lists has, with no value repeated, if there is one."""
    items = old + new
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in _IDENTITIES:
        if all(key in item for item in items) and all(
            len({repr(item[key]) for item in side}) == len(side) for side in (old, new)
        ):
            return key
    return None


def _diff_keyed(old: list[Any], new: list[Any], path: str, key: str) -> list[Change]:
    before = {repr(item[key]): item for item in old}
    after = {repr(item[key]): item for item in new}
    changes: list[Change] = []
    for identity in [*before, *(i for i in after if i not in before)]:
        here = f"{path}[{key}={identity.strip(chr(39))}]"
        if identity not in after:
            changes.append(Change(here, "removed", old=before[identity]))
        elif identity not in before:
            changes.append(Change(here, "added", new=after[identity]))
        else:
            changes.extend(diff(before[identity], after[identity], here))
    return changes


def _diff_positional(old: list[Any], new: list[Any], path: str) -> list[Change]:
    changes: list[Change] = []
    for index in range(max(len(old), len(new))):
        here = f"{path}[{index}]"
        if index >= len(new):
            changes.append(Change(here, "removed", old=old[index]))
        elif index >= len(old):
            changes.append(Change(here, "added", new=new[index]))
        else:
            changes.extend(diff(old[index], new[index], here))
    return changes
