"""Reading older app documents: one upgrade function per schema version, applied on read.

``schema_version`` names the shape of an app document. It goes up by one when a release changes what
a document may say (something accepted before is refused, or means something else); adding an
optional attribute that older documents simply lack does not bump it. ``UPGRADES[n]`` turns a
version-``n`` document into version ``n + 1``; documents are upgraded step by step to
``SCHEMA_VERSION`` wherever they are read — drafts and versions from the database, imports,
template packages — before they are validated or parsed. Nothing is written back: a stored version
keeps its bytes and content hash, and a draft becomes the new version when its author saves or
publishes it. A released upgrade function never changes; a later correction is a new version.

A document without ``schema_version`` is read as version 1 (every upgrade leaves a document that is
already valid at the current version as it was). A version newer than this server's is left alone
and refused by validation at ``/schema_version``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from dajian.engines.flow import node_models
from dajian.engines.flow.nodes import NODE_KINDS
from dajian.engines.form import kind_models
from dajian.engines.form.fields import FIELD_KINDS
from dajian.platform.definition.model import SCHEMA_VERSION

Document = dict[str, Any]


def upgrade_definition(doc: Any) -> Any:
    """``doc`` at ``SCHEMA_VERSION``: itself when it already is (or is not an app document), else an
    upgraded copy (the input is never changed)."""
    if not isinstance(doc, dict):
        return doc
    version = doc.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < SCHEMA_VERSION:
        return doc
    doc = copy.deepcopy(doc)
    while version < SCHEMA_VERSION:
        doc = UPGRADES[version](doc)
        version += 1
    return doc


def v1_to_v2(doc: Document) -> Document:
    """Version 2 describes each field kind and node kind by the attributes it reads: version 1
    accepted any field attribute on any kind (``max_length`` on a date, ``options`` on a text)
    and any node attribute on any node (``assignee`` on a gateway), and ignored them. Those are
    dropped, so the document means what it meant. A calendar's day took one period alone
    (``"mon": "09:00-18:00"``); version 2 takes a list, so it is wrapped in one."""
    field_specific = kind_models.kind_attributes()
    node_specific = node_models.kind_attributes()
    for field in _fields(doc):
        if _kind(field) in FIELD_KINDS:
            for attr in field_specific - kind_models.read_attributes(field["kind"]):
                field.pop(attr, None)
    for node in _nodes(doc):
        kind = NODE_KINDS.get(_kind(node))
        if kind is not None:
            for attr in node_specific - kind.attributes:
                node.pop(attr, None)
    for calendar in _calendars(doc):
        for days in (calendar.get("week"), calendar.get("overrides")):
            if isinstance(days, dict):
                days.update({day: [periods] for day, periods in days.items() if isinstance(periods, str | dict)})
    doc["schema_version"] = 2
    return doc


UPGRADES: dict[int, Callable[[Document], Document]] = {1: v1_to_v2}


def _kind(element: Document) -> str:
    """Its ``kind``, or "" when that is not text (validation reports it)."""
    kind = element.get("kind")
    return kind if isinstance(kind, str) else ""


def _dicts(value: Any) -> Iterator[Document]:
    return (item for item in value if isinstance(item, dict)) if isinstance(value, list) else iter(())


def _fields(doc: Document) -> Iterator[Document]:
    """Every field of every form, sub-table rows' fields included."""
    pending = [field for form in _dicts(doc.get("forms")) for field in _dicts(form.get("fields"))]
    while pending:
        field = pending.pop()
        yield field
        pending += _dicts(field.get("fields"))


def _calendars(doc: Document) -> Iterator[Document]:
    """The app's calendars and those written inline in a flow."""
    settings = doc.get("settings")
    found = settings.get("calendars") if isinstance(settings, dict) else None
    yield from (c for c in found.values() if isinstance(c, dict)) if isinstance(found, dict) else ()
    yield from (f["calendar"] for f in _dicts(doc.get("flows")) if isinstance(f.get("calendar"), dict))


def _nodes(doc: Document) -> Iterator[Document]:
    return (node for flow in _dicts(doc.get("flows")) for node in _dicts(flow.get("nodes")))
