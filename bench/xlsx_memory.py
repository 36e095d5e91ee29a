"""Peak memory of reading an .xlsx upload: a normal 10k-row file and crafted bombs, with and without
the archive checks of ``dajian.platform.xlsx_guard``.

Each case runs in a fresh process that reads the file from disk and reports its peak RSS growth
(``ru_maxrss``); "unguarded" reads the first sheet as the import did before the checks
(openpyxl ``read_only``, every row), "guarded" through ``excel.open_sheet``.

    .venv/bin/python bench/xlsx_memory.py [--quick]   # quick: skips the 2-minute unguarded shared-strings run
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.platform import xlsx_bombs

CASES = ["normal_10k", "shared_strings_bomb", "giant_cell_bomb", "wide_bomb", "many_entries_bomb"]


def make(case: str, path: Path) -> None:
    if case != "normal_10k":
        path.write_bytes(getattr(xlsx_bombs, case)())
        return
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["title", "qty", "amount", "due", "body", "status"])
    for n in range(10_000):
        ws.append([f"complaint {n}", n, n * 1.25, datetime.date(2026, 1, 1 + n % 28), "some text " * 5, "open"])
    wb.save(path)


def read(path: Path, guarded: bool) -> str:
    if guarded:
        from dajian.platform.excel import open_sheet

        sheet = open_sheet(path)
        rows = sum(1 for _ in sheet.rows)
        sheet.close()
        return f"{rows} rows x {len(sheet.columns)} columns"
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return f"{rows} rows"


def child(path: Path, guarded: bool) -> None:
    import openpyxl  # noqa: F401 - imports are not what we measure

    import dajian.platform.excel  # noqa: F401

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        outcome = read(path, guarded)
    except Exception as exc:
        outcome = f"{type(exc).__name__}: {exc}"[:90]
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"{peak:.1f}\t{time.perf_counter() - start:.2f}\t{outcome}")


def measure(path: Path, guarded: bool) -> tuple[float, float, str]:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--guarded" if guarded else "--raw"],
                         capture_output=True, text=True, check=True, timeout=900).stdout.strip()
    peak, seconds, outcome = out.split("\t", 2)
    return float(peak), float(seconds), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--guarded", action="store_true")
    parser.add_argument("--raw", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.guarded)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            path = Path(tmp) / f"{case}.xlsx"
            make(case, path)
            kib = os.path.getsize(path) // 1024
            guarded = measure(path, True)
            skip = args.quick and case == "shared_strings_bomb"
            raw = (float("nan"), float("nan"), "skipped (--quick)") if skip else measure(path, False)
            print(f"{case}: {kib} KiB on disk | unguarded: +{raw[0]:.0f} MiB, {raw[1]:.1f} s, {raw[2]} | "
                  f"guarded: +{guarded[0]:.0f} MiB, {guarded[1]:.2f} s, {guarded[2]}", file=sys.stderr)
            print(f"RESULT name=xlsx_peak_mib case={case} value={guarded[0]:.1f} baseline={raw[0]:.1f} "
                  f"target=<=64", flush=True)


if __name__ == "__main__":
    main()
