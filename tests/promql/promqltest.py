"""A reader for Prometheus' promqltest files (``promql/promqltest/testdata/*.test``).

The format, as Prometheus' own ``promqltest`` package reads it:

* Lines are trimmed; a line starting with ``#`` counts as an empty line (so a comment ends a
  block). Commands are separated by empty lines.
* ``load <interval>`` (or ``load_with_nhcb <interval>``) is followed by series lines
  ``metric{label="value"} <values>``; the i-th value is stamped ``i * interval`` after the epoch.
  Values use the expanding notation: ``a`` (one value), ``axN`` (N+1 copies), ``a+bxN`` /
  ``a-bxN`` (N+1 values, the step added cumulatively, as the Go parser does), ``_`` (no sample),
  ``_xN`` (N missing samples), ``stale`` (a staleness marker), ``Inf``/``-Inf``/``NaN``, and
  ``{{...}}`` native histograms (with ``{{h}}xN`` and ``{{h}}+{{d}}xN``). Loads accumulate into
  the same storage until ``clear``.
* ``eval instant at <duration> <expr>`` and ``eval range from <d> to <d> step <d> <expr>``
  (``eval_fail``, ``eval_warn``, ``eval_info``, ``eval_ordered`` as older spellings), followed by
  ``expect fail|warn|info|no_warn|no_info|ordered`` lines (optionally ``msg: <text>`` or
  ``regex: <pattern>``), ``expect string "<go string>"``, ``expect range vector from <d> to <d>
  step <d>`` (an instant query returning a matrix), ``expected_fail_message`` /
  ``expected_fail_regexp``, a number (scalar result) or expected series lines.

Only parsing and comparing live here; running a case against the engine is the test module's job.
"""

from __future__ import annotations

import itertools
import math
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pulseboard.model.samples import STALE_NAN

Labels = tuple[tuple[str, str], ...]

STALE_BITS = struct.unpack("<Q", struct.pack("<d", STALE_NAN))[0]

_PAT_SPACE = re.compile(r"[\t ]+")
_PAT_LOAD = re.compile(r"^load(?:_(with_nhcb))?\s+(.+?)$")
_PAT_EVAL_INSTANT = re.compile(
    r"^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$"
)
_PAT_EVAL_RANGE = re.compile(
    r"^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$"
)
_PAT_EXPECT = re.compile(
    r"^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$"
)
_RANGE_VECTOR_PREFIX = "expect range vector"
_PAT_EXPECT_RANGE = re.compile(
    r"^" + _RANGE_VECTOR_PREFIX + r"\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$"
)
_EXPECT_STRING_PREFIX = "expect string"

_PAT_DURATION = re.compile(
    r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$"
)
_DURATION_UNITS_MS = (
    365 * 24 * 3600 * 1000,
    7 * 24 * 3600 * 1000,
    24 * 3600 * 1000,
    3600 * 1000,
    60 * 1000,
    1000,
    1,
)

_NUMBER = (
    r"[+-]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN]"
    r"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
)
_PAT_ITEM = re.compile(
    rf"^({_NUMBER}|stale)(?:(?:([+-](?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))?x(\d+))?$"
)
_PAT_BLANK = re.compile(r"^_(?:x(\d+))?$")
_PAT_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")

DEFAULT_EPSILON = 0.000001  # relative error promqltest allows for sample values
_MIN_NORMAL = 2.2250738585072014e-308


class PromQLTestFormatError(ValueError):
    """A line the promqltest format does not allow (reported with file and line)."""


# ------------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class Histogram:
    """A native histogram sample, kept as its test-format text (cases using one are skipped)."""

    text: str


SequenceValue = float | Histogram | None  # None: no sample at that position ("_")


def is_stale(value: float) -> bool:
    return struct.unpack("<Q", struct.pack("<d", value))[0] == STALE_BITS


