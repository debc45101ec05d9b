"""Prometheus text exposition (0.0.4) and OpenMetrics 1.0 text, parsed into a SampleBatch.

Scrapes repeat the same series lines every few seconds, so the text before the value of a line
is looked up in a cache of already parsed series (per format and set of extra labels); only new
series and unusual lines go through the tokenizer. The hot loop does not even look at values: they
are converted in one pass at the end, and if anything in that pass is wrong the body is parsed
again with every line checked, so that the error names the first bad line.

The full tokenizer (`_parse_line`) is the authority. The shortcuts either produce exactly what it
would or hand the line over to it, so a line is never accepted or refused depending on what the
cache holds.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pulseboard.ingest.errors import IngestError
from pulseboard.model.samples import (
    Float64Array,
    Int32Array,
    MetricMetadata,
    RawLabels,
    SampleBatch,
)

__all__ = [
    "MAX_CACHED_SERIES",
    "OPENMETRICS_MEDIA_TYPE",
    "ExpositionParseError",
    "clear_series_cache",
    "is_openmetrics",
    "parse_exposition",
]

OPENMETRICS_MEDIA_TYPE = "application/openmetrics-text"

# A few hundred bytes per entry: enough for every series of a large installation's scrapes while
# keeping the worst case near 100 MB.
MAX_CACHED_SERIES = 200_000

_METRIC_NAME = "__name__"
_MAX_EXCERPT = 120

_METRIC_NAME_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

# Series written the usual way (no spaces between tokens, no quoted names) are checked by one
# regex and split by another, both in C, instead of the character scanner. Possessive
# quantifiers keep a failing match linear.
_PLAIN_PAIR = r'[a-zA-Z_][a-zA-Z0-9_]*+="[^"\\]*+(?:\\[\\"n][^"\\]*+)*+"'
_PLAIN_SERIES_TEXT_RE = re.compile(
    rf"[a-zA-Z_:][a-zA-Z0-9_:]*+(?:\{{(?:{_PLAIN_PAIR}(?:,{_PLAIN_PAIR})*+,?)?\}})?"
)
_PLAIN_SERIES_OM_RE = re.compile(
    rf"[a-zA-Z_:][a-zA-Z0-9_:]*+(?:\{{(?:{_PLAIN_PAIR}(?:,{_PLAIN_PAIR})*+)?\}})?"
)
# Only run on text the regexes above accepted, from its '{': every match is one label pair.
_PLAIN_PAIRS_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"\\]*(?:\\.[^"\\]*)*)"')
_VALUE_ESCAPE_RE = re.compile(r'\\([\\"n])')

# Go's strconv.ParseFloat syntax, which Prometheus uses; Python's float() also takes underscores,
# surrounding whitespace and non-ASCII digits, which Prometheus refuses.
_FLOAT_RE = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?"
    r"|[nN][aA][nN]"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)"
)
_TEXT_TIMESTAMP_RE = re.compile(r"[0-9]+")
# Timestamps are stored as int64 milliseconds.
_MAX_TIMESTAMP_MS = 2**63 - 1
_MAX_TIMESTAMP_DIGITS = 19  # fewer digits always fit
_MAX_SECONDS_DIGITS = 16

# Characters that Python's float()/int() silently strip but Prometheus refuses; a body holding any
# of them (or any non-ASCII character) has its value tokens checked on the fast path too.
_SUSPICIOUS_CHARS = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"

_TEXT_META_RE = re.compile(r"#[ \t]+(HELP|TYPE)(?:[ \t]+(.*))?", re.DOTALL)
_OM_META_RE = re.compile(r"# (HELP|TYPE|UNIT)(?: (.*))?", re.DOTALL)

_TEXT_TYPES = {
    "counter": "counter",
    "gauge": "gauge",
    "histogram": "histogram",
    "summary": "summary",
    "untyped": "unknown",
}
_OM_TYPES = {
    name: name
    for name in (
        "counter",
        "gauge",
        "histogram",
        "gaugehistogram",
        "stateset",
        "info",
        "summary",
        "unknown",
    )
}
# OpenMetrics families whose `<name>_created` sample carries a creation time, not a value.
_TYPES_WITH_CREATED = frozenset({"counter", "histogram", "summary"})

_LABEL_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
_TEXT_HELP_ESCAPE_RE = re.compile(r"\\([\\n])")
_OM_HELP_ESCAPE_RE = re.compile(r'\\([\\n"])')


class ExpositionParseError(IngestError):
    """A body that is not valid exposition text; names the line and what is wrong with it."""

    def __init__(self, line_number: int, problem: str, line: str | None = None) -> None:
        message = f"line {line_number}: {problem}"
        if line is not None:
            excerpt = line if len(line) <= _MAX_EXCERPT else line[:_MAX_EXCERPT] + "..."
            message += f" in {excerpt!r}"
        super().__init__(message)
        self.line_number = line_number
        self.problem = problem


class _Malformed(Exception):
    """What is wrong with a line; turned into an ExpositionParseError with its line number."""


def is_openmetrics(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == OPENMETRICS_MEDIA_TYPE


def parse_exposition(
    body: bytes | str,
    *,
    default_timestamp_ms: int,
    extra_labels: Sequence[tuple[str, str]] = (),
    openmetrics: bool | None = None,
) -> SampleBatch:
    """Parse a scrape or push body; raises ExpositionParseError and returns nothing on bad input.

    `extra_labels` (target labels such as job and instance) are appended to every series and
    replace same-named labels of the sample. `openmetrics=None` picks OpenMetrics when the body
    ends with `# EOF`; a scraper should pass what the Content-Type said (see `is_openmetrics`).
    """
    text = _decode(body)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    om = _looks_like_openmetrics(lines) if openmetrics is None else openmetrics
    extras = tuple((str(name), str(value)) for name, value in extra_labels)
    cache_key = (om, extras)
    cache = _cache_for(cache_key)
    strict = not text.isascii() or any(char in text for char in _SUSPICIOUS_CHARS)
    try:
        parser = _Parser(om, extras, default_timestamp_ms, cache, strict)
        try:
            parser.run(lines, trusting=True)
            values = parser.convert_values()
        except ExpositionParseError:
            values = None
        if values is None:
            # Something the trusting pass let through unchecked is wrong, or an error was found
            # after it: checking every line finds the first problem and names its line.
            parser = _Parser(om, extras, default_timestamp_ms, cache, strict)
            parser.run(lines, trusting=False)
            values = parser.convert_values()
            assert values is not None, "every value was checked"
    finally:
        _trim_caches(cache_key)
    return parser.build(values)


def clear_series_cache() -> None:
    """Forget every parsed series (benchmarks use it to measure a first scrape)."""
    with _caches_lock:
        _caches.clear()


def _decode(body: bytes | str) -> str:
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_number = body.count(b"\n", 0, exc.start) + 1
        raise ExpositionParseError(line_number, "invalid UTF-8") from None


def _looks_like_openmetrics(lines: list[str]) -> bool:
    return bool(lines) and lines[-1] == "# EOF"


# --- series cache ---------------------------------------------------------------------------------


@dataclass
class _SeriesCache:
    """Parsed series of one (format, extra labels) combination, e.g. one scrape target.

    `canonical` makes equal label sets one object, so a batch can tell series apart by identity.
    A cache is replaced, never cleared, so a parse holding it sees a consistent mapping.
    """

    by_text: dict[str, RawLabels] = field(default_factory=dict)
    canonical: dict[RawLabels, RawLabels] = field(default_factory=dict)


_CacheKey = tuple[bool, RawLabels]
_caches: OrderedDict[_CacheKey, _SeriesCache] = OrderedDict()
_caches_lock = threading.Lock()


def _cache_for(key: _CacheKey) -> _SeriesCache:
    with _caches_lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = _SeriesCache()
        else:
            _caches.move_to_end(key)
        return cache


def _trim_caches(current: _CacheKey) -> None:
    with _caches_lock:
        total = sum(len(cache.by_text) for cache in _caches.values())
        while total > MAX_CACHED_SERIES and len(_caches) > 1:
            _, evicted = _caches.popitem(last=False)
            total -= len(evicted.by_text)
        if total > MAX_CACHED_SERIES and current in _caches:
            _caches[current] = _SeriesCache()


# --- the parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(
        self,
        om: bool,
        extras: RawLabels,
        default_timestamp_ms: int,
        cache: _SeriesCache,
        strict: bool,
    ) -> None:
        self.om = om
        self.extras = extras
        self.extra_names = frozenset(name for name, _ in extras)
        self.default_ts = default_timestamp_ms
        self.cache = cache
        self.strict = strict
        # One entry per sample; series are told apart by identity (see _SeriesCache) at the end.
        self.sample_labels: list[RawLabels] = []
        # Value text of each sample, converted all at once by convert_values.
        self.value_tokens: list[str] = []
        # (sample position, timestamp) of the few samples that carry their own timestamp.
        self.explicit_timestamps: list[tuple[int, int]] = []
        self.metadata: dict[str, list[str]] = {}
        self.family = ""
        # Name of the `_created` samples of the current OpenMetrics family ("" when none).
        self.created = ""

    def convert_values(self) -> Float64Array | None:
        """The sample values, or None when a token the hot loop took unchecked is not valid."""
        tokens = self.value_tokens
        joined = "".join(tokens)
        if "_" in joined or (self.strict and not (joined.isascii() and joined.isprintable())):
            return None
        try:
            return np.fromiter(map(float, tokens), dtype=np.float64, count=len(tokens))
        except ValueError:
            return None

    def build(self, values: Float64Array) -> SampleBatch:
        series, index = _distinct_series(self.sample_labels)
        timestamps = np.full(len(values), self.default_ts, dtype=np.int64)
        if self.explicit_timestamps:
            positions, stamps = zip(*self.explicit_timestamps, strict=True)
            timestamps[list(positions)] = stamps
        return SampleBatch(
            series=series,
            series_index=index,
            timestamps=timestamps,
            values=values,
            metadata={
                name: MetricMetadata(type=kind, help=help_text, unit=unit)
                for name, (kind, help_text, unit) in self.metadata.items()
            },
        )

    def run(self, lines: list[str], *, trusting: bool) -> None:
        """Parse every line; a `trusting` run leaves value syntax to convert_values."""
        end = self._trusting_run(lines) if trusting else self._checking_run(lines)
        if not self.om:
            return
        if end == len(lines):
            raise ExpositionParseError(len(lines) + 1, "missing '# EOF' at the end of the body")
        if end + 1 < len(lines):
            raise ExpositionParseError(end + 2, "content after '# EOF'", lines[end + 1])

    def _trusting_run(self, lines: list[str]) -> int:
        """The hot loop; returns the index of the `# EOF` line, or len(lines) when none.

        It only takes the common line shape `<cached series> <value>`, and does not look at the
        value; everything else, comments included (their text is never a cached series), goes to
        `_line`. Line numbers are only needed for errors, and then `lines.index` finds them: an
        identical earlier line would have failed first.
        """
        cache_get = self.cache.by_text.get
        labels_append = self.sample_labels.append
        token_append = self.value_tokens.append
        created = self.created
        other = self._line
        for line in lines:
            series, _, token = line.rpartition(" ")
            labels = cache_get(series)
            if labels is None:
                if other(line, lines):
                    return lines.index(line)
                created = self.created
                continue
            if created and labels[0][1] == created:
                continue
            labels_append(labels)
            token_append(token)
        return len(lines)

    def _checking_run(self, lines: list[str]) -> int:
        for line in lines:
            if self._line(line, lines):
                return lines.index(line)
        return len(lines)

    def _line(self, line: str, lines: list[str]) -> bool:
        """Any line the hot loop did not take; True for OpenMetrics' `# EOF`."""
        if not line or line[0] == "#":
            return self._blank_or_comment(line, lines)
        taken = self.om and " # {" in line and self._exemplar_line(line)
        if not (taken or self._quick_line(line)):
            self._parse_or_raise(line, lines)
        return False

    def _quick_line(self, line: str) -> bool:
        """Takes `<series> <value> [<timestamp>]`; False leaves the line to the full parser.

        The series part is found without tokenizing: it ends at the last '}' (values and
        timestamps hold none) or, without labels, at the first space. Whatever prefix that gives,
        if it parses as a complete series, the full parser would end its series there too.
        """
        close = line.rfind("}")
        if close >= 0:
            series, tail = line[: close + 1], line[close + 1 :]
        else:
            space = line.find(" ")
            if space <= 0:
                return False
            series, tail = line[:space], line[space:]
        labels = self.cache.by_text.get(series) or self._new_series(series)
        if labels is None:
            return False
        parsed = self._quick_tail(tail)
        if parsed is None:
            return False
        self._append(labels, *parsed)
        return True

    def _exemplar_line(self, line: str) -> bool:
        """Takes `<series> <value> [<timestamp>] # {<labels>} <value> [<timestamp>]`."""
        head, _, exemplar = line.partition(" # {")
        try:
            _check_exemplar("{" + exemplar)
        except _Malformed:
            return False
        return self._quick_line(head)

    def _quick_tail(self, tail: str) -> tuple[int, str] | None:
        """Timestamp and value token of a regular ` <value> [<timestamp>]` tail, else None."""
        parts = tail.split(" ")
        count = len(parts)
        if (
            parts[0]
            or not 2 <= count <= 3
            or "_" in tail
            or (self.strict and not (tail.isascii() and tail.isprintable()))
        ):
            return None
        token = parts[1]
        try:
            float(token)
            if count == 2:
                return self.default_ts, token
            if self.om:
                return _om_timestamp_ms(parts[2]), token
        except ValueError:
            return None
        if parts[2].isdigit() and len(parts[2]) < _MAX_TIMESTAMP_DIGITS:
            return int(parts[2]), token
        return None

    def _new_series(self, series: str) -> RawLabels | None:
        try:
            pairs = _parse_series_text(series, self.om)
        except _Malformed:
            return None
        return self._remember(series, pairs)

    def _remember(self, series: str, pairs: list[tuple[str, str]]) -> RawLabels:
        if self.extra_names.isdisjoint(dict(pairs)):
            labels = (*pairs, *self.extras)
        else:
            labels = _with_extras(pairs, self.extras)
        labels = self.cache.canonical.setdefault(labels, labels)
        self.cache.by_text[series] = labels
        return labels

    def _parse_or_raise(self, line: str, lines: list[str]) -> None:
        try:
            self._parse_line(line)
        except _Malformed as problem:
            raise ExpositionParseError(lines.index(line) + 1, str(problem), line) from None

    def _parse_line(self, line: str) -> None:
        """The full parser of one line, the authority on what is valid."""
        om = self.om
        start = 0
        if not om:
            start = _skip_blanks(line, 0)
            if start == len(line):
                return
            if line[start] == "#":
                self._comment(line[start:])
                return
        pairs, end = _scan_series(line, start, om)
        series = line[:end]
        labels = self.cache.by_text.get(series)
        if labels is None:
            labels = self._remember(series, pairs)
        rest = line[end:]
        if om:
            timestamp, value = _parse_om_tail(rest, self.default_ts)
        else:
            timestamp, value = _parse_text_tail(rest, line[end - 1] == "}", self.default_ts)
        self._append(labels, timestamp, repr(value))

    def _append(self, labels: RawLabels, timestamp: int, token: str) -> None:
        if self.created and labels[0][1] == self.created:
            return
        if timestamp != self.default_ts:
            self.explicit_timestamps.append((len(self.value_tokens), timestamp))
        self.sample_labels.append(labels)
        self.value_tokens.append(token)

    def _blank_or_comment(self, line: str, lines: list[str]) -> bool:
        """Handles a line that is empty or starts with '#'; True for OpenMetrics' `# EOF`."""
        if not line:
            if self.om:
                number = lines.index(line) + 1
                raise ExpositionParseError(number, "empty line (not allowed in OpenMetrics)")
            return False
        if self.om and line == "# EOF":
            return True
        try:
            self._comment(line)
        except _Malformed as problem:
            raise ExpositionParseError(lines.index(line) + 1, str(problem), line) from None
        return False

    def _comment(self, line: str) -> None:
        match = (_OM_META_RE if self.om else _TEXT_META_RE).fullmatch(line)
        if match is None:
            return
        keyword, rest = match.group(1), match.group(2) or ""
        name, rest = _meta_name(rest, keyword, self.om)
        if name != self.family:
            self.family = name
            self.created = ""
        entry = self.metadata.setdefault(name, ["unknown", "", ""])
        if keyword == "HELP":
            entry[1] = _unescape_help(rest, self.om)
        elif keyword == "TYPE":
            entry[0] = self._metric_type(rest)
            if self.om and entry[0] in _TYPES_WITH_CREATED:
                self.created = name + "_created"
        else:
            if rest and not name.endswith("_" + rest):
                raise _Malformed(f"unit {rest!r} is not a suffix of metric name {name!r}")
            entry[2] = rest

    def _metric_type(self, text: str) -> str:
        types = _OM_TYPES if self.om else _TEXT_TYPES
        kind = types.get(text if self.om else text.rstrip(" \t"))
        if kind is None:
            raise _Malformed(f"unknown metric type {text!r} (expected one of {', '.join(types)})")
        return kind


