"""Print templates in the app document: every problem named at its JSON path, before publishing."""

from __future__ import annotations

from typing import Any

import pytest

from dajian.platform.definition import validate_definition
from tests.platform.conftest import ticket_app

ITEMS = {"key": "items", "kind": "subtable", "label": {"en": "Items"},
         "fields": [{"key": "name", "kind": "text", "label": {"en": "Name"}},
                    {"key": "qty", "kind": "integer", "label": {"en": "Qty"}}]}
PHOTO = {"key": "photo", "kind": "image", "label": {"en": "Photo"}}


def app_with(*blocks: dict[str, Any], **template: Any) -> dict[str, Any]:
    doc = ticket_app()
    doc["forms"][0]["fields"] += [ITEMS, PHOTO]
    doc["prints"] = [{"key": "sheet", "label": {"zh-CN": "工单打印", "en": "Ticket sheet"}, "form": "ticket",
                      "blocks": list(blocks), **template}]
    return doc


def test_a_sound_template_passes() -> None:
    doc = app_with({"kind": "text", "text": "<h1>{{ template }} {{ record.title }}</h1>{% for r in record.items %}"
                                            "{{ r.name }}{% endfor %}"},
                   {"kind": "field", "field": "title", "width": "half"},
                   {"kind": "table", "field": "items", "columns": ["qty", "name"]},
                   {"kind": "image", "field": "photo"},
                   {"kind": "code", "symbology": "qr", "source": "status_link"},
                   {"kind": "code", "symbology": "code128", "source": "field", "field": "title"},
                   page={"size": "A5", "orientation": "landscape", "margins": {"top": 10, "left": 8}})
    assert validate_definition(doc) == []


@pytest.mark.parametrize(("block", "path", "words"), [
    ({"kind": "field", "field": "ghost"}, "/prints/0/blocks/0/field", "no field 'ghost'"),
    ({"kind": "field", "field": "items"}, "/prints/0/blocks/0/field", "table block"),
    ({"kind": "table", "field": "title"}, "/prints/0/blocks/0/field", "not a sub-table"),
    ({"kind": "table", "field": "items", "columns": ["name", "price"]}, "/prints/0/blocks/0/columns/1",
     "no column 'price'"),
    ({"kind": "image", "field": "title"}, "/prints/0/blocks/0/field", "image or attachment"),
    ({"kind": "code", "source": "field"}, "/prints/0/blocks/0/field", "names the field"),
    ({"kind": "text", "text": "{{ record.__class__ }}"}, "/prints/0/blocks/0/text", "Python internals"),
    ({"kind": "text", "text": "{{ secrets }}"}, "/prints/0/blocks/0/text", "unknown name 'secrets'"),
    ({"kind": "text", "text": "{% if %}"}, "/prints/0/blocks/0/text", "syntax error"),
])
def test_each_problem_is_named_where_it_is(block: dict[str, Any], path: str, words: str) -> None:
    issues = validate_definition(app_with(block))
    assert [i["path"] for i in issues] == [path], issues
    assert words in issues[0]["message"]


@pytest.mark.parametrize(("change", "path"), [
    ({"blocks": [{"kind": "chart"}]}, "/prints/0/blocks/0/kind"),
    ({"page": {"size": "B5"}}, "/prints/0/page/size"),
    ({"page": {"margins": {"top": 80}}}, "/prints/0/page/margins/top"),
    ({"blocks": [{"kind": "field", "field": "title", "colour": "red"}]}, "/prints/0/blocks/0/colour"),
    ({"form": "nope"}, "/prints/0/form"),
])
def test_shape_and_references_are_checked(change: dict[str, Any], path: str) -> None:
    issues = validate_definition(app_with(**change))
    assert path in [i["path"] for i in issues], issues


def test_keys_are_unique_within_the_app() -> None:
    doc = app_with({"kind": "field", "field": "title"})
    doc["prints"].append(dict(doc["prints"][0]))
    assert [i["path"] for i in validate_definition(doc)] == ["/prints/1/key"]