def parse_duration_ms(text: str) -> int:
    """Prometheus' model.ParseDuration (``1h30m``, ``10s53ms``, ``0``), in milliseconds."""
    if text == "0":
        return 0
    match = _PAT_DURATION.match(text)
    if not text or match is None:
        raise PromQLTestFormatError(f"not a valid duration string: {text!r}")
    return sum(
        int(part) * unit
        for part, unit in zip(match.groups(), _DURATION_UNITS_MS, strict=True)
        if part
    )


def parse_number(text: str) -> float:
    """promqltest's parseNumber: Go's ParseInt(s, 0, 64), else ParseFloat(s, 64)."""
    try:
        return float(int(text, 0))
    except ValueError:
        pass
    if not re.fullmatch(_NUMBER, text) and not re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text):
        raise PromQLTestFormatError(f"not a number: {text!r}")
    return float(text)


def go_unquote(text: str) -> str:
    """A Go string literal ("...", '...' or `...`) to its value; invalid UTF-8 bytes survive
    as surrogate escapes."""
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'`":
        raise PromQLTestFormatError(f"not a quoted string: {text!r}")
    body = text[1:-1]
    if text[0] == "`":
        return body
    out = bytearray()
    simple = {
        "a": 7,
        "b": 8,
        "f": 12,
        "n": 10,
        "r": 13,
        "t": 9,
        "v": 11,
        "\\": 92,
        "'": 39,
        '"': 34,
    }
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out += char.encode()
            i += 1
            continue
        if i + 1 >= len(body):
            raise PromQLTestFormatError(f"bad escape in {text!r}")
        code = body[i + 1]
        if code in simple:
            out.append(simple[code])
            i += 2
        elif code == "x":
            out.append(int(body[i + 2 : i + 4], 16))
            i += 4
        elif code in "01234567":
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        elif code == "u":
            out += chr(int(body[i + 2 : i + 6], 16)).encode()
            i += 6
        elif code == "U":
            out += chr(int(body[i + 2 : i + 10], 16)).encode()
            i += 10
        else:
            raise PromQLTestFormatError(f"bad escape \\{code} in {text!r}")
    return out.decode("utf-8", "surrogateescape")