def _distinct_series(sample_labels: list[RawLabels]) -> tuple[list[RawLabels], Int32Array]:
    """The batch's series list and each sample's position in it.

    Equal label sets are one object (see _SeriesCache), so identity tells series apart; a scrape
    normally has each series once, which one C-level pass over the ids confirms.
    """
    if len(set(map(id, sample_labels))) == len(sample_labels):
        return sample_labels, np.arange(len(sample_labels), dtype=np.int32)
    positions: dict[int, int] = {}
    series: list[RawLabels] = []
    index: list[int] = []
    for labels in sample_labels:
        key = id(labels)
        position = positions.get(key)
        if position is None:
            position = positions[key] = len(series)
            series.append(labels)
        index.append(position)
    return series, np.asarray(index, dtype=np.int32)


# --- tokenizer ------------------------------------------------------------------------------------


def _parse_series_text(series: str, om: bool) -> list[tuple[str, str]]:
    """Label pairs of a text that must be exactly one series: name, then an optional label set."""
    plain = _PLAIN_SERIES_OM_RE if om else _PLAIN_SERIES_TEXT_RE
    if plain.fullmatch(series):
        brace = series.find("{")
        if brace < 0:
            return [(_METRIC_NAME, series)]
        found: list[tuple[str, str]] = _PLAIN_PAIRS_RE.findall(series, brace)
        if "\\" in series:
            found = [(name, _unescape_value(value)) for name, value in found]
        return [(_METRIC_NAME, series[:brace]), *found]
    pairs, end = _scan_series(series, 0, om)
    if (end if om else _skip_blanks(series, end)) != len(series):
        raise _Malformed(f"unexpected text {series[end:]!r} after the series")
    return pairs


