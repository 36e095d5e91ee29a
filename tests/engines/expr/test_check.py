from __future__ import annotations

from typing import Any

import pytest

from dajian.engines.expr import ExprError, Limits, check, compile_python, compile_sql

from .support import SCHEMA, SCOPE


def paths(ast: Any, **kw: Any) -> dict[str, str]:
    return {issue.path: issue.message for issue in check(ast, SCHEMA, **kw)}


def test_valid_expression_has_no_issues() -> None:
    ast = {
        "and": [
            {">": [{"var": "amount"}, 5000]},
            {"in": ["vip", {"var": "tags"}]},
            {"==": [{"var": "customer.level"}, "gold"]},
            {">": [{"sum": {"var": "items.price"}}, 1]},
        ]
    }
    assert check(ast, SCHEMA) == []


def test_every_issue_is_reported_with_its_path() -> None:
    ast = {
        "and": [
            {">": [{"var": "amount"}, "x"]},
            {"==": [{"var": "nope"}, 1]},
            {"+": [{"var": "name"}, 1]},
            {"frob": []},
            {"sum": [{"var": "name"}]},
        ]
    }
    found = paths(ast)
    assert found == {
        "/and/0/>/1": "cannot compare decimal with text",
        "/and/1/==/0": "unknown field 'nope'",
        "/and/2/+/0": "expected a number, got text",
        "/and/3": "unknown operator 'frob'",
        "/and/4/sum/0": "expected a number, got text",
    }


@pytest.mark.parametrize(
    ("ast", "path", "message"),
    [
        ({"var": "items"}, "", "'items' is a sub-table"),
        ({"var": "customer"}, "", "'customer' is a related record"),
        ({"var": "customer.nope"}, "", "unknown field 'customer.nope'"),
        ({"var": "$user.name"}, "", "unknown context value"),
        ({"and": [{"var": "qty"}]}, "/and/0", "expected boolean, got integer"),
        ({"if": [True, 1, "x"]}, "/if/2", "different types"),
        ({"<": [{"var": "flag"}, True]}, "/</1", "cannot compare boolean"),
        ({"==": [{"var": "tags"}, "a"]}, "/==/1", "cannot compare text_list"),
        ({"sum": [{"var": "items.sku"}]}, "/sum/0", "'sum' cannot work on text"),
        ({"avg": [{"var": "items"}]}, "/avg/0", "needs a field of 'items'"),
        ({"any": [{"var": "items"}, {"var": "qty"}]}, "/any/1", "'any' cannot work on integer"),
        ({"date_add": [{"var": "due"}, 1, "hours"]}, "/date_add/2", "only move by days"),
        ({"datediff": [{"var": "due"}, {"var": "due"}, "w"]}, "/datediff/2", 'unit must be "d"'),
        ({"round": [{"var": "amount"}, {"var": "qty"}]}, "/round/1", "written as a constant"),
        ({">": [{"var": "due"}, "yesterday"]}, "/>/1", "is not a date"),
        ({"in": [{"var": "qty"}, ["a"]]}, "/in/1", "cannot look for integer among text"),
        ({"in": [{"var": "qty"}, [{"var": "x"}]]}, "/in/1/0", "only hold constant values"),
        ({"length": ["a", "b"]}, "", "takes 1 argument(s), got 2"),
        ({"and": [], "or": []}, "", "exactly one operator key"),
        ({"date": "31/01/2024"}, "", "ISO text"),
        ({"/": [{"var": "amount"}, {"var": "name"}]}, "/~1/1", "expected a number"),
        ({"regex": [{"var": "name"}, {"var": "name"}]}, "/regex/1", "written as a constant"),
    ],
)
def test_type_errors(ast: Any, path: str, message: str) -> None:
    found = paths(ast)
    assert path in found, found
    assert message in found[path]


def test_text_constants_next_to_dates_become_dates() -> None:
    assert check({"between": [{"var": "created_at"}, "2024-01-01", "2024-01-31T12:00:00Z"]}, SCHEMA) == []


@pytest.mark.parametrize(
    ("ast", "message"),
    [
        ({"and": [{"==": [1, 1]}] * 300}, "more than 500 parts"),
        (
            {
                "!": {
                    "!": {
                        "!": {
                            "!": {
                                "!": {
                                    "!": {
                                        "!": {
                                            "!": {
                                                "!": {"!": {"!": {"!": {"!": {"!": {"!": {"!": {"!": {"!": True}}}}}}}}}
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            },
            "nested more than 32",
        ),
        ("x" * 1001, "longer than 1000"),
        ({"in": [{"var": "qty"}, list(range(201))]}, "more than 200 values"),
    ],
)
def test_size_limits(ast: Any, message: str) -> None:
    issues = check(ast, SCHEMA, limits=Limits(max_depth=32) if "nested" not in message else Limits(max_depth=16))
    assert any(message.replace("32", "16") in i.message for i in issues), issues


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(?=a)", "look-arounds"),
        (r"(a)\1", r"escape \1"),
        (r"[\W]", r"\W inside [...] is not supported"),
        (r"\bword", r"escape \b"),
        ("a" * 101, "longer than 100"),
        ("[a-", "not valid"),
    ],
)
def test_dangerous_patterns_are_refused(pattern: str, message: str) -> None:
    found = paths({"regex": [{"var": "name"}, pattern]})
    assert message in found["/regex/1"]


def test_safe_patterns_are_accepted() -> None:
    for pattern in (r"^\d{3}-\d{4}$", "(ab|cd)+", "[A-Z][a-z]*", r"a\.b", "x{2,5}", "(a+)+$", "^(a|a)*$"):
        assert check({"regex": [{"var": "name"}, pattern]}, SCHEMA) == []


def test_compilers_refuse_what_check_reports() -> None:
    ast = {"or": [{"var": "nope"}, {"__class__": [1]}]}
    for compile_ in (lambda: compile_python(ast, SCHEMA), lambda: compile_sql(ast, SCOPE)):
        with pytest.raises(ExprError) as info:
            compile_()
        assert [i.path for i in info.value.issues] == ["/or/0", "/or/1"]
        assert "unknown field 'nope'" in str(info.value)


def test_patterns_that_backtrack_forever_in_re_answer_at_once_with_re2() -> None:
    function = compile_python({"regex": [{"var": "name"}, "^(a|a)*$"]}, SCHEMA)
    assert function({"name": "a" * 5000 + "b"}, None) is False  # type: ignore[arg-type]
    assert function({"name": "a" * 5000}, None) is True  # type: ignore[arg-type]


def test_regex_input_is_bounded_when_evaluating() -> None:
    function = compile_python({"regex": [{"var": "name"}, "a"]}, SCHEMA, limits=Limits(max_regex_input=10))
    with pytest.raises(ExprError, match="longer than 10"):
        function({"name": "b" * 11}, None)  # type: ignore[arg-type]


def test_docstring_example_of_check() -> None:
    from dajian.engines.expr import ExprIssue, Schema

    ast = {"and": [{">": [{"var": "amount"}, 5000]}, {"==": [{"var": "nope"}, 1]}]}
    assert check(ast, Schema({"amount": "decimal"})) == [ExprIssue("unknown field 'nope'", "/and/1/==/0")]