def _scan_quoted(text: str, start: int) -> int:
    """Index just past the quoted string starting at text[start]."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and quote != "`":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    raise PromQLTestFormatError(f"unterminated string in {text!r}")


def parse_series_description(line: str) -> tuple[Labels, list[SequenceValue]]:
    """``metric{a="b"} 1+2x3 _ stale`` -> (sorted labels, expanded values)."""
    text = line.strip()
    pairs: list[tuple[str, str]] = []
    pos = 0
    name_match = _PAT_NAME.match(text)
    if name_match:
        pairs.append(("__name__", name_match.group()))
        pos = name_match.end()
    if pos < len(text) and text[pos] == "{":
        pos += 1
        while True:
            while pos < len(text) and text[pos] in " \t,":
                pos += 1
            if pos >= len(text):
                raise PromQLTestFormatError(f"unterminated label set in {line!r}")
            if text[pos] == "}":
                pos += 1
                break
            if text[pos] in "\"'`":
                end = _scan_quoted(text, pos)
                label = go_unquote(text[pos:end])
                pos = end
            else:
                match = _PAT_NAME.match(text, pos)
                if match is None:
                    raise PromQLTestFormatError(f"bad label name at {text[pos:]!r} in {line!r}")
                label = match.group()
                pos = match.end()
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            if pos < len(text) and text[pos] == "=":
                pos += 1
                while pos < len(text) and text[pos] in " \t":
                    pos += 1
                if pos >= len(text) or text[pos] not in "\"'`":
                    raise PromQLTestFormatError(f"label value must be quoted in {line!r}")
                end = _scan_quoted(text, pos)
                pairs.append((label, go_unquote(text[pos:end])))
                pos = end
            else:  # {"metric.name", ...}: a quoted metric name
                pairs.append(("__name__", label))
    elif not name_match:
        raise PromQLTestFormatError(f"a series needs a metric name or a label set: {line!r}")
    labels = tuple(sorted((name, value) for name, value in pairs if value != ""))
    return labels, parse_values(text[pos:], line)


def parse_values(text: str, line: str = "") -> list[SequenceValue]:
    values: list[SequenceValue] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return values
        if text.startswith("{{", pos):
            pos = _histogram_item(text, pos, values, line)
            continue
        end = pos
        while end < len(text) and text[end] not in " \t":
            end += 1
        values.extend(expand_item(text[pos:end], line))
        pos = end


def _histogram_end(text: str, pos: int, line: str) -> int:
    end = text.find("}}", pos)
    if end < 0:
        raise PromQLTestFormatError(f"unterminated native histogram in {line!r}")
    return end + 2


def _histogram_item(text: str, pos: int, values: list[SequenceValue], line: str) -> int:
    end = _histogram_end(text, pos, line)
    base = text[pos:end]
    if text.startswith(("+{{", "-{{"), end):
        delta_end = _histogram_end(text, end + 1, line)
        delta = text[end:delta_end]
        match = re.match(r"x(\d+)", text[delta_end:])
        if match is None:
            raise PromQLTestFormatError(f"histogram increment needs xN in {line!r}")
        count = int(match.group(1))
        values.extend(Histogram(f"{base}{delta}*{i}") for i in range(count + 1))
        return delta_end + match.end()
    match = re.match(r"x(\d+)", text[end:])
    if match:
        values.extend(Histogram(base) for _ in range(int(match.group(1)) + 1))
        return end + match.end()
    values.append(Histogram(base))
    return end


def expand_item(item: str, line: str = "") -> list[SequenceValue]:
    """One whitespace-separated item of a series description, expanded."""
    blank = _PAT_BLANK.match(item)
    if blank:
        return [None] * (int(blank.group(1)) if blank.group(1) else 1)
    match = _PAT_ITEM.match(item)
    if match is None:
        raise PromQLTestFormatError(f"bad series value {item!r} in {line!r}")
    start_text, step_text, times = match.groups()
    start = STALE_NAN if start_text == "stale" else float(start_text)
    if times is None:
        return [start]
    count = int(times)
    if step_text is None:
        return [start] * (count + 1)
    if start_text == "stale":
        raise PromQLTestFormatError(f"stale cannot be incremented: {item!r}")
    step = float(step_text)
    result: list[SequenceValue] = []
    current = start
    for _ in range(count + 1):  # cumulative addition, as the Go test parser does it
        result.append(current)
        current += step
    return result


# ------------------------------------------------------------------------------------ commands


@dataclass
class SeriesDef:
    labels: Labels
    values: list[SequenceValue]
    line: int


@dataclass
class LoadCmd:
    line: int
    interval_ms: int
    with_nhcb: bool = False
    series: list[SeriesDef] = field(default_factory=list)

    def has_histograms(self) -> bool:
        return self.with_nhcb or any(
            isinstance(value, Histogram) for series in self.series for value in series.values
        )


@dataclass
class ClearCmd:
    line: int


@dataclass(frozen=True)
class Expectation:
    """An ``expect <kind> [msg:|regex:]`` line; without either it matches any message."""

    kind: str  # ordered fail warn no_warn info no_info
    message: str | None = None
    regex: str | None = None

    def matches(self, text: str) -> bool:
        if self.regex is not None:
            return re.search(self.regex, text) is not None
        if self.message is not None:
            return self.message == text
        return True

    def describe(self) -> str:
        if self.regex is not None:
            return f"pattern {self.regex!r}"
        return f"message {self.message!r}" if self.message is not None else "anything"


@dataclass
class ExpectedSeries:
    labels: Labels
    values: list[SequenceValue]
    position: int  # 1-based position among the expectation lines, for ordered results


@dataclass
class EvalCmd:
    line: int
    expr: str
    is_range: bool
    start_ms: int
    end_ms: int = 0
    step_ms: int = 0
    eval_ms: int = 0  # instant queries: evaluation time
    fail: bool = False
    warn: bool = False
    info: bool = False
    ordered: bool = False
    expected_fail_message: str | None = None
    expected_fail_regexp: str | None = None
    expects: list[Expectation] = field(default_factory=list)
    expect_scalar: bool = False
    scalar: SequenceValue = None
    series: dict[Labels, ExpectedSeries] = field(default_factory=dict)
    expected_string: str | None = None
    range_vector: bool = False  # an instant query expected to return a matrix
    exclude_from_range_query: bool = False

    def expects_of(self, kind: str) -> list[Expectation]:
        return [e for e in self.expects if e.kind == kind]

    @property
    def is_fail(self) -> bool:
        return self.fail or bool(self.expects_of("fail"))

    @property
    def is_ordered(self) -> bool:
        return self.ordered or bool(self.expects_of("ordered"))

    def has_histogram_expectation(self) -> bool:
        values = [self.scalar, *(v for s in self.series.values() for v in s.values)]
        return any(isinstance(v, Histogram) for v in values)


Command = LoadCmd | ClearCmd | EvalCmd


def get_lines(text: str) -> list[str]:
    lines = []
    for raw in text.split("\n"):
        stripped = raw.strip()
        lines.append("" if stripped.startswith("#") else stripped)
    return lines


def parse(text: str) -> list[Command]:
    """All commands of a test file, in order."""
    lines = get_lines(text)
    commands: list[Command] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        word = _PAT_SPACE.split(line, maxsplit=1)[0].lower()
        try:
            if word == "clear":
                commands.append(ClearCmd(i + 1))
            elif word.startswith("load"):
                i, load = _parse_load(lines, i)
                commands.append(load)
            elif word.startswith("eval"):
                i, evaluation = _parse_eval(lines, i)
                commands.append(evaluation)
            else:
                raise PromQLTestFormatError(f"invalid command {line!r}")
        except PromQLTestFormatError as error:
            raise PromQLTestFormatError(f"line {i + 1}: {error}") from None
        i += 1
    return commands


def _parse_load(lines: list[str], i: int) -> tuple[int, LoadCmd]:
    match = _PAT_LOAD.match(lines[i])
    if match is None:
        raise PromQLTestFormatError("invalid load command. (load[_with_nhcb] <step:duration>)")
    load = LoadCmd(i + 1, parse_duration_ms(match.group(2)), match.group(1) == "with_nhcb")
    while i + 1 < len(lines) and lines[i + 1]:
        i += 1
        if _PAT_SPACE.split(lines[i], maxsplit=1)[0].endswith("@st"):
            raise PromQLTestFormatError("start-timestamp (@st) lines are not supported")
        labels, values = parse_series_description(lines[i])
        load.series = [s for s in load.series if s.labels != labels]  # a later line wins
        load.series.append(SeriesDef(labels, values, i + 1))
    return i, load


def _parse_eval(lines: list[str], i: int) -> tuple[int, EvalCmd]:
    line = lines[i]
    instant = _PAT_EVAL_INSTANT.match(line)
    ranged = _PAT_EVAL_RANGE.match(line)
    if instant is None and ranged is None:
        raise PromQLTestFormatError(
            "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant "
            "[at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> "
            "step <step> <query>'"
        )
    if instant is not None:
        modifier, at, expr = instant.groups()
        at_ms = parse_duration_ms(at or "")
        cmd = EvalCmd(i + 1, expr, False, at_ms, eval_ms=at_ms)
    else:
        assert ranged is not None
        modifier, start, end, step, expr = ranged.groups()
        start_ms, end_ms, step_ms = _parse_range(start, end, step)
        cmd = EvalCmd(i + 1, expr, True, start_ms, end_ms, step_ms)
    if modifier:
        setattr(cmd, modifier, True)

    j = 1
    while i + 1 < len(lines):
        i += 1
        line = lines[i]
        if not line:
            i -= 1
            break
        if cmd.fail and line.startswith("expected_fail_message"):
            cmd.expected_fail_message = line.removeprefix("expected_fail_message").strip()
            break
        if cmd.fail and line.startswith("expected_fail_regexp"):
            cmd.expected_fail_regexp = line.removeprefix("expected_fail_regexp").strip()
            break
        if line.startswith(_RANGE_VECTOR_PREFIX):
            match = _PAT_EXPECT_RANGE.match(line)
            if match is None:
                raise PromQLTestFormatError(f"invalid range vector definition {line!r}")
            cmd.start_ms, cmd.end_ms, cmd.step_ms = _parse_range(*match.groups())
            cmd.eval_ms = cmd.end_ms
            cmd.range_vector = True
            cmd.exclude_from_range_query = True
            j += 1
            continue
        if line.startswith(_EXPECT_STRING_PREFIX):
            literal = line.removeprefix(_EXPECT_STRING_PREFIX + " ")
            if line == _EXPECT_STRING_PREFIX or not literal:
                raise PromQLTestFormatError("expected string literal not valid")
            cmd.expected_string = go_unquote(literal)
            cmd.exclude_from_range_query = True
            j += 1
            continue
        if line.split(" ")[0] == "expect":
            cmd.expects.append(parse_expect(line))
            _validate_expects(cmd)
            continue
        try:
            number = parse_number(line)
        except PromQLTestFormatError:
            pass
        else:
            cmd.expect_scalar = True
            cmd.scalar = number
            break
        labels, values = parse_series_description(line)
        if len(values) > 1 and not cmd.is_range and not cmd.range_vector:
            raise PromQLTestFormatError(
                "expecting multiple values in instant evaluation not allowed"
            )
        cmd.expect_scalar = False
        cmd.series[labels] = ExpectedSeries(labels, values, j)
        j += 1
    return i, cmd


def _parse_range(start: str, end: str, step: str) -> tuple[int, int, int]:
    start_ms, end_ms = parse_duration_ms(start), parse_duration_ms(end)
    if end_ms < start_ms:
        raise PromQLTestFormatError(f"end timestamp ({end}) is before start timestamp ({start})")
    return start_ms, end_ms, parse_duration_ms(step)


def parse_expect(line: str) -> Expectation:
    match = _PAT_EXPECT.match(line.strip())
    if match is None:
        raise PromQLTestFormatError(
            "invalid expect statement, must match `expect <type> <match_type>: <string>` format"
        )
    kind, match_type, text = match.groups()
    if match_type == "msg":
        return Expectation(kind, message=text.strip())
    if match_type == "regex":
        pattern = text.strip()
        try:
            re.compile(pattern)
        except re.error as error:
            raise PromQLTestFormatError(f"invalid regex {pattern} for {kind}: {error}") from None
        return Expectation(kind, regex=pattern)
    return Expectation(kind)


def _validate_expects(cmd: EvalCmd) -> None:
    kinds = [e.kind for e in cmd.expects]
    if "info" in kinds and "no_info" in kinds:
        raise PromQLTestFormatError(
            "invalid expect lines, info and no_info cannot be used together"
        )
    if "warn" in kinds and "no_warn" in kinds:
        raise PromQLTestFormatError(
            "invalid expect lines, warn and no_warn cannot be used together"
        )
    if kinds.count("fail") > 1:
        raise PromQLTestFormatError(
            "invalid expect lines, multiple expect fail lines are not allowed"
        )


# ------------------------------------------------------------------------------------ cases


@dataclass
class TestCase:
    """One eval with the data it runs on: every load since the last ``clear``."""

    __test__ = False  # not a pytest class

    file: str
    eval: EvalCmd
    loads: tuple[LoadCmd, ...]
    data_key: tuple[str, int]  # equal for evals that see the same loaded data

    @property
    def id(self) -> str:
        return f"{self.file}:{self.eval.line}"


def cases_from_text(text: str, name: str) -> list[TestCase]:
    result: list[TestCase] = []
    loads: list[LoadCmd] = []
    generation = 0
    for command in parse(text):
        if isinstance(command, ClearCmd):
            loads = []
            generation += 1
        elif isinstance(command, LoadCmd):
            loads.append(command)
            generation += 1
        else:
            result.append(TestCase(name, command, tuple(loads), (name, generation)))
    return result


def load_cases(path: Path) -> list[TestCase]:
    try:
        return cases_from_text(path.read_text(), path.name)
    except PromQLTestFormatError as error:
        raise PromQLTestFormatError(f"{path.name}: {error}") from None


def samples_of(loads: Sequence[LoadCmd]) -> dict[Labels, list[tuple[int, float]]]:
    """The float samples of several loads (histogram samples left out), sorted by time."""
    merged: dict[Labels, dict[int, float]] = {}
    for load in loads:
        for series in load.series:
            points = merged.setdefault(series.labels, {})
            for index, value in enumerate(series.values):
                if isinstance(value, float):
                    points[index * load.interval_ms] = value
    return {labels: sorted(points.items()) for labels, points in merged.items() if points}


def histogram_series(loads: Sequence[LoadCmd]) -> list[Labels]:
    """Series that carry native histogram samples, or classic ones converted by _with_nhcb."""
    found = []
    for load in loads:
        for series in load.series:
            if load.with_nhcb or any(isinstance(v, Histogram) for v in series.values):
                found.append(series.labels)
    return found


# ------------------------------------------------------------------------------------ comparing


def almost_equal(a: float, b: float, epsilon: float = DEFAULT_EPSILON) -> bool:
    """Prometheus' util/almost.Equal: relative error, NaN equal to NaN."""
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    abs_sum = abs(a) + abs(b)
    diff = abs(a - b)
    if a == 0 or b == 0 or abs_sum < _MIN_NORMAL:
        return diff < epsilon * _MIN_NORMAL
    return diff / min(abs_sum, 1.7976931348623157e308) < epsilon