def _unescape_value(value: str) -> str:
    if "\\" not in value:
        return value
    return _VALUE_ESCAPE_RE.sub(lambda match: _LABEL_ESCAPES[match.group(1)], value)


def _skip_blanks(text: str, position: int) -> int:
    length = len(text)
    while position < length and text[position] in " \t":
        position += 1
    return position


def _scan_series(line: str, start: int, om: bool) -> tuple[list[tuple[str, str]], int]:
    """Label pairs of the series starting at `start`, and where the series text ends.

    Besides `name{label="value",...}` this takes the quoted forms of Prometheus 3
    (`{"name", "label"="value"}`). Text format allows blanks between tokens; OpenMetrics does not.
    """
    position = start if om else _skip_blanks(line, start)
    if position < len(line) and line[position] == "{":
        pairs, end, name = _scan_label_set(line, position, om, name_allowed=True)
        if name is None:
            raise _Malformed("missing metric name")
        pairs.insert(0, (_METRIC_NAME, name))
        return pairs, end
    match = _METRIC_NAME_RE.match(line, position)
    if match is None:
        if position >= len(line):
            raise _Malformed("missing metric name")
        raise _Malformed(f"invalid metric name at {line[position : position + 20]!r}")
    pairs = [(_METRIC_NAME, match.group())]
    end = match.end()
    brace = end if om else _skip_blanks(line, end)
    if brace < len(line) and line[brace] == "{":
        labels, end, _ = _scan_label_set(line, brace, om, name_allowed=False)
        pairs.extend(labels)
    return pairs, end


