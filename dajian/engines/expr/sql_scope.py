"""How ``compile_sql`` finds columns: the ``SqlScope`` protocol and ``TableScope``.

``TableScope(orders, children={"items": Link(TableScope(items), local="id",
remote="order_id")}, relations={"customer": Link(TableScope(customers),
local="customer_id", remote="id")})`` lets expressions read ``amount``,
``customer.level`` and aggregate over ``items``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from ..sqltypes import ExactDecimal
from .model import ANY, BOOLEAN, DATE, DATETIME, DECIMAL, INTEGER, TEXT, TEXT_LIST, Schema

Col = ColumnElement[Any]


class SqlScope(Protocol):
    """What the SQL compiler asks of the caller."""

    @property
    def schema(self) -> Schema: ...

    def column(self, name: str) -> Col:
        """The column element holding field ``name``."""

    def relation(self, name: str) -> tuple[SqlScope, Col]:
        """The related record's scope and the condition joining it to this scope's row."""

    def collection(self, name: str) -> tuple[SqlScope, Col]:
        """The sub-table's scope and the condition tying its rows to this scope's row."""


@dataclass(frozen=True)
class Link:
    """``scope.table.c[remote] == <this table>.c[local]``."""

    scope: TableScope
    local: str
    remote: str


def field_type(sql_type: TypeEngine[Any]) -> str:
    """The expression type of a column type (``ExactDecimal`` → ``decimal``, ``JSON`` → ``text_list``)."""
    if isinstance(sql_type, TypeDecorator) and not isinstance(sql_type, ExactDecimal):
        sql_type = sql_type.impl_instance
    for kind, name in (
        (sa.Boolean, BOOLEAN),
        (sa.Integer, INTEGER),
        (ExactDecimal, DECIMAL),
        (sa.Numeric, DECIMAL),
        (sa.DateTime, DATETIME),
        (sa.Date, DATE),
        (sa.JSON, TEXT_LIST),
        (sa.String, TEXT),
    ):
        if isinstance(sql_type, kind):
            return name
    return ANY


class TableScope:
    """A scope over one SQLAlchemy ``Table`` (or alias) with optional sub-tables and relations.

    ``types`` overrides inferred field types (e.g. ``{"owner_id": "user"}``);
    columns listed in ``hidden`` are not visible to expressions.
    """

    def __init__(
        self,
        table: sa.FromClause,
        *,
        children: Mapping[str, Link] | None = None,
        relations: Mapping[str, Link] | None = None,
        types: Mapping[str, str] | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        self.table = table
        self.children = dict(children or {})
        self.relations = dict(relations or {})
        fields = {c.key: field_type(c.type) for c in table.columns if c.key not in hidden}
        fields.update(types or {})
        self._schema = Schema(
            fields,
            {name: link.scope.schema for name, link in self.children.items()},
            {name: link.scope.schema for name, link in self.relations.items()},
        )

    @property
    def schema(self) -> Schema:
        return self._schema

    def column(self, name: str) -> Col:
        return self.table.c[name]

    def relation(self, name: str) -> tuple[SqlScope, Col]:
        return self._linked(self.relations[name])

    def collection(self, name: str) -> tuple[SqlScope, Col]:
        return self._linked(self.children[name])

    def _linked(self, link: Link) -> tuple[SqlScope, Col]:
        return link.scope, link.scope.table.c[link.remote] == self.table.c[link.local]
