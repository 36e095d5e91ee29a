"""Every regular expression a user writes is matched by RE2, in time linear in the text.

Python's ``re`` backtracks: ``^(a|a)*$`` takes seconds on 28 characters, so a field ``pattern``
on a public form, or a ``regex`` condition, would let anyone stall a server. RE2 cannot
backtrack and refuses what would need it (back-references, look-arounds); ``regex_error`` says
why, and definitions are refused with that message at publish time.

A pattern means what PostgreSQL's ``~`` makes of it (the SQL side of expressions): ``.`` matches
a newline too, ``^``/``$`` are the ends of the text, ``\\w`` is a Unicode letter, digit or ``_``
(``中`` is a word character), ``\\s`` includes the vertical tab and the ideographic space.
``user_regex(r"^\\w+$")`` → a compiled RE2 pattern; ``regex_search("b", "abc")`` → ``True``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.dot_nl = True  # as PostgreSQL: "." matches a newline
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 8 << 20  # a pattern whose automaton needs more is refused, not built
_SPACE = r"\t\n\x0b\f\r \x{3000}"
_WORD = r"\p{L}\p{N}_"
_OUTSIDE = {"w": f"[{_WORD}]", "W": f"[^{_WORD}]", "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]"}
_INSIDE = {"w": _WORD, "s": _SPACE}  # within [...]; \W and \S there have no single-class spelling


class RegexRefused(ValueError):
    """A pattern RE2 cannot run (or that cannot mean the same everywhere)."""


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            table = _INSIDE if in_class else _OUTSIDE
            if in_class and nxt in "WS":
                raise RegexRefused(f"\\{nxt} inside [...] is not supported: write a negated class [^...]")
            out.append(table.get(nxt, ch + nxt))
            i += 2
            continue
        if in_class and pattern.startswith("[:", i) and (end := pattern.find(":]", i + 2)) > 0:
            out.append(pattern[i : end + 2])  # a POSIX class such as [:alpha:] inside [...]
            i = end + 2
            continue
        if in_class and ch == "]" and not (out and out[-1] in ("[", "[^")):
            in_class = False
        elif not in_class and ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def user_regex(pattern: str) -> Any:
    """The RE2 pattern for a user's ``pattern``; ``RegexRefused`` with the reason if there is none."""
    try:
        return re2.compile(_translate(pattern), _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexRefused(f"the pattern is not valid: {reason}") from None


def regex_error(pattern: str) -> str | None:
    """Why ``pattern`` is refused, or ``None``."""
    try:
        user_regex(pattern)
    except RegexRefused as exc:
        return str(exc)
    return None


def regex_search(pattern: str | None, text: str | None) -> bool | None:
    """``text`` contains a match of ``pattern`` (SQL ``REGEXP``: null in, null out)."""
    if pattern is None or text is None:
        return None
    return user_regex(pattern).search(text) is not None


def regex_fullmatch(pattern: str, text: str) -> bool:
    return user_regex(pattern).fullmatch(text) is not None