def _scan_label_set(
    line: str, start: int, om: bool, *, name_allowed: bool
) -> tuple[list[tuple[str, str]], int, str | None]:
    """Parse `{...}` at `start`: the label pairs, the index after '}', and a quoted metric name."""
    skip = (lambda _text, position: position) if om else _skip_blanks
    pairs: list[tuple[str, str]] = []
    name: str | None = None
    position = skip(line, start + 1)
    first = True
    while True:
        if position >= len(line):
            raise _Malformed("unterminated label set (missing '}')")
        if line[position] == "}":
            if first or not om:
                return pairs, position + 1, name
            raise _Malformed("trailing comma in label set")
        label, position, is_name = _scan_label_name(line, position, skip)
        if is_name:
            if not (first and name_allowed):
                raise _Malformed(f"unexpected quoted string {label!r} in label set")
            name = label
        else:
            if position >= len(line) or line[position] != '"':
                raise _Malformed(f"missing quoted value for label {label!r}")
            value, position = _scan_quoted(line, position)
            pairs.append((label, value))
        position = skip(line, position)
        first = False
        if position >= len(line):
            raise _Malformed("unterminated label set (missing '}')")
        if line[position] == "}":
            return pairs, position + 1, name
        if line[position] == ",":
            position = skip(line, position + 1)
        else:
            raise _Malformed(f"expected ',' or '}}' after label, found {line[position]!r}")


