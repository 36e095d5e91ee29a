"""Size limits and the safe regular-expression subset.

A hostile expression is refused when it is checked (at definition time):
too many nodes, too deep, a long string literal, a long regex or one RE2
cannot run. Evaluation cost is then bounded by nodes × rows of the sub-tables read;
regex input longer than ``max_regex_input`` raises ``ExprError`` when evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dajian.engines.regex import regex_error

from .errors import ExprIssue


@dataclass(frozen=True)
class Limits:
    max_nodes: int = 500
    max_depth: int = 32
    max_string: int = 1000
    max_list: int = 200
    max_regex: int = 100
    max_regex_input: int = 10_000


DEFAULT_LIMITS = Limits()


def size_issues(ast: Any, limits: Limits = DEFAULT_LIMITS) -> list[ExprIssue]:
    """Count nodes and depth of a raw AST without recursion (it may be hostile)."""
    nodes, stack = 0, [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > limits.max_depth:
            return [ExprIssue(f"the expression is nested more than {limits.max_depth} levels deep")]
        if nodes > limits.max_nodes:
            return [ExprIssue(f"the expression has more than {limits.max_nodes} parts")]
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return []


_ALLOWED_ESCAPES = set("dDwWs.S\\^$|?*+()[]{}/-")


def regex_issues(pattern: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[str]:
    """Yield why a pattern is refused; the accepted subset means the same in Python (RE2) and PostgreSQL.

    Allowed: literals, ``.``, classes ``[...]``, ``\\d \\w \\s`` (and negations),
    anchors ``^ $``, groups ``( )``, alternation, quantifiers ``* + ? {m,n}``.
    Refused: back-references, look-arounds, inline flags, ``\\b``. Matching is linear in
    the text (RE2, see ``dajian.engines.regex``), so nested repetition is harmless.
    """
    if len(pattern) > limits.max_regex:
        yield f"the pattern is longer than {limits.max_regex} characters"
        return
    subset = ["look-arounds, flags and named groups are not supported in patterns"] if "(?" in pattern else []
    subset += _escape_issues(pattern)
    yield from subset if subset else filter(None, [regex_error(pattern)])


def _escape_issues(pattern: str) -> Iterator[str]:
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt not in _ALLOWED_ESCAPES:
                yield f"the escape \\{nxt} is not supported in patterns"
            i += 1
        i += 1
