"""The one exception type of the expression engine and the issue record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExprIssue:
    """One problem found in an expression, located by a JSON pointer into the AST."""

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None


class ExprError(ValueError):
    """An expression was refused (parse, check, limit) or failed while evaluating."""

    def __init__(self, message: str, path: str = "", line: int | None = None, column: int | None = None) -> None:
        where = f" at line {line}, column {column}" if line is not None else ""
        where += f" ({path})" if path else ""
        super().__init__(f"{message}{where}")
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.issues = [ExprIssue(message, path, line, column)]

    @classmethod
    def from_issues(cls, issues: list[ExprIssue]) -> ExprError:
        first = issues[0]
        error = cls(first.message, first.path, first.line, first.column)
        error.issues = issues
        return error


def pointer(path: str, *parts: str | int) -> str:
    """Extend a JSON pointer: ``pointer("/and/1", ">", 0) == "/and/1/>/0"``."""
    for part in parts:
        path += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return path
