"""Which fields of a form are full-text indexed, decided once per form version.

A field is searchable when it is of a searchable kind (text, long_text,
rich_text, or one added by ``register_searchable_kind``) and says
``"indexed": true``; the form's ``title_field`` is always searchable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dajian.engines.form.fields import FIELD_KINDS
from dajian.engines.form.model import FieldDef, FormDef
from dajian.platform.search.tokens import field_prefix, marked, search_text_of, segment, value_text

MAX_DOCUMENT_CHARS = 200_000  # PostgreSQL refuses a tsvector over 1 MB


@dataclass(frozen=True)
class SearchField:
    key: str
    prefix: str  # marks this field's words in the index
    field: FieldDef


@dataclass(frozen=True)
class SearchPlan:
    fields: tuple[SearchField, ...]

    def document(self, record: Mapping[str, Any]) -> str:
        """The index text of a record: each searchable field's words, marked with the field's prefix."""
        parts = [marked(f.prefix, segment(value_text(f.field, record.get(f.key)))) for f in self.fields]
        text = " ".join(p for p in parts if p)
        return text if len(text) <= MAX_DOCUMENT_CHARS else text[:MAX_DOCUMENT_CHARS].rsplit(" ", 1)[0]

    def readable(self, can_read: Callable[[str], bool]) -> tuple[SearchField, ...]:
        return tuple(f for f in self.fields if can_read(f.key))

    def touches(self, changed: frozenset[str]) -> bool:
        return any(f.key in changed for f in self.fields)


def _stored(field: FieldDef) -> bool:
    kind = FIELD_KINDS.get(field.kind)
    return kind is not None and kind.has_column


def compile_plan(form: FormDef) -> SearchPlan:
    """``{"fields": [{"key": "title", "kind": "text", "indexed": true}, {"key": "qty", "kind": "integer"}]}``
    gives ``SearchPlan(fields=(SearchField("title", "f…", …),))``."""
    chosen = [f for f in form.fields
              if (f.indexed and search_text_of(f) is not None) or (f.key == form.title_field and _stored(f))]
    return SearchPlan(tuple(SearchField(f.key, field_prefix(f.key), f) for f in chosen))
