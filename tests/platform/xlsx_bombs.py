"""Hostile .xlsx files, small on disk and huge when opened (for tests and ``bench/xlsx_memory.py``).

Each builder takes a real two-column workbook (``title``, ``qty``) and replaces or pads one part of
it, streaming the padding into the archive so that building a bomb needs no memory either.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator

from openpyxl import Workbook

MiB = 1 << 20
SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')


def base_workbook(rows: int = 1) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["title", "qty"])
    for n in range(rows):
        ws.append([f"row {n}", n])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rebuild(parts: dict[str, Callable[[bytes], Iterator[bytes]]], extra: int = 0) -> bytes:
    """The base workbook with ``parts`` (name -> chunks made from the old content, b"" if new) replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base_workbook())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        names = [i.filename for i in src.infolist()]
        for name in [*names, *(p for p in parts if p not in names)]:
            old = src.read(name) if name in names else b""
            if name == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                old = old.replace(b"</Types>", SST_TYPE + b"</Types>")
            if name in parts:
                with dst.open(name, "w", force_zip64=True) as handle:
                    for chunk in parts[name](old):
                        handle.write(chunk)
            else:
                dst.writestr(name, old)
        for n in range(extra):
            dst.writestr(f"docProps/pad{n}.xml", b"")
    return out.getvalue()


def _repeat(unit: bytes, total: int) -> Iterator[bytes]:
    block = unit * max(1, MiB // len(unit))
    for _ in range(max(1, total // len(block))):
        yield block


def shared_strings_bomb(size: int = 100 * MiB) -> bytes:
    """Millions of tiny shared strings: Python keeps every one as an object."""
    def part(old: bytes) -> Iterator[bytes]:
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield from _repeat(b"<si><t>x</t></si>", size)
        yield b"</sst>"
    return _rebuild({"xl/sharedStrings.xml": part})


def giant_cell_bomb(size: int = 100 * MiB) -> bytes:
    """One inline-string cell of ``size`` characters in the header row."""
    def part(old: bytes) -> Iterator[bytes]:
        head, _, _ = old.partition(b"<sheetData>")
        yield head + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        yield from _repeat(b"a", size)
        yield b'</t></is></c></row></sheetData></worksheet>'
    return _rebuild({"xl/worksheets/sheet1.xml": part})


def wide_bomb(columns: int = 16384, rows: int = 2000) -> bytes:
    """Rows as wide as Excel allows: every row is padded to the widest one."""
    def part(old: bytes) -> Iterator[bytes]:
        head, _, _ = old.partition(b"<sheetData>")
        yield re.sub(rb"<dimension [^>]*>", f'<dimension ref="A1:XFD{rows}"/>'.encode(), head) + b"<sheetData>"
        for r in range(1, rows + 1):
            yield f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="XFD{r}"><v>1</v></c></row>'.encode()
        yield b"</sheetData></worksheet>"
    return _rebuild({"xl/worksheets/sheet1.xml": part})


def many_entries_bomb(count: int = 20_000) -> bytes:
    return _rebuild({}, extra=count)


def long_cell(length: int = 40_000) -> bytes:
    """An honest-looking cell longer than Excel allows, hard to compress (so the ratio check passes)."""
    text = "".join(chr(97 + (n * 7919 + n // 3) % 26) for n in range(length)).encode()
    def part(old: bytes) -> Iterator[bytes]:
        yield old.replace(b"<t>row 0</t>", b"<t>" + text + b"</t>")
    return _rebuild({"xl/worksheets/sheet1.xml": part})


def claimed_wide(columns: str = "XFD") -> bytes:
    """Two real columns in a sheet whose dimension claims ``columns`` wide (some writers do that)."""
    def part(old: bytes) -> Iterator[bytes]:
        yield re.sub(rb"<dimension [^>]*>", f'<dimension ref="A1:{columns}2"/>'.encode(), old)
    return _rebuild({"xl/worksheets/sheet1.xml": part})


def shared_strings(count: int) -> bytes:
    """A valid workbook with ``count`` shared strings (none used)."""
    def part(old: bytes) -> Iterator[bytes]:
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield b"".join(f"<si><t>s{n}</t></si>".encode() for n in range(count))
        yield b"</sst>"
    return _rebuild({"xl/sharedStrings.xml": part})