def render_labels(labels: Labels) -> str:
    name = dict(labels).get("__name__", "")
    rest = ", ".join(f'{k}="{v}"' for k, v in labels if k != "__name__")
    return f"{name}{{{rest}}}"


def check_failure(cmd: EvalCmd, message: str) -> str | None:
    """For an eval expected to fail: None if ``message`` is an acceptable error."""
    if cmd.expected_fail_message is not None and cmd.expected_fail_message != message:
        return f"expected error {cmd.expected_fail_message!r}, got {message!r}"
    if cmd.expected_fail_regexp is not None and not re.search(cmd.expected_fail_regexp, message):
        return f"expected error matching {cmd.expected_fail_regexp!r}, got {message!r}"
    for expectation in cmd.expects_of("fail"):
        if not expectation.matches(message):
            return f"expected error matching {expectation.describe()}, got {message!r}"
    return None


def split_annotations(annotations: Sequence[str]) -> tuple[list[str], list[str]]:
    """(warnings, infos): Prometheus spells infos ``PromQL info: ...``; everything else warns."""
    infos = [a for a in annotations if a.startswith("PromQL info:")]
    warnings = [a for a in annotations if not a.startswith("PromQL info:")]
    return warnings, infos


def check_annotations(cmd: EvalCmd, annotations: Sequence[str]) -> str | None:
    warnings, infos = split_annotations(annotations)
    if cmd.warn and not warnings:
        return "expected warnings but got none"
    if cmd.info and not infos:
        return "expected info annotations but got none"
    for kind, actual in (("warn", warnings), ("info", infos)):
        expected = cmd.expects_of(kind)
        if not expected:
            continue
        if not actual:
            return f"expected {kind} annotations but none were found"
        for expectation in expected:
            if not any(expectation.matches(text) for text in actual):
                return (
                    f"expected {kind} annotation matching {expectation.describe()} but found "
                    f"{actual}"
                )
        for text in actual:
            if not any(expectation.matches(text) for expectation in expected):
                return f"unexpected {kind} annotation {text!r}"
    if cmd.expects_of("no_warn") and warnings:
        return f"unexpected warning annotations: {warnings}"
    if cmd.expects_of("no_info") and infos:
        return f"unexpected info annotations: {infos}"
    return None


