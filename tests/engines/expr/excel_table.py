"""The README's function table, generated from the catalog and ``excel_examples.json``.

    python -m tests.engines.expr.excel_table > /tmp/functions.md
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dajian.engines.expr.catalog import CATALOG

EXAMPLES: list[dict[str, Any]] = json.loads((Path(__file__).parent / "excel_examples.json").read_text())
TITLES = {"logical": "Logical", "text": "Text", "math": "Math", "date": "Date and time", "lookup": "Sub-tables"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _example(e: dict[str, Any]) -> str:
    data = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in e["data"].items())
    where = f" (with {data})" if data else ""
    return f"`{_cell(e['formula'])}` → `{json.dumps(e['expected'], ensure_ascii=False)}`{_cell(where)}"


def markdown() -> str:
    lines: list[str] = []
    for category, title in TITLES.items():
        lines += [f"#### {title}", "", "| Function | What it gives | 说明 | Example | SQL |", "|---|---|---|---|---|"]
        for f in (f for f in CATALOG if f.category == category):
            first = next(e for e in EXAMPLES if e["function"] == f.name)
            lines.append(f"| `{_cell(f.signature)}` | {_cell(f.en)} | {_cell(f.zh)} | {_example(first)} | "
                         f"{'yes' if f.sql else 'forms only'} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
