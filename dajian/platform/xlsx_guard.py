"""An .xlsx is a zip of XML: check what it expands to before openpyxl reads it.

A 250 KiB upload can hold 100 MiB of shared strings (openpyxl keeps every one as a Python object:
0.5 GB) or one 100 MiB cell. ``check_xlsx`` decompresses every part once, counting the bytes it
really gets (the sizes a zip declares may lie), and refuses the file before it is parsed when:

* it has more than ``MAX_ENTRIES`` parts, or expands to more than ``MAX_TOTAL`` bytes (413);
* a part larger than 1 MiB is compressed more than ``MAX_RATIO`` : 1 (real sheets: 5–20 : 1);
* a part read whole (shared strings, styles, workbook…) is larger than its bound;
* the shared strings hold more than ``MAX_SHARED_STRINGS`` entries, or a text is longer than
  ``MAX_TEXT_BYTES`` (room for Excel's own limit of 32 767 characters in a cell); the XML of
  sheets and shared strings is scanned as it streams by, so this costs no memory.

``open_sheet`` then reads only the header's columns (at most ``MAX_COLUMNS``) of each row.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from dajian.platform.errors import Invalid, PayloadTooLarge

MiB = 1 << 20
MAX_ENTRIES = 1000
MAX_TOTAL = 256 * MiB  # all parts, uncompressed
MAX_RATIO = 100  # uncompressed : compressed, for parts over RATIO_FROM bytes
RATIO_FROM = 1 * MiB
MAX_WHOLE_PART = 16 * MiB  # parts openpyxl reads whole: styles, workbook, theme, relationships…
MAX_SHARED_STRINGS_BYTES = 64 * MiB
MAX_SHARED_STRINGS = 1_000_000
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
MAX_TEXT_BYTES = 128 * 1024  # one text in the XML: room for 32 767 characters of four UTF-8 bytes
MAX_COLUMNS = 1000
CHUNK = 1 << 16  # less than MAX_TEXT_BYTES
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def _invalid(message: str) -> Invalid:
    return Invalid(message, errors=[{"path": "/file", "message": message}])


def _too_large(message: str) -> PayloadTooLarge:
    return PayloadTooLarge(message, errors=[{"path": "/file", "message": message}])


class _TextScan:
    """Scan XML bytes as they stream by: the longest run between two ``<`` (a bound on a text's
    length, as text cannot hold a raw ``<``)
    and the number of shared-string entries ``<si>``. Byte operations only: no parser, no objects."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.run = 0
        self.strings = 0
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        first = chunk.find(b"<")
        if first < 0:
            self.run += len(chunk)
        else:
            self.run += first
            self._check_run()
            self.run = len(chunk) - chunk.rfind(b"<") - 1  # runs inside a chunk are shorter than CHUNK
        self._check_run()
        window = self.tail + chunk
        self.strings += len(_SI.findall(window)) - len(_SI.findall(self.tail))
        self.tail = chunk[-16:]
        if self.strings > MAX_SHARED_STRINGS:
            raise _invalid(f"more than {MAX_SHARED_STRINGS} shared strings")

    def _check_run(self) -> None:
        if self.run > MAX_TEXT_BYTES:
            raise _invalid(f"{self.name}: a text longer than {MAX_TEXT_BYTES // 1024} KiB (Excel allows "
                           f"{MAX_CELL_TEXT} characters in a cell)")


def _scanned(name: str) -> bool:
    return name == "xl/sharedStrings.xml" or (name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _part_limit(name: str) -> int:
    if name == "xl/sharedStrings.xml":
        return MAX_SHARED_STRINGS_BYTES
    return MAX_TOTAL if _scanned(name) or not name.endswith((".xml", ".rels")) else MAX_WHOLE_PART


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> int:
    limit, size = _part_limit(info.filename), 0
    scan = _TextScan(info.filename) if _scanned(info.filename) else None
    for chunk in _chunks(archive, info):
        size += len(chunk)
        if total + size > MAX_TOTAL:
            raise _too_large(f"the workbook expands to more than {MAX_TOTAL // MiB} MiB")
        if size > limit:
            raise _too_large(f"{info.filename} expands to more than {limit // MiB} MiB")
        if size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
            raise _invalid(f"{info.filename} is compressed more than {MAX_RATIO}:1 (a zip bomb?)")
        if scan is not None:
            scan.feed(chunk)
    return size


def check_xlsx(source: IO[bytes]) -> None:
    """Raise ``PayloadTooLarge`` or ``Invalid`` (path ``/file``) for a workbook too large to open."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _invalid("not an Excel .xlsx workbook") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _invalid(f"the workbook has more than {MAX_ENTRIES} parts")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL:
            raise _too_large(f"the workbook expands to more than {MAX_TOTAL // MiB} MiB")
        for info in infos:  # what the archive declares (checked again below with the bytes it really holds)
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _invalid(f"{info.filename} is compressed more than {MAX_RATIO}:1 (a zip bomb?)")
        total = 0
        try:
            for info in infos:
                total += _check_part(archive, info, total)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise _invalid(f"the workbook is damaged: {type(exc).__name__}") from None
    source.seek(0)


def header_width(header: tuple[Any, ...]) -> int:
    """Columns up to the last non-empty header cell; ``Invalid`` past ``MAX_COLUMNS``."""
    width = len(header)
    while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
        width -= 1
    if width > MAX_COLUMNS:
        raise _invalid(f"the sheet has {width} columns; at most {MAX_COLUMNS} can be imported")
    return width