def compare_vector(
    cmd: EvalCmd, samples: Sequence[tuple[Labels, float]], *, ordered: bool | None = None
) -> str | None:
    """Compare an instant vector (labels, value) in result order with the expectation."""
    if cmd.expect_scalar:
        return f"expected scalar result, but got vector of {len(samples)} samples"
    check_order = cmd.is_ordered if ordered is None else ordered
    seen: set[Labels] = set()
    for position, (labels, value) in enumerate(samples, start=1):
        expected = cmd.series.get(labels)
        if expected is None:
            return f"unexpected metric {render_labels(labels)} in result, has value {value!r}"
        if check_order and expected.position != position:
            return (
                f"expected metric {render_labels(labels)} at position {expected.position} but "
                f"was at {position}"
            )
        want = expected.values[0] if expected.values else None
        if not isinstance(want, float) or not almost_equal(want, value):
            return f"expected {want!r} for {render_labels(labels)} but got {value!r}"
        if labels in seen:
            return f"duplicate metric {render_labels(labels)} in result"
        seen.add(labels)
    for labels in cmd.series:
        if labels not in seen:
            return f"expected metric {render_labels(labels)} not found"
    return None


def compare_matrix(
    cmd: EvalCmd, series: Sequence[tuple[Labels, Sequence[int], Sequence[float]]]
) -> str | None:
    """Compare a matrix (labels, timestamps ms, values) with the expected expanded series."""
    if cmd.is_ordered:
        return "expected ordered result, but query returned a matrix"
    if cmd.expect_scalar:
        return "expected scalar result, but got a matrix"
    for previous, current in itertools.pairwise(series):
        if previous[0] > current[0]:
            return (
                "matrix results should always be sorted by labels, but "
                f"{render_labels(current[0])} comes after {render_labels(previous[0])}"
            )
    seen: set[Labels] = set()
    for labels, timestamps, values in series:
        expected = cmd.series.get(labels)
        if expected is None:
            points_found = list(zip(timestamps, values, strict=True))
            return f"unexpected metric {render_labels(labels)} in result, has {points_found}"
        seen.add(labels)
        points: list[tuple[int, float]] = []
        for index, value in enumerate(expected.values):
            ts = cmd.start_ms + index * cmd.step_ms
            if ts > cmd.end_ms:
                return (
                    f"expected {len(expected.values)} points for {render_labels(labels)}, but "
                    "query time range cannot return this many points"
                )
            if isinstance(value, Histogram):
                return "histogram expectations are not compared"
            if value is not None:
                points.append((ts, value))
        actual = list(zip((int(t) for t in timestamps), (float(v) for v in values), strict=True))
        if len(points) != len(actual):
            return (
                f"expected {len(points)} float points for {render_labels(labels)}, but got "
                f"{len(actual)}: {actual}"
            )
        for index, ((want_ts, want), (got_ts, got)) in enumerate(zip(points, actual, strict=True)):
            if want_ts != got_ts:
                return (
                    f"expected point {index} of {render_labels(labels)} at t={want_ts}, but it "
                    f"was at t={got_ts} (result has {actual})"
                )
            if not almost_equal(want, got):
                return (
                    f"expected point {index} (t={got_ts}) of {render_labels(labels)} to be "
                    f"{want!r}, but got {got!r} (result has {actual})"
                )
    for labels in cmd.series:
        if labels not in seen:
            return f"expected metric {render_labels(labels)} not found"
    return None


def compare_scalar(cmd: EvalCmd, value: float) -> str | None:
    if not cmd.expect_scalar:
        return f"expected vector or matrix result, but got scalar {value!r}"
    want = cmd.scalar
    if not isinstance(want, float) or not almost_equal(want, value):
        return f"expected scalar {want!r} but got {value!r}"
    return None


def compare_string(cmd: EvalCmd, value: str) -> str | None:
    if cmd.expected_string != value:
        return f"expected string {cmd.expected_string!r} but got {value!r}"
    return None
