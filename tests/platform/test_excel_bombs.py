"""Hostile .xlsx files are refused before they are parsed (issue #12, item 2).

Each bomb is small on disk; opened by openpyxl without the checks, the shared-strings one takes
~0.5 GB and two minutes, the giant cell 200 MB (``bench/xlsx_memory.py`` measures them).
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dajian.platform import xlsx_guard
from dajian.platform.excel import open_sheet
from dajian.platform.xlsx_guard import check_xlsx
from tests.platform import xlsx_bombs
from tests.platform.conftest import Org, publish, ticket_app

PREVIEW = "/api/v1/apps/tickets/forms/ticket/import/preview"


@cache
def bomb(name: str) -> bytes:
    builders: dict[str, Any] = {
        "shared_strings": xlsx_bombs.shared_strings_bomb, "giant_cell": xlsx_bombs.giant_cell_bomb,
        "wide": xlsx_bombs.wide_bomb, "entries": lambda: xlsx_bombs.many_entries_bomb(1500),
        "long_cell": lambda: xlsx_bombs.long_cell(140_000),
    }
    data: bytes = builders[name]()
    return data


@pytest.fixture
def admin(org: Org) -> TestClient:
    client = org.client()
    assert publish(client, ticket_app()).status_code == 200
    return client


@pytest.mark.parametrize(("name", "message"), [
    ("shared_strings", "xl/sharedStrings.xml is compressed more than 100:1"),
    ("giant_cell", "xl/worksheets/sheet1.xml is compressed more than 100:1"),
    ("wide", "the sheet has 16384 columns; at most 1000 can be imported"),
    ("entries", "the workbook has more than 1000 parts"),
    ("long_cell", "xl/worksheets/sheet1.xml: a text longer than 128 KiB (Excel allows 32767 characters in a cell)"),
])
def test_bombs_get_a_422_naming_the_problem_on_preview(admin: TestClient, name: str, message: str) -> None:
    assert len(bomb(name)) < 3 * 1024 * 1024
    response = admin.post(PREVIEW, content=bomb(name), headers={"X-Filename": f"{name}.xlsx"})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["path"] == "/file" and message in error["message"]


def test_a_workbook_expanding_past_the_total_is_a_413(admin: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_TOTAL", 20_000)  # the base workbook alone expands to ~17 KB
    response = admin.post(PREVIEW, content=xlsx_bombs.long_cell(10_000), headers={"X-Filename": "big.xlsx"})
    assert response.status_code == 413, response.text
    assert response.json()["errors"] == [{"path": "/file", "message": "the workbook expands to more than 0 MiB"}]


def test_too_many_shared_strings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_SHARED_STRINGS", 50)
    check_xlsx(io.BytesIO(xlsx_bombs.shared_strings(50)))
    with pytest.raises(xlsx_guard.Invalid, match="more than 50 shared strings"):
        check_xlsx(io.BytesIO(xlsx_bombs.shared_strings(51)))


def test_a_dimension_wider_than_the_header_reads_only_the_header_columns() -> None:
    sheet = open_sheet(io.BytesIO(xlsx_bombs.claimed_wide()))
    try:
        assert sheet.columns == ["title", "qty"]
        assert list(sheet.rows) == [(2, ("row 0", 0))]
    finally:
        sheet.close()


@pytest.mark.parametrize(("part", "damage"), [
    ("xl/worksheets/sheet1.xml", lambda old: old.replace(b"</sheetData>", b"<row r='3'><c r='A3'><v>1</v></row>"
                                                                          b"</sheetData>")),
    ("xl/worksheets/sheet1.xml", lambda old: old[: len(old) // 2]),
    ("xl/workbook.xml", lambda old: b"<nope"),
])
def test_xml_that_is_not_well_formed_is_a_422_not_a_500(admin: TestClient, part: str, damage: Any) -> None:
    data = xlsx_bombs._rebuild({part: lambda old: iter([damage(old)])})
    response = admin.post(PREVIEW, content=data, headers={"X-Filename": "damaged.xlsx"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["path"] == "/file"