def _scan_label_name(
    line: str, position: int, skip: Callable[[str, int], int]
) -> tuple[str, int, bool]:
    """A label name and the position of its value's quote; True when it was a bare quoted name."""
    if line[position] == '"':
        text, position = _scan_quoted(line, position)
        after = skip(line, position)
        if after >= len(line) or line[after] != "=":
            return text, position, True
        return text, skip(line, after + 1), False
    match = _LABEL_NAME_RE.match(line, position)
    if match is None:
        raise _Malformed(f"invalid label name at {line[position : position + 20]!r}")
    after = skip(line, match.end())
    if after >= len(line) or line[after] != "=":
        raise _Malformed(f"missing '=' after label name {match.group()!r}")
    return match.group(), skip(line, after + 1), False


def _scan_quoted(line: str, position: int) -> tuple[str, int]:
    """The unescaped content of the string whose opening quote is at `position`, and its end."""
    start = position + 1
    quote = line.find('"', start)
    if quote < 0:
        raise _Malformed("unterminated quoted string")
    if line.find("\\", start, quote) < 0:
        return line[start:quote], quote + 1
    parts: list[str] = []
    position = start
    while True:
        backslash = line.find("\\", position)
        quote = line.find('"', position)
        if quote < 0:
            raise _Malformed("unterminated quoted string")
        if backslash < 0 or quote < backslash:
            parts.append(line[position:quote])
            return "".join(parts), quote + 1
        parts.append(line[position:backslash])
        escaped = _LABEL_ESCAPES.get(line[backslash + 1 : backslash + 2])
        if escaped is None:
            found = line[backslash : backslash + 2]
            raise _Malformed(f'invalid escape {found!r} (only \\\\, \\" and \\n are allowed)')
        parts.append(escaped)
        position = backslash + 2


