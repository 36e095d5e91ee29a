"""A print template: page settings and a list of blocks laid out top to bottom (a band layout).

::

    {"key": "handling_sheet", "label": {"zh-CN": "客诉处理单"}, "form": "complaint",
     "page": {"size": "A4", "orientation": "portrait", "margins": {"top": 15, "right": 15, "bottom": 15, "left": 15}},
     "blocks": [{"kind": "text", "text": "<h1>客诉处理单 {{ record.serial_no }}</h1>"},
                {"kind": "field", "field": "customer_name", "width": "half"},
                {"kind": "table", "field": "items"},
                {"kind": "code", "symbology": "qr", "source": "status_link", "width": "half"}]}

Blocks flow left to right in rows: two ``half`` blocks share a row, a ``full`` block takes one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dajian.engines.form.model import Key, Label, Strict

PageSize = Literal["A4", "A5", "letter"]
Width = Literal["full", "half"]
# the page sizes in millimetres, portrait (width, height)
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": (210, 297), "A5": (148, 210), "letter": (215.9, 279.4)}
Millimetres = Annotated[float, Field(ge=0, le=60)]


class Margins(Strict):
    top: Millimetres = 15
    right: Millimetres = 15
    bottom: Millimetres = 15
    left: Millimetres = 15


class PrintPage(Strict):
    size: PageSize = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"
    margins: Margins = Field(default_factory=Margins)


class FieldBlock(Strict):
    """One field of the record: its label and its value."""

    kind: Literal["field"]
    field: Key
    width: Width = "full"


class TableBlock(Strict):
    """A sub-table as a table; ``columns`` are its fields in order (all when absent)."""

    kind: Literal["table"]
    field: Key
    columns: list[Key] | None = None


class TextBlock(Strict):
    """Static text, a Jinja2 template rendered in the sandbox with ``record`` (the readable fields), ``app``
    and ``now``; HTML is escaped in values, the template's own markup is kept."""

    kind: Literal["text"]
    text: Annotated[str, Field(max_length=20_000)]
    width: Width = "full"


class ImageBlock(Strict):
    """The images of an image or attachment field of the record."""

    kind: Literal["image"]
    field: Key
    height_mm: Annotated[float, Field(ge=5, le=200)] = 40
    width: Width = "full"


class CodeBlock(Strict):
    """A QR code or a Code 128 barcode of a field's value, the record's link, or the public status link."""

    kind: Literal["code"]
    symbology: Literal["qr", "code128"] = "qr"
    source: Literal["field", "record_link", "status_link"] = "record_link"
    field: Key | None = Field(default=None, description="The field whose value is encoded (source: field).")
    size_mm: Annotated[float, Field(ge=10, le=120)] = 30
    caption: Label | None = None
    width: Width = "half"


Block = Annotated[FieldBlock | TableBlock | TextBlock | ImageBlock | CodeBlock,
                  Field(discriminator="kind", title="Print block")]


class PrintTemplateDef(Strict):
    key: Key
    label: Label
    form: Key = Field(description="The form whose records this template prints.")
    page: PrintPage = Field(default_factory=PrintPage)
    blocks: list[Block] = Field(default_factory=list, max_length=200)
