"""Query text -> promql-parser AST, with Prometheus-style errors, feature gates and a cache."""

from __future__ import annotations

import functools
import re

import promql_parser as pp

from pulseboard.promql.api import QueryParseError

# Aggregations Prometheus only accepts behind --enable-feature=promql-experimental-functions.
_EXPERIMENTAL_AGGREGATIONS = frozenset({"limitk", "limit_ratio"})
# Experimental in Prometheus, but implemented here and always on (the product requires them).
ENABLED_EXPERIMENTAL = frozenset(
    {"mad_over_time", "double_exponential_smoothing", "sort_by_label", "sort_by_label_desc"}
)
# Experimental in Prometheus without promql-parser flagging them.
_UNFLAGGED_EXPERIMENTAL = frozenset({"info", "first_over_time", "ts_of_first_over_time"})


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> pp.Expr:
    # Parsing costs 3-60 us; dashboards repeat the same handful of queries every few seconds.
    try:
        return pp.parse(_raw_strings_quoted(text) if "`" in text else text)
    except ValueError as exc:
        message = str(exc)
        raise QueryParseError(f"{_position(text, message)}: parse error: {message}") from None


def parse(text: str, *, experimental: bool = False) -> pp.Expr:
    if not text.strip():
        raise QueryParseError("1:1: parse error: no expression found in input")
    expr = _parse_cached(text)
    _check_features(expr, experimental)
    return expr


def format_query(text: str) -> str:
    """What /api/v1/format_query answers: the query, pretty-printed."""
    return str(parse(text, experimental=True).prettify())


def _check_features(expr: pp.Expr, experimental: bool) -> None:
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, pp.Call):
            name = node.func.name
            flagged = node.func.experimental or name in _UNFLAGGED_EXPERIMENTAL
            if flagged and name not in ENABLED_EXPERIMENTAL and not experimental:
                raise QueryParseError(
                    f'1:1: parse error: function "{name}" is not enabled '
                    "(it is experimental; Prometheus needs --enable-feature="
                    "promql-experimental-functions)"
                )
            stack.extend(node.args)
        elif isinstance(node, pp.AggregateExpr):
            if str(node.op) in _EXPERIMENTAL_AGGREGATIONS and not experimental:
                raise QueryParseError(
                    f"1:1: parse error: {node.op}() is experimental and not enabled"
                )
            stack.append(node.expr)
            if node.param is not None:
                stack.append(node.param)
        elif isinstance(node, pp.BinaryExpr):
            stack.extend((node.lhs, node.rhs))
        elif isinstance(node, pp.ParenExpr | pp.UnaryExpr | pp.SubqueryExpr):
            stack.append(node.expr)
        elif isinstance(node, pp.MatrixSelector):
            stack.append(node.vector_selector)
        elif isinstance(node, pp.VectorSelector) and node.matchers.or_matchers:
            raise QueryParseError("1:1: parse error: 'or' inside label matchers is not supported")


def _raw_strings_quoted(text: str) -> str:
    """Rewrite `raw` strings as equivalent "quoted" ones.

    Prometheus takes backtick strings verbatim; promql-parser processes escapes in them (and
    rejects ones like \\d), so regexes written in backticks would change meaning.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "\"'":
            end = i + 1
            while end < len(text) and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            out.append(text[i : end + 1])
            i = end + 1
        elif char == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out.append(text[i:end])
            i = end
        elif char == "`":
            end = text.find("`", i + 1)
            if end < 0:
                out.append(text[i:])
                break
            raw = text[i + 1 : end]
            escaped = raw.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            out.append(f'"{escaped}"')
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


_TOKEN = re.compile(r"'([^']+)'|\"([^\"]+)\"|(?:syntax|for): (\S+)$")


def _position(text: str, message: str) -> str:
    """Prometheus' line:column for a parse error (promql-parser reports none): a best guess."""
    index = -1
    if message.startswith("unclosed left parenthesis"):
        index = _unmatched(text, "(")
    elif message.startswith("unexpected right parenthesis"):
        index = _unmatched(text, ")")
    elif message.startswith("unexpected end of input"):
        index = len(text.rstrip())
    else:
        found = _TOKEN.search(message)
        if found is not None:
            index = text.find(next(group for group in found.groups() if group))
    index = max(index, 0)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def _unmatched(text: str, bracket: str) -> int:
    """Index of the first `)` without an opener, or of the last `(` left open."""
    open_at: list[int] = []
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"'`":
            quote = char
        elif char == "(":
            open_at.append(index)
        elif char == ")":
            if not open_at:
                return index if bracket == ")" else -1
            open_at.pop()
    return open_at[-1] if bracket == "(" and open_at else -1
