"""The checked, typed tree both compilers consume (``check.analyze`` builds it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    """One checked AST node.

    ``op`` is the canonical operator, or ``lit`` (``value`` is the constant),
    ``list`` (``value`` is a tuple of constants), ``var`` (``value`` is the path
    tuple, all but the last segment being relations), ``ctx`` (``value`` is a
    context name such as ``$user.id``) or ``coll`` (``value`` is a sub-table name).
    """

    op: str
    type: str
    path: str
    args: tuple[Node, ...] = ()
    value: Any = None
    nullable: bool = True

    def arg_types(self) -> list[str]:
        return [a.type for a in self.args]


class Bad(Exception):
    """Raised by a type rule; ``index`` points at the offending argument."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index
