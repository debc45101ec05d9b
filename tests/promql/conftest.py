"""The conformance summary CI shows: passed / skipped / failed per promqltest file."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

_CASE_ID = re.compile(r"test_conformance\.py::test_promql\[([^\]:]+\.test):\d+\]")
_OUTCOMES = ("passed", "skipped", "failed")


def conformance_counts(reports: dict[str, list[Any]]) -> dict[str, Counter[str]]:
    """Per .test file: outcome -> count, from pytest's terminal reporter stats."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[str, str]] = set()
    for outcome, items in reports.items():
        bucket = "failed" if outcome == "error" else outcome
        if bucket not in _OUTCOMES:
            continue
        for report in items:
            match = _CASE_ID.search(getattr(report, "nodeid", "") or "")
            if match is None:
                continue
            # A case reports setup, call and teardown; count its first failure or its result once.
            key = (report.nodeid, getattr(report, "when", ""))
            if (report.nodeid, "counted") in seen or key in seen:
                continue
            seen.add((report.nodeid, "counted"))
            counts[match.group(1)][bucket] += 1
    return counts


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts = conformance_counts(terminalreporter.stats)
    if not counts:
        return
    write = terminalreporter.write_line
    terminalreporter.section("PromQL conformance (promqltest files)")
    write(f"{'file':<28}{'passed':>8}{'skipped':>9}{'failed':>8}{'total':>8}")
    total: Counter[str] = Counter()
    for name in sorted(counts):
        row = counts[name]
        total.update(row)
        write(
            f"{name:<28}{row['passed']:>8}{row['skipped']:>9}{row['failed']:>8}"
            f"{sum(row.values()):>8}"
        )
    write(
        f"{'total':<28}{total['passed']:>8}{total['skipped']:>9}{total['failed']:>8}"
        f"{sum(total.values()):>8}"
    )
