"""One HTML renderer for print templates: the browser's print view and the PDF (``pdf.py``) draw the same page.

``render_html(template, form, [PrintedRecord(...)], title="客诉处理单")`` → a whole HTML document, one page
(or more) per record, with ``@page`` set to the template's size, orientation and margins. Only the values in
``PrintedRecord.values`` appear, and the platform puts there only what the reader may read: a block whose field
is not readable is left out, a text block sees only readable values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from dajian.engines.form.model import FieldDef, FormDef
from dajian.engines.printing.compile import TEXT_NAMES
from dajian.engines.printing.model import (
    PAGE_SIZES,
    Block,
    CodeBlock,
    FieldBlock,
    ImageBlock,
    PrintTemplateDef,
    TableBlock,
    TextBlock,
)
from dajian.engines.rule.templates import TemplateRefused, compile_template, render
from dajian.platform.printing.codes import code_uri
from dajian.platform.printing.values import Sheet, label_in, shown

# fonts-noto-cjk (Debian) names its families "Noto Sans CJK SC" etc.; fontconfig finds them for WeasyPrint,
# browsers pick them or their own CJK font
FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'


@dataclass(frozen=True)
class PrintedRecord:
    """One record as the reader may see it: ``values`` holds only readable fields (sub-tables as row lists)."""

    id: int
    values: Mapping[str, Any]
    sheet: Sheet
    record_link: str
    status_link: str | None = None


@dataclass(frozen=True)
class Page:
    template: PrintTemplateDef
    form: FormDef
    record: PrintedRecord
    now: datetime

    def field(self, key: str | None) -> FieldDef | None:
        return next((f for f in self.form.fields if f.key == key), None)

    def text(self, fdef: FieldDef) -> str:
        return shown(fdef, self.record.values.get(fdef.key), self.record.sheet)

    def label(self, fdef: FieldDef) -> str:
        return label_in(fdef.label, self.record.sheet.lang, fdef.key)


BlockRenderer = Callable[[Any, Page], Markup | None]


def _field_block(block: FieldBlock, page: Page) -> Markup | None:
    fdef = page.field(block.field)
    if fdef is None or fdef.key not in page.record.values:
        return None
    return Markup('<div class="field"><div class="label">{}</div><div class="value">{}</div></div>').format(
        page.label(fdef), page.text(fdef))


def _table_block(block: TableBlock, page: Page) -> Markup | None:
    fdef = page.field(block.field)
    if fdef is None or fdef.key not in page.record.values:
        return None
    children = {c.key: c for c in fdef.fields or []}
    columns = [children[k] for k in (block.columns or list(children)) if k in children]
    rows = page.record.values.get(fdef.key) or []
    sheet = page.record.sheet
    head = Markup("").join(Markup("<th>{}</th>").format(label_in(c.label, sheet.lang, c.key)) for c in columns)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(
            Markup("<td>{}</td>").format(shown(c, row.get(c.key), sheet)) for c in columns))
        for row in rows if isinstance(row, Mapping))
    if not rows:
        body = Markup('<tr><td class="empty" colspan="{}">—</td></tr>').format(max(len(columns), 1))
    return Markup('<div class="table"><div class="caption">{}</div><table><thead><tr>{}</tr></thead>'
                  '<tbody>{}</tbody></table></div>').format(page.label(fdef), head, body)


def _text_block(block: TextBlock, page: Page) -> Markup | None:
    try:
        text = render(compile_template(block.text, names=TEXT_NAMES), _text_values(page))
    except TemplateRefused as exc:
        return Markup('<div class="text refused">{}</div>').format(str(exc))
    return Markup('<div class="text">{}</div>').format(Markup(text))


def _image_block(block: ImageBlock, page: Page) -> Markup | None:
    fdef = page.field(block.field)
    if fdef is None or fdef.key not in page.record.values:
        return None
    files = [f for f in page.record.values.get(fdef.key) or [] if isinstance(f, Mapping) and "id" in f]
    images = Markup("").join(
        Markup('<img src="/api/v1/files/{}?inline=true" alt="{}" style="height: {}mm">').format(
            int(f["id"]), f.get("name", ""), block.height_mm)
        for f in files if str(f.get("mime", "image/")).startswith("image/"))
    return Markup('<div class="images"><div class="label">{}</div>{}</div>').format(page.label(fdef), images)


def _code_block(block: CodeBlock, page: Page) -> Markup | None:
    if block.source == "record_link":
        text = page.record.record_link
    elif block.source == "status_link":
        text = page.record.status_link or ""
    else:
        fdef = page.field(block.field)
        if fdef is None or fdef.key not in page.record.values:
            return None
        text = page.text(fdef)
    if not text:
        return None
    size = f"width: {block.size_mm}mm" if block.symbology == "qr" else f"height: {block.size_mm / 2}mm"
    caption = label_in(block.caption, page.record.sheet.lang, "") if block.caption else ""
    return Markup('<figure class="code {}"><img src="{}" alt="{}" style="{}"><figcaption>{}</figcaption>'
                  '</figure>').format(block.symbology, code_uri(block.symbology, text), text, size, caption)


RENDERERS: dict[str, BlockRenderer] = {
    "field": _field_block, "table": _table_block, "text": _text_block, "image": _image_block, "code": _code_block,
}


def _text_values(page: Page) -> dict[str, Any]:
    record: dict[str, Any] = {"id": page.record.id}
    for fdef in page.form.fields:
        if fdef.key not in page.record.values:
            continue
        if fdef.kind == "subtable":
            children = list(fdef.fields or [])
            record[fdef.key] = [{c.key: shown(c, row.get(c.key), page.record.sheet) for c in children}
                                for row in page.record.values.get(fdef.key) or [] if isinstance(row, Mapping)]
        else:
            record[fdef.key] = page.text(fdef)
    lang = page.record.sheet.lang
    return {"record": record, "template": label_in(page.template.label, lang, page.template.key),
            "app": "", "now": page.now.astimezone(page.record.sheet.tz).strftime("%Y-%m-%d %H:%M")}


def _rows(blocks: list[Block]) -> Iterator[list[Block]]:
    """Blocks in rows: two half-width blocks side by side, everything else on a row of its own."""
    row: list[Block] = []
    for block in blocks:
        half = getattr(block, "width", "full") == "half"
        if row and (not half or len(row) == 2):
            yield row
            row = []
        row.append(block)
        if not half:
            yield row
            row = []
    if row:
        yield row


def page_body(page: Page) -> Markup:
    parts: list[Markup] = []
    for row in _rows(list(page.template.blocks)):
        cells = [(getattr(b, "width", "full"), RENDERERS[b.kind](b, page)) for b in row]
        shown_cells = [(w, c) for w, c in cells if c is not None]
        if shown_cells:
            parts.append(Markup('<div class="row">{}</div>').format(Markup("").join(
                Markup('<div class="cell {}">{}</div>').format(w, c) for w, c in shown_cells)))
    return Markup("").join(parts)


_LAYOUT = Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
@page { size: {{ width }}mm {{ height }}mm; margin: {{ m.top }}mm {{ m.right }}mm {{ m.bottom }}mm {{ m.left }}mm; }
html, body { margin: 0; padding: 0; }
body { font-family: {{ fonts }}; font-size: 10.5pt; color: #111; }
.sheet { page-break-after: always; break-after: page; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
.row { display: flex; gap: 4mm; margin-bottom: 3mm; align-items: flex-start; }
.cell.full { flex: 1 1 100%; } .cell.half { flex: 1 1 50%; min-width: 0; }
.field { display: flex; border: 0.3mm solid #999; }
.field .label { flex: 0 0 30mm; background: #f2f2f2; padding: 1.5mm 2mm; font-weight: bold; }
.field .value { flex: 1; padding: 1.5mm 2mm; white-space: pre-wrap; overflow-wrap: anywhere; }
.table .caption, .images .label { font-weight: bold; margin-bottom: 1mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.3mm solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.empty { color: #888; text-align: center; }
.text h1 { font-size: 18pt; margin: 0 0 2mm; text-align: center; } .text p { margin: 0 0 1.5mm; }
.text.refused { color: #a00; border: 0.3mm dashed #a00; padding: 1mm; }
.images img { margin-right: 2mm; }
figure.code { margin: 0; text-align: center; } figure.code img { display: block; margin: 0 auto; }
figcaption { font-size: 9pt; color: #444; }
@media screen { body { background: #e8e8e8; }
  .sheet { background: #fff; width: {{ width - m.left - m.right }}mm; min-height: {{ height - m.top - m.bottom }}mm;
           margin: 8mm auto; padding: {{ m.top }}mm {{ m.right }}mm {{ m.bottom }}mm {{ m.left }}mm;
           box-shadow: 0 1px 4px rgba(0,0,0,.25); } }
</style></head>
<body>{% for sheet in sheets %}
<section class="sheet" aria-label="{{ sheet.name }}">{{ sheet.body }}</section>{% endfor %}
</body></html>
""")


def render_html(template: PrintTemplateDef, form: FormDef, records: list[PrintedRecord], *,
                title: str, now: datetime) -> str:
    """The whole document: the template's page settings, one sheet per record."""
    width, height = PAGE_SIZES[template.page.size]
    if template.page.orientation == "landscape":
        width, height = height, width
    lang = records[0].sheet.lang if records else "zh-CN"
    sheets = [{"name": f"{title} #{r.id}", "body": page_body(Page(template, form, r, now))} for r in records]
    return _LAYOUT.render(lang=lang, title=title, width=width, height=height, m=template.page.margins,
                          fonts=Markup(FONTS), sheets=sheets)


__all__ = ["PrintedRecord", "escape", "render_html"]
