"""Check print templates against their forms: every problem with its JSON path.

``print_issues([{"key": "sheet", "label": {...}, "form": "complaint",
"blocks": [{"kind": "field", "field": "nope"}]}], {"complaint": form})`` yields
``{"path": "/prints/0/blocks/0/field", "message": "no field 'nope' in form 'complaint'"}``.
The templates have passed the app schema (``model.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dajian.engines.form.model import FieldDef, FormDef
from dajian.engines.printing.model import (
    Block,
    CodeBlock,
    FieldBlock,
    ImageBlock,
    PrintTemplateDef,
    TableBlock,
    TextBlock,
)
from dajian.engines.rule.templates import template_issues

Issue = dict[str, str]
# what a text block may name: the record's readable fields, the app, the template and the time of printing
TEXT_NAMES = frozenset({"record", "app", "template", "now"})
IMAGE_KINDS = frozenset({"image", "attachment", "signature"})


def print_issues(templates: list[Mapping[str, Any]], forms: Mapping[str, FormDef]) -> Iterator[Issue]:
    keys: list[str] = []
    for i, raw in enumerate(templates):
        template = PrintTemplateDef.model_validate(raw)
        path = f"/prints/{i}"
        if template.key in keys:
            yield {"path": f"{path}/key", "message": f"duplicate print template key '{template.key}'"}
        keys.append(template.key)
        form = forms.get(template.form)
        if form is None:
            yield {"path": f"{path}/form", "message": f"no form '{template.form}' in this app"}
            continue
        for j, block in enumerate(template.blocks):
            yield from block_issues(block, form, f"{path}/blocks/{j}")


def block_issues(block: Block, form: FormDef, path: str) -> Iterator[Issue]:
    """What is wrong with one block of a template printing ``form``."""
    if isinstance(block, TextBlock):
        for message in template_issues(block.text, names=TEXT_NAMES):
            yield {"path": f"{path}/text", "message": message}
        return
    if isinstance(block, CodeBlock):
        if block.source != "field":
            return
        if block.field is None:
            yield {"path": f"{path}/field", "message": "a code of a field names the field"}
            return
    assert isinstance(block, FieldBlock | TableBlock | ImageBlock | CodeBlock)
    fdef = _field(form, block.field or "")
    if fdef is None:
        yield {"path": f"{path}/field", "message": f"no field '{block.field}' in form '{form.key}'"}
    elif isinstance(block, TableBlock):
        yield from _table_issues(block, fdef, form, path)
    elif fdef.kind == "subtable":
        yield {"path": f"{path}/field", "message": f"'{fdef.key}' is a sub-table: print it as a table block"}
    elif isinstance(block, ImageBlock) and fdef.kind not in IMAGE_KINDS:
        yield {"path": f"{path}/field",
               "message": f"'{fdef.key}' is a {fdef.kind} field; an image block shows an image or attachment field"}


def _table_issues(block: TableBlock, fdef: FieldDef, form: FormDef, path: str) -> Iterator[Issue]:
    if fdef.kind != "subtable":
        yield {"path": f"{path}/field", "message": f"'{fdef.key}' is not a sub-table of form '{form.key}'"}
        return
    known = {f.key for f in fdef.fields or []}
    for k, column in enumerate(block.columns or []):
        if column not in known:
            yield {"path": f"{path}/columns/{k}", "message": f"no column '{column}' in sub-table '{fdef.key}'"}


def _field(form: FormDef, key: str) -> FieldDef | None:
    return next((f for f in form.fields if f.key == key), None)
