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

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

FILE_URL = re.compile(r"^(?:https?://[^/]+)?/api/v1/files/(\d+)(?:\?.*)?$")
FileReader = Callable[[int], tuple[bytes, str]]  # file id → (bytes, media type); raises when not readable
BASE = "http://dajian.invalid/"


class Fetcher(URLFetcher):  # type: ignore[misc]
    """``data:`` URIs (the codes) as WeasyPrint reads them, the app's files through ``read_file``, nothing else."""

    def __init__(self, read_file: FileReader) -> None:
        super().__init__(allowed_protocols=("data",))
        self.read_file = read_file

    def fetch(self, url: str, headers: Any = None) -> Any:
        match = FILE_URL.match(url.removeprefix(BASE.rstrip("/")))
        if match is None:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"a printed page may not load {url[:80]}")
        data, mime = self.read_file(int(match[1]))
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})


def to_pdf(html: str, *, read_file: FileReader) -> bytes:
    pdf: bytes = HTML(string=html, base_url=BASE, url_fetcher=Fetcher(read_file)).write_pdf()
    return pdf
