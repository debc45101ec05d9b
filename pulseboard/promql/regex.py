"""Go RE2 regex syntax -> Python `re` syntax, for the constructs where the two differ."""

from __future__ import annotations

import functools
import re

_INLINE_FLAGS = re.compile(r"\(\?([imsU-]+)\)")


@functools.lru_cache(maxsize=1024)
def to_python(pattern: str) -> str:
    """Rewrite RE2-only syntax so Python compiles the pattern with the same meaning.

    RE2 allows flag groups like `(?i)` anywhere, applying to the rest of the enclosing group;
    Python only allows them at the very start (and the matcher wraps patterns in a group), so
    they become scoped groups `(?i:...)` closed where the enclosing group closes.
    """
    out: list[str] = []
    scoped: list[list[str]] = [[]]  # per open group: scoped flag groups opened inside it
    i = 0
    n = len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            following = pattern[i + 1]
            out.append("\\Z" if following == "z" else pattern[i : i + 2])
            i += 2
            continue
        if char == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
            continue
        if char == "(":
            flags = _INLINE_FLAGS.match(pattern, i)
            if flags is not None:
                wanted = flags.group(1).replace("U", "")
                if wanted and wanted != "-":
                    out.append(f"(?{wanted}:")
                    scoped[-1].append(wanted)
                i = flags.end()
                continue
            if pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")
                i += 3
                scoped.append([])
                continue
            scoped.append([])
            out.append(char)
            i += 1
            continue
        if char == ")" and len(scoped) > 1:
            out.append(")" * len(scoped.pop()) + ")")
            i += 1
            continue
        if char == "|" and scoped[-1]:
            # Flags hold until the group ends, across alternatives: close and reopen them.
            opened = scoped[-1]
            out.append(")" * len(opened) + "|" + "".join(f"(?{f}:" for f in opened))
            i += 1
            continue
        out.append(char)
        i += 1
    out.append(")" * len(scoped[0]))
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """Index just past the character class opening at `start`."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "[" and pattern.startswith("[:", i):
            close = pattern.find(":]", i + 2)
            i = close + 2 if close >= 0 else i + 1
            continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    return len(pattern)
