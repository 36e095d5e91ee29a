"""Coercers of text-like kinds: rich text, URLs, ID cards, colours, codes, IPs, signatures.

Each takes ``(field, value)`` and returns the text to store or raises
``ValueError`` with a message for the user (see ``fields.py``).
"""

from __future__ import annotations

import base64
import binascii
import html
import ipaddress
import re
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3
from pydantic import Field
from sqlalchemy import Text
from sqlalchemy.types import TypeEngine

from dajian.engines.form.fields import FieldKind, _text, register_field_kind
from dajian.engines.form.model import FieldDef, Strict
from dajian.engines.form.settings import settings

RICH_TEXT_MAX = 100_000
TAG = re.compile(r"<[^>]*>")
RICH_TAGS = frozenset({
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote", "code", "pre",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "span",
    "table", "thead", "tbody", "tr", "th", "td",
})
RICH_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def rich_words(field: FieldDef, value: Any) -> str:
    """``"<p>屏幕&amp;键盘</p>"`` is ``" 屏幕&键盘 "``: the text of rich text, for full-text search."""
    return html.unescape(TAG.sub(" ", value)) if isinstance(value, str) else ""


def rich_text(field: FieldDef, value: Any) -> str:
    """HTML kept to a fixed allow-list: scripts, styles, event handlers and ``javascript:`` links go."""
    limit = field.max_length or RICH_TEXT_MAX
    raw = _text(field.model_copy(update={"max_length": None, "min_length": None, "pattern": None}), value)
    if len(raw) > limit:
        raise ValueError(f"at most {limit} characters")
    clean = nh3.clean(raw, tags=set(RICH_TAGS), attributes={k: set(v) for k, v in RICH_ATTRIBUTES.items()},
                      url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow")
    if len(clean) > limit:
        raise ValueError(f"at most {limit} characters")
    return clean


URL_MAX = 2048


def url(field: FieldDef, value: Any) -> str:
    text = _text(field, value).strip()
    if len(text) > (field.max_length or URL_MAX):
        raise ValueError(f"at most {field.max_length or URL_MAX} characters")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise ValueError("not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https") or not host or re.search(r"\s", text):
        raise ValueError("expected a web address starting with http:// or https://")
    return text


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_card_check_digit(first17: str) -> str:
    """The 18th character of a resident ID from its first 17 digits (GB 11643, ISO 7064 MOD 11-2)."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_card(field: FieldDef, value: Any) -> str:
    text = _text(field, value).strip().upper()
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", text):
        raise ValueError("a resident ID number has 18 characters: 17 digits and a digit or X")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValueError("the birth date in this ID number does not exist") from None
    if born.year < 1900 or born > date.today():
        raise ValueError("the birth date in this ID number is out of range")
    if id_card_check_digit(text[:17]) != text[17]:
        raise ValueError("the check digit of this ID number is wrong")
    return text


def color(field: FieldDef, value: Any) -> str:
    text = _text(field, value).strip()
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        raise ValueError("expected a colour like #1f6feb")
    return text.lower()


CodePreset = Literal["code128", "sku", "ean13", "ean8", "upca"]
CODE_PATTERNS: dict[str, tuple[str, str]] = {
    "code128": (r"[\x20-\x7e]{1,80}", "up to 80 printable ASCII characters"),
    "sku": (r"[A-Z0-9][A-Z0-9._\-]{0,63}", "capital letters, digits, '.', '_' or '-' (at most 64)"),
    "ean13": (r"\d{13}", "13 digits"),
    "ean8": (r"\d{8}", "8 digits"),
    "upca": (r"\d{12}", "12 digits"),
}


class CodeConfig(Strict):
    preset: CodePreset = Field(default="code128", description="Which barcode or SKU format the code follows.")


def _gtin_ok(digits: str) -> bool:
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def code(field: FieldDef, value: Any) -> str:
    preset = settings(CodeConfig, field).preset
    text = _text(field, value).strip()
    pattern, shape = CODE_PATTERNS[preset]
    if not re.fullmatch(pattern, text):
        raise ValueError(f"expected {shape}")
    if preset in ("ean13", "ean8", "upca") and not _gtin_ok(text):
        raise ValueError("the check digit of this barcode is wrong")
    return text


class IpConfig(Strict):
    version: Literal[4, 6] | None = Field(default=None, description="Accept only IPv4 or only IPv6.")


def ip_address(field: FieldDef, value: Any) -> str:
    version = settings(IpConfig, field).version
    try:
        address = ipaddress.ip_address(_text(field, value).strip())
    except ValueError:
        raise ValueError("not a valid IP address") from None
    if version is not None and address.version != version:
        raise ValueError(f"expected an IPv{version} address")
    return str(address)


SIGNATURE_MAX_BYTES = 256 * 1024
SIGNATURE_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def signature(field: FieldDef, value: Any) -> str:
    """A handwritten signature as a PNG data URL (kept in the record, not in file storage)."""
    if not isinstance(value, str) or not value.startswith(SIGNATURE_PREFIX):
        raise ValueError("expected a PNG image as a data:image/png;base64,… URL")
    if len(value) > len(SIGNATURE_PREFIX) + SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise ValueError(f"the signature image is larger than {SIGNATURE_MAX_BYTES // 1024} KB")
    try:
        image = base64.b64decode(value[len(SIGNATURE_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the signature image is not valid base64") from None
    if not image.startswith(PNG_MAGIC):
        raise ValueError("the signature is not a PNG image")
    return value


def _text_column(field: FieldDef) -> TypeEngine[Any]:
    return Text()


def register_text_kinds() -> None:
    for kind in [
        FieldKind("rich_text", _text_column, rich_text, "text", search_text=rich_words,
                  json_schema={"type": "string", "contentMediaType": "text/html"}),
        FieldKind("url", _text_column, url, "text", json_schema={"type": "string", "format": "uri"}),
        FieldKind("id_card", _text_column, id_card, "text"),
        FieldKind("color", _text_column, color, "text"),
        FieldKind("code", _text_column, code, "text", config_model=CodeConfig),
        FieldKind("ip_address", _text_column, ip_address, "text", config_model=IpConfig),
        FieldKind("signature", _text_column, signature, "text"),
    ]:
        register_field_kind(kind)


register_text_kinds()
