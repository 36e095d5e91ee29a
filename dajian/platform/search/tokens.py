"""Text → search tokens: jieba segments Chinese, other scripts split into lower-cased words.

Documents and queries go through the same ``segment``, so a query word matches
the words a document was cut into. jieba's dictionary loads once per process,
on first use, without logging.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from dajian.engines.form.fields import FIELD_KINDS, TextOf, field_kind, register_field_kind
from dajian.engines.form.model import FieldDef

MAX_FIELD_CHARS = 100_000  # text beyond this is not indexed (a search index, not an archive)
MAX_TOKEN_CHARS = 60
_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" splits words as PostgreSQL's parser does
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# words too common to suggest anything (used for "related" queries, never for explicit searches)
_STOP_ZH = ("的 了 是 在 和 与 及 或 也 都 就 而 但 并 被 把 对 从 到 为 将 有 没有 不"
            " 我 你 他 她 它 我们 你们 他们 这 那 这个 那个")
_STOP_EN = ("a an and are as at be but by for from has have i in is it its of on or that the this to was were will with"
            " you your we our they their")
STOPWORDS = frozenset(_STOP_ZH.split() + _STOP_EN.split())
WARM_THREAD = "dajian-warm-segmenter"



@cache
def _jieba_module() -> Any:
    with warnings.catch_warnings():  # jieba imports pkg_resources, deprecated in newer setuptools
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


@cache
def _jieba() -> Any:
    jieba = _jieba_module()
    jieba.initialize()
    return jieba


def warm_segmenter() -> None:
    """Load the dictionary now, in a thread, as a server starts.

    The import happens here (it changes the process's warning filters, which only the starting thread
    may do); the dictionary, the slow part, loads in the thread."""
    _jieba_module()
    threading.Thread(target=_jieba, name=WARM_THREAD, daemon=True).start()


def segment(text: str) -> list[str]:
    """``"手机屏幕碎裂了 iPhone-15"`` → ``["手机", "屏幕", "碎裂", "了", "iphone", "15"]``."""
    words: list[str] = []
    for piece in _jieba().cut_for_search(text[:MAX_FIELD_CHARS]):
        words += [w.lower() for w in _WORD.findall(str(piece)) if len(w) <= MAX_TOKEN_CHARS]
    return words


def is_telling(word: str) -> bool:
    """Worth suggesting on: not a stop word, not a lone Chinese character."""
    return word not in STOPWORDS and not (len(word) == 1 and _CJK.match(word))


def field_prefix(key: str) -> str:
    """``"title"`` → ``"f" + 6 hex digits``: marks a field's words so a search can skip unreadable fields."""
    return "f" + hashlib.sha1(key.encode()).hexdigest()[:6]


def register_searchable_kind(kind: str, text_of: TextOf) -> None:
    """Let fields of the registered ``kind`` with ``indexed: true`` be full-text indexed; ``text_of`` gives
    their text. The fact lives in the kind's registry entry (``FieldKind.search_text``)."""
    register_field_kind(replace(field_kind(kind), search_text=text_of))


def search_text_of(field: FieldDef) -> TextOf | None:
    kind = FIELD_KINDS.get(field.kind)
    return kind.search_text if kind is not None else None


def _labels(field: FieldDef, values: Iterable[Any]) -> list[str]:
    by_value = {o.value: o for o in field.options or []}
    texts = []
    for v in values:
        texts.append(str(v))
        option = by_value.get(v)
        if option is not None:
            texts += list(dict.fromkeys(option.label.values()))
    return texts


def value_text(field: FieldDef, value: Any) -> str:
    """Any field's value as text to search by: searchable kinds, option labels, strings and string lists."""
    if value is None:
        return ""
    text_of = search_text_of(field)
    if text_of is not None:
        return text_of(field, value)
    values = value if isinstance(value, list) else [value]
    if field.options:
        return " ".join(_labels(field, values))
    return " ".join(v for v in values if isinstance(v, str))


def marked(prefix: str, words: Iterable[str]) -> str:
    return " ".join(prefix + w for w in words)


def record_words(fields: Mapping[str, FieldDef], record: Mapping[str, Any]) -> list[str]:
    """The distinct telling words of some fields of a record, most frequent first."""
    counts: dict[str, int] = {}
    for key, field in fields.items():
        for w in segment(value_text(field, record.get(key))):
            if is_telling(w):
                counts[w] = counts.get(w, 0) + 1
    return sorted(counts, key=lambda w: -counts[w])
