"""Label matchers with Prometheus semantics (regexes are fully anchored)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field


class MatchType(enum.Enum):
    EQUAL = "="
    NOT_EQUAL = "!="
    REGEX = "=~"
    NOT_REGEX = "!~"


class InvalidMatcherError(ValueError):
    pass


@dataclass(frozen=True)
class Matcher:
    name: str
    type: MatchType
    value: str
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(cls, name: str, type: MatchType, value: str) -> Matcher:
        regex = None
        if type in (MatchType.REGEX, MatchType.NOT_REGEX):
            try:
                # Prometheus anchors regex matchers at both ends; (?s) makes '.' match newlines too.
                regex = re.compile(f"^(?s:{value})$")
            except re.error as exc:
                raise InvalidMatcherError(f"invalid regular expression {value!r}: {exc}") from exc
        return cls(name, type, value, regex)

    def matches(self, value: str) -> bool:
        if self.type is MatchType.EQUAL:
            return value == self.value
        if self.type is MatchType.NOT_EQUAL:
            return value != self.value
        assert self._regex is not None
        found = self._regex.match(value) is not None
        return found if self.type is MatchType.REGEX else not found

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.type.value}"{escaped}"'


_SELECTOR_RE = re.compile(
    r"""\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)""", re.S
)
_METRIC_RE = re.compile(r"\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{(.*)\})?\s*$", re.S)


def parse_selector(text: str) -> list[Matcher]:
    """Parse a series selector as the metadata endpoints take it in `match[]`: name{a="b",...}."""
    found = _METRIC_RE.match(text)
    if not found or (found.group(1) is None and found.group(2) is None):
        raise InvalidMatcherError(f"invalid series selector {text!r}")
    matchers = []
    if found.group(1):
        matchers.append(Matcher.create("__name__", MatchType.EQUAL, found.group(1)))
    body = (found.group(3) or "").strip()
    position = 0
    while position < len(body):
        item = _SELECTOR_RE.match(body, position)
        if not item:
            raise InvalidMatcherError(f"invalid series selector {text!r} near {body[position:]!r}")
        value = bytes(item.group(3), "utf-8").decode("unicode_escape")
        matchers.append(Matcher.create(item.group(1), MatchType(item.group(2)), value))
        position = item.end()
    if not any(not m.matches("") for m in matchers):
        raise InvalidMatcherError(
            f"match[] {text!r} must contain at least one matcher "
            "that does not match the empty string"
        )
    return matchers
