"""QR codes (segno) and Code 128 barcodes (python-barcode) as SVG data URIs, drawn the same in the browser and
in the PDF. ``qr_uri("https://…")`` → ``"data:image/svg+xml;base64,…"``."""

from __future__ import annotations

import base64
import io

import segno
from barcode import Code128
from barcode.writer import SVGWriter

MAX_CODE_TEXT = 1000  # a QR code of version 40 holds ~2,300 bytes at level M; a link needs far less


def qr_uri(text: str) -> str:
    qr = segno.make(text[:MAX_CODE_TEXT], error="m", micro=False)
    return str(qr.svg_data_uri(scale=4, border=2))


def barcode_uri(text: str) -> str:
    out = io.BytesIO()
    Code128(text[:80], writer=SVGWriter()).write(out, options={"write_text": True, "module_height": 12.0,
                                                               "font_size": 8, "text_distance": 4})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def code_uri(symbology: str, text: str) -> str:
    return qr_uri(text) if symbology == "qr" else barcode_uri(text)
