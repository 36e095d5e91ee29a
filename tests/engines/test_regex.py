"""User regexes on RE2 with PostgreSQL's meaning (``dajian.engines.regex``)."""

from __future__ import annotations

import pytest

from dajian.engines.regex import regex_error, regex_fullmatch, regex_search


@pytest.mark.parametrize(("pattern", "text", "found"), [
    ("^(a|a)*$", "a" * 10_000 + "b", False),  # Python's re: exponential; RE2: linear
    ("(a+)+$", "a" * 10_000 + "b", False),
    (r"^\w+$", "中文_ab1", True),
    (r"^[\w-]+$", "工单-12", True),
    (r"^[^\w]+$", "-!", True),
    (r"^\W$", "中", False),
    (r"\s", "中\u3000文", True),
    (r"^\S+$", "a\u3000b", False),
    (r"^[[:alpha:]\w]+$", "ab_1", True),
    (r"^[]a]+$", "]a", True),
    (r"a\\w", "a\\w", True),  # an escaped backslash, then a plain w
    ("a.b", "a\nb", True),
    ("a$", "a\n", False),
    (r"^\d+$", "٣", False),
])
def test_patterns_mean_what_postgresql_makes_of_them(pattern: str, text: str, found: bool) -> None:
    assert regex_search(pattern, text) is found


def test_fullmatch_and_nulls() -> None:
    assert regex_fullmatch(r"\d{3}", "123") and not regex_fullmatch(r"\d{3}", "1234")
    assert regex_search(None, "x") is None and regex_search("x", None) is None


@pytest.mark.parametrize(("pattern", "message"), [
    (r"(a)\1", "invalid escape sequence"),
    ("(?=a)", "invalid perl operator"),
    ("(?<!a)b", "invalid perl operator"),
    (r"[\W]", r"\W inside [...] is not supported"),
    ("a{1000}{1000}", "the pattern is not valid"),
])
def test_what_re2_cannot_run_is_refused_with_the_reason(pattern: str, message: str) -> None:
    assert message in (regex_error(pattern) or "")
