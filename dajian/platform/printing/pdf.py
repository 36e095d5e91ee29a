"""HTML → PDF with WeasyPrint (pure Python over pango, no browser, no daemon).

Fonts: WeasyPrint asks fontconfig for the families the page names (``render.FONTS``); on Debian the package
``fonts-noto-cjk`` provides "Noto Sans CJK SC", so Chinese text is drawn and embedded (subset) in the PDF.
Without any CJK font fontconfig falls back to a font without those glyphs: install fonts-noto-cjk.

Images the page links to (``/api/v1/files/{id}``) are read from the file store for the reader, with the same
check as a download; any other URL is refused, so a template cannot make the server fetch from the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from weasyprint import HTML, default_url_fetcher  # noqa: F401 - default_url_fetcher kept for data: URIs

FILE_URL = re.compile(r"^(?:https?://[^/]+)?/api/v1/files/(\d+)(?:\?.*)?$")
FileReader = Callable[[int], tuple[bytes, str]]  # file id → (bytes, media type); raises when not readable
BASE = "http://dajian.invalid/"


def to_pdf(html: str, *, read_file: FileReader) -> bytes:
    def fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if url.startswith("data:"):
            result: dict[str, Any] = default_url_fetcher(url)
            return result
        match = FILE_URL.match(url.removeprefix(BASE.rstrip("/")))
        if match is None:
            raise ValueError(f"a printed page may not load {url[:80]}")
        data, mime = read_file(int(match[1]))
        return {"string": data, "mime_type": mime}

    pdf: bytes = HTML(string=html, base_url=BASE, url_fetcher=fetch).write_pdf()
    return pdf