def _parse_text_tail(rest: str, after_brace: bool, default_ts: int) -> tuple[int, float]:
    """Timestamp and value (integer milliseconds) after the series of a text-format line."""
    tokens = rest.replace("\t", " ").split(" ")
    if tokens[0] and not after_brace:
        raise _Malformed("expected a space between the series and its value")
    tokens = [token for token in tokens if token]
    if not tokens:
        raise _Malformed("missing value")
    if any(token.startswith("#") for token in tokens):
        raise _Malformed("unexpected '#' (exemplars are only valid in OpenMetrics)")
    if len(tokens) > 2:
        raise _Malformed(f"unexpected text {' '.join(tokens[2:])!r} after the timestamp")
    value = _parse_float(tokens[0], "value")
    if len(tokens) == 1:
        return default_ts, value
    if not _TEXT_TIMESTAMP_RE.fullmatch(tokens[1]):
        raise _Malformed(f"invalid timestamp {tokens[1]!r} (expected integer milliseconds)")
    timestamp = int(tokens[1])
    if timestamp > _MAX_TIMESTAMP_MS:
        raise _Malformed(f"timestamp {tokens[1]} out of range")
    return timestamp, value


def _parse_om_tail(rest: str, default_ts: int) -> tuple[int, float]:
    """Timestamp and value after the series of an OpenMetrics line; checks and drops exemplars."""
    if not rest:
        raise _Malformed("missing value")
    if rest[0] != " ":
        raise _Malformed("expected a space between the series and its value")
    token, separator, rest = rest[1:].partition(" ")
    value = _parse_float(token, "value")
    timestamp = default_ts
    if separator and not rest.startswith("# "):
        token, separator, rest = rest.partition(" ")
        timestamp = _parse_om_timestamp(token)
    if separator:
        if not rest:
            raise _Malformed("trailing space after the timestamp")
        if not rest.startswith("# "):
            raise _Malformed(f"unexpected text {rest!r} after the timestamp")
        _check_exemplar(rest[2:])
    return timestamp, value


def _check_exemplar(text: str) -> None:
    if not text.startswith("{"):
        raise _Malformed("exemplar must start with a label set")
    _, end, _ = _scan_label_set(text, 0, True, name_allowed=False)
    rest = text[end:]
    if not rest.startswith(" "):
        raise _Malformed("missing exemplar value")
    token, separator, rest = rest[1:].partition(" ")
    _parse_float(token, "exemplar value")
    if separator:
        _parse_om_timestamp(rest)


def _parse_float(token: str, what: str) -> float:
    if not _FLOAT_RE.fullmatch(token):
        raise _Malformed(f"invalid {what} {token!r}" if token else f"missing {what}")
    if "x" in token or "X" in token:
        return float.fromhex(token)
    return float(token)


def _parse_om_timestamp(token: str) -> int:
    seconds = _parse_float(token, "timestamp")
    try:
        if "x" in token or "X" in token:
            return _seconds_to_ms(seconds)
        return _om_timestamp_ms(token)
    except ValueError:
        raise _Malformed(f"timestamp {token!r} is not finite or out of range") from None


def _om_timestamp_ms(token: str) -> int:
    """OpenMetrics seconds as integer milliseconds, exact for plain decimals (no float rounding).

    Raises ValueError for what float() refuses, which includes hexadecimal (see
    _parse_om_timestamp).
    """
    whole, dot, fraction = token.partition(".")
    if whole.isdigit() and (not dot or fraction.isdigit()) and len(whole) < _MAX_SECONDS_DIGITS:
        return int(whole) * 1000 + (int(fraction[:3].ljust(3, "0")) if dot else 0)
    return _seconds_to_ms(float(token))


def _seconds_to_ms(seconds: float) -> int:
    milliseconds = seconds * 1000
    if not abs(milliseconds) < 2.0**63:
        raise ValueError(seconds)  # also NaN and infinities
    return int(milliseconds)


def _meta_name(text: str, keyword: str, om: bool) -> tuple[str, str]:
    """The metric name of a HELP/TYPE/UNIT line, and the text after it."""
    if text.startswith('"'):
        name, end = _scan_quoted(text, 0)
    else:
        match = _METRIC_NAME_RE.match(text)
        if match is None:
            raise _Malformed(f"missing or invalid metric name after # {keyword}")
        name, end = match.group(), match.end()
    rest = text[end:]
    if not rest:
        if keyword == "TYPE":
            raise _Malformed(f"missing metric type for {name!r}")
        return name, ""
    if om:
        if rest[0] != " ":
            raise _Malformed(f"invalid metric name after # {keyword}")
        return name, rest[1:]
    if rest[0] not in " \t":
        raise _Malformed(f"invalid metric name after # {keyword}")
    return name, rest.lstrip(" \t")


def _unescape_help(text: str, om: bool) -> str:
    if "\\" not in text:
        return text
    pattern = _OM_HELP_ESCAPE_RE if om else _TEXT_HELP_ESCAPE_RE
    return pattern.sub(lambda match: _LABEL_ESCAPES[match.group(1)], text)


def _with_extras(pairs: list[tuple[str, str]], extras: RawLabels) -> RawLabels:
    """Extra labels replace same-named labels of the sample (every copy) or are appended."""
    override = dict(extras)
    replaced = [(name, override.get(name, value)) for name, value in pairs]
    present = {name for name, _ in pairs}
    return (*replaced, *((name, value) for name, value in extras if name not in present))
