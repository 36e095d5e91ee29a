"""Report engine benchmark: the complaint cockpit's reports through the engine vs the same queries
written by hand in SQL, an 8-widget dashboard end to end, and a big export's peak memory.

    .venv/bin/python bench/reports.py [--quick] [--db sqlite|postgresql|both]

Data: N generated complaints (quick: 50k; full: 1M on PostgreSQL, 200k on SQLite) loaded once
(COPY on PostgreSQL) into a throwaway database. Each report is timed as the median of a few runs,
engine (``run_report``: permission check, plan from cache, one statement, shaping) against the
hand-written statement; ``pandas.groupby`` over the same rows is printed as a reference only.

RESULT lines: ``reports_vs_sql`` (sum of medians, target ratio <= 1.3), ``dashboard_ms`` (PostgreSQL,
8 widgets through the HTTP API, target < 1000 ms), ``export_peak_mb`` (peak resident memory of a fresh
process running the streamed XLSX export of the big list, interpreter included, target < 300 MB; a
plain openpyxl write-only export of the same columns is printed beside it).
"""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook
from rich.progress import Progress
from sqlalchemy import Engine, select, text

from bench._common import World, backends, database, load_note, make_world, note, parse_args, result
from dajian.platform.apps import import_definition, load_runtime
from dajian.platform.reports import run_report
from dajian.platform.reports.export import export_report, write_xlsx

CATEGORIES = [f"c{i:02d}" for i in range(24)]
PRIORITIES = ["p1", "p2", "p3", "p4"]
REGIONS = ["north", "south", "east", "west", "central", "overseas"]
PRODUCTS = [f"prod{i}" for i in range(12)]
COLUMNS = ["category", "priority", "region", "product", "amount", "opened_at", "resolved_at", "sla_met", "csat",
           "work_minutes", "dept_id", "owner_id", "created_by", "created_at", "updated_at", "row_version"]


def _options(values: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"zh-CN": v, "en": v}} for v in values]


def _field(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"zh-CN": key, "en": key}, **extra}


PERIOD = {"key": "period", "type": "date_range", "field": "opened_at"}


def _report(key: str, **body: Any) -> dict[str, Any]:
    return {"key": key, "label": {"zh-CN": key, "en": key}, "dataset": {"form": "complaint"}, "params": [PERIOD],
            **body}


REPORTS = [
    _report("volume", dimensions=[{"field": "category"}, {"field": "opened_at", "granularity": "month", "fill": False}],
            measures=[{"key": "n", "agg": "count"}], chart={"type": "stacked_bar", "x": "opened_at_month"}),
    _report("sla", dimensions=[{"field": "priority"}], chart={"type": "bar", "y": ["rate"]}, measures=[
        {"key": "n", "agg": "count"}, {"key": "met", "agg": "count", "where": {"var": "sla_met"}},
        {"key": "rate", "ratio": ["met", "n"], "format": "percent"}]),
    _report("minutes", dimensions=[{"field": "dept_id"}], measures=[
        {"key": "avg", "agg": "avg", "field": "work_minutes", "format": "duration_minutes"}], chart={"type": "bar"}),
    _report("top10", dimensions=[{"field": "category"}], top={"dimension": "category", "n": 10, "by": "n"},
            measures=[{"key": "n", "agg": "count"}], sort=[{"by": "n", "desc": True}], chart={"type": "pie"}),
    _report("pivot", dimensions=[{"field": "region"}], columns=[{"field": "product"}], totals=True,
            measures=[{"key": "n", "agg": "count"}, {"key": "amount", "agg": "sum", "field": "amount"}],
            chart={"type": "pivot"}),
    _report("card", measures=[{"key": "n", "agg": "count"}], compare={"param": "period"}, chart={"type": "number"}),
    _report("daily", dimensions=[{"field": "opened_at", "granularity": "day"}], measures=[{"key": "n", "agg": "count"}],
            chart={"type": "line"}),
    _report("csat", dimensions=[{"field": "priority"}], measures=[{"key": "csat", "agg": "avg", "field": "csat"}],
            chart={"type": "funnel"}),
    {"key": "big_list", "label": {"en": "All complaints"}, "dataset": {"form": "complaint"},
     "dimensions": [{"field": "id"}, {"field": "category"}, {"field": "priority"}, {"field": "region"},
                    {"field": "product"}], "measures": [{"key": "amount", "agg": "sum", "field": "amount"}]},
]
TIMED = ["volume", "sla", "minutes", "top10", "pivot"]
WIDGETS = ["volume", "sla", "minutes", "top10", "pivot", "card", "daily", "csat"]
DASHBOARD = {"key": "cockpit", "label": {"en": "Cockpit"},
             "filters": [{"key": "period", "type": "date_range", "targets": {w: "period" for w in WIDGETS}}],
             "widgets": [{"key": w, "report": w, "x": (i % 2) * 6, "y": (i // 2) * 4} for i, w in enumerate(WIDGETS)]}


def app_doc() -> dict[str, Any]:
    fields = [_field("category", "single_select", options=_options(CATEGORIES)),
              _field("priority", "single_select", options=_options(PRIORITIES)),
              _field("region", "single_select", options=_options(REGIONS)), _field("product", "text"),
              _field("amount", "decimal", precision=12, scale=2), _field("opened_at", "datetime", indexed=True),
              _field("resolved_at", "datetime"), _field("sla_met", "boolean"), _field("csat", "integer"),
              _field("work_minutes", "integer")]
    return {"schema_version": 1, "key": "complaints", "label": {"en": "Complaints"},
            "forms": [{"key": "complaint", "label": {"en": "Complaint"}, "fields": fields}],
            "reports": REPORTS, "dashboards": [DASHBOARD], "settings": {"timezone": "Asia/Shanghai"}}


def generate(n: int, dept_ids: list[int], owner: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(42)
    end = datetime.now(UTC).replace(microsecond=0)
    span = 2 * 365 * 24 * 3600
    weights = [1 / (i + 1) for i in range(len(CATEGORIES))]
    cats = rng.choices(CATEGORIES, weights, k=n)
    for i in range(n):
        opened = end - timedelta(seconds=rng.randrange(span))
        minutes = rng.randrange(10, 5000)
        yield (cats[i], PRIORITIES[i % 4], REGIONS[rng.randrange(6)], PRODUCTS[rng.randrange(12)],
               Decimal(rng.randrange(100, 1_000_000)) / 100, opened, opened + timedelta(minutes=minutes),
               minutes < 2400, rng.randrange(1, 6), minutes, dept_ids[i % len(dept_ids)], owner, owner, opened,
               opened, 1)


def load(engine: Engine, table: str, rows: Iterator[tuple[Any, ...]], n: int) -> None:
    raw = engine.raw_connection()
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task(f"loading {n} complaints", total=n)
            if engine.dialect.name == "postgresql":
                cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f'COPY "{table}" ({", ".join(COLUMNS)}) FROM STDIN') as copy:
                    for i, row in enumerate(rows):
                        copy.write_row(row)
                        if i % 20000 == 0:
                            progress.update(task, completed=i)
            else:
                _load_sqlite(raw, table, rows, progress, task)
            raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        conn.execute(text(f'ANALYZE "{table}"'))


def _load_sqlite(raw: Any, table: str, rows: Iterator[tuple[Any, ...]], progress: Progress, task: Any) -> None:
    def stored(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(int(v * 100) if isinstance(v, Decimal) else
                     v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                     if isinstance(v, datetime) else int(v) if isinstance(v, bool) else v for v in row)

    sql = f'INSERT INTO "{table}" ({", ".join(COLUMNS)}) VALUES ({", ".join("?" for _ in COLUMNS)})'
    raw.cursor().execute("BEGIN")  # the driver is in autocommit mode: one transaction, not one per row
    batch: list[tuple[Any, ...]] = []
    done = 0
    for row in rows:
        batch.append(stored(row))
        if len(batch) == 20000:
            raw.cursor().executemany(sql, batch)
            done += len(batch)
            progress.update(task, completed=done)
            batch = []
    raw.cursor().executemany(sql, batch)


def hand_sql(table: str, dialect: str) -> dict[str, str]:
    t, live = f'"{table}"', "deleted_at IS NULL"
    month = ("date_trunc('month', timezone('Asia/Shanghai', opened_at))" if dialect == "postgresql"
             else "date(datetime(opened_at, '+480 minutes'), 'start of month')")
    pivot = (f"SELECT region, product, count(*), sum(amount) FROM {t} WHERE {live} "
             "GROUP BY GROUPING SETS ((region, product), (region), (product), ())" if dialect == "postgresql" else
             " UNION ALL ".join(f"SELECT {a}, {b}, count(*), sum(amount) FROM {t} WHERE {live}{g}" for a, b, g in (
                 ("region", "product", " GROUP BY 1, 2"), ("region", "NULL", " GROUP BY 1"),
                 ("NULL", "product", " GROUP BY 2"), ("NULL", "NULL", ""))))
    return {
        "volume": f"SELECT category, {month}, count(*) FROM {t} WHERE {live} GROUP BY 1, 2",
        "sla": f"SELECT priority, count(*), count(CASE WHEN sla_met THEN 1 END) FROM {t} WHERE {live} GROUP BY 1",
        "minutes": f"SELECT dept_id, avg(work_minutes) FROM {t} WHERE {live} GROUP BY 1",
        "top10": (f"SELECT CASE WHEN category IN (SELECT v FROM (SELECT category AS v, row_number() OVER "
                  f"(ORDER BY count(*) DESC, category) AS rn FROM {t} WHERE {live} AND category IS NOT NULL "
                  f"GROUP BY 1) AS ranked WHERE rn <= 10) THEN category ELSE '__others__' END, count(*) "
                  f"FROM {t} WHERE {live} GROUP BY 1"),
        "pivot": pivot,
    }


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def time_reports(world: World, repeat: int) -> tuple[float, float]:
    table = hand_sql(world_table(world), world.engine.dialect.name)
    ours = theirs = 0.0

    def engine_run(key: str) -> None:
        with world.engine.connect() as conn, conn.begin():
            run_report(conn, world.admin, load_runtime(conn, world.admin, "complaints"), key, {})

    def hand_run(key: str) -> None:
        with world.engine.connect() as conn, conn.begin():
            conn.execute(text(table[key])).all()

    for key in TIMED:
        a, b = median_time(lambda k=key: engine_run(k), repeat), median_time(lambda k=key: hand_run(k), repeat)
        note(f"  {key:8s} engine {a * 1000:8.1f} ms   hand SQL {b * 1000:8.1f} ms   ratio {a / b:.2f}")
        ours, theirs = ours + a, theirs + b
    return ours, theirs


def world_table(world: World) -> str:
    with world.engine.connect() as conn:
        return load_runtime(conn, world.admin, "complaints").form("complaint").table.name


def pandas_reference(world: World) -> None:
    import pandas as pd

    with world.engine.connect() as conn:
        start = time.perf_counter()
        frame = pd.read_sql(text(f'SELECT category, priority, region, product, amount, opened_at, sla_met, '
                                 f'work_minutes, dept_id FROM "{world_table(world)}"'), conn)
        loaded = time.perf_counter() - start
    start = time.perf_counter()
    opened = pd.to_datetime(frame["opened_at"], utc=True).dt.tz_convert("Asia/Shanghai")
    frame.groupby([frame["category"], opened.dt.strftime("%Y-%m")]).size()
    frame.groupby("priority")["sla_met"].agg(["size", "sum"])
    frame.groupby("dept_id")["work_minutes"].mean()
    frame["category"].value_counts()
    frame.pivot_table(index="region", columns="product", values="amount", aggfunc=["count", "sum"], margins=True)
    note(f"  pandas reference: read {len(frame)} rows in {loaded:.2f} s, the five groupbys in "
         f"{time.perf_counter() - start:.3f} s (data already in memory)")


def time_dashboard(world: World, repeat: int) -> float:
    token = world.token("admin", ("records:read",))
    body = {"filters": {"period": "last_30_days"}}
    with world.client() as client:
        def once() -> None:
            response = client.post("/api/v1/apps/complaints/dashboards/cockpit/run", json=body,
                                   headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            assert not [w for w in response.json()["widgets"] if "error" in w], response.text
        return median_time(once, repeat)


def export_child(kind: str, url: str, org_id: int, admin_id: int, out: str) -> None:
    """Run in a fresh interpreter: one export, then print this process's peak resident memory."""
    from dajian.platform.db import make_engine
    from dajian.platform.principal import Principal

    engine = make_engine(url)
    before = _peak_mb()
    admin = Principal(user_id=admin_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
    with engine.connect() as conn, conn.begin(), open(out, "wb") as handle:
        runtime = load_runtime(conn, admin, "complaints")
        if kind == "ours":
            rows = export_report(conn, admin, runtime, "big_list", {}, lang="en",
                                 write=lambda table: write_xlsx(table, handle, title="All"))
        else:
            rows = _plain_export(conn, runtime.form("complaint").table, handle)
    print(rows, before, _peak_mb())


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: per process image; ru_maxrss would include the
    parent's memory at fork time)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _plain_export(conn: Any, table: Any, handle: Any) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("All")
    ws.append(["id", "category", "priority", "region", "product", "amount"])
    query = select(table.c.id, table.c.category, table.c.priority, table.c.region, table.c.product,
                   table.c.amount).where(table.c.deleted_at.is_(None))
    rows = 0
    for row in conn.execute(query.execution_options(yield_per=2000)):
        ws.append(list(row))
        rows += 1
    wb.save(handle)
    return rows


def export_peaks(world: World) -> tuple[float, float, int, float]:
    """Peak resident memory (MB) of a fresh process exporting the big list: ours, plain openpyxl; and
    the rows and our export's seconds."""
    peaks: dict[str, tuple[int, float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("ours", "plain"):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, __file__, "--export-child", kind, str(world.engine.url
                                   .render_as_string(hide_password=False)), str(world.org_id),
                                   str(world.admin.user_id), str(Path(tmp) / f"{kind}.xlsx")],
                                  capture_output=True, text=True, check=True)
            rows, before, peak = done.stdout.split()[-3:]
            peaks[kind] = (int(rows), float(peak), time.perf_counter() - start, float(before))
            note(f"  {kind} export: {rows} rows in {peaks[kind][2]:.1f} s, peak RSS {float(peak):.1f} MB "
                 f"({float(peak) - float(before):+.1f} MB over the process before the export)")
    return peaks["ours"][1], peaks["plain"][1], peaks["ours"][0], peaks["ours"][2]


def main() -> None:
    args = parse_args(__doc__ or "")
    for backend in backends(args):
        n = 50_000 if args.quick else 1_000_000 if backend == "postgresql" else 200_000
        with database(backend) as url:
            start = time.perf_counter()
            world = make_world(url, departments=8)
            note(f"[{backend}] set up in {time.perf_counter() - start:.1f} s")
            with world.engine.begin() as conn:
                import_definition(conn, world.admin, app_doc())
            start = time.perf_counter()
            load(world.engine, world_table(world), generate(n, world.dept_ids, world.admin.user_id), n)
            note(f"[{backend}] loaded {n} complaints in {time.perf_counter() - start:.1f} s")
            load_note(backend)
            start = time.perf_counter()
            ours, theirs = time_reports(world, 3 if args.quick else 5)
            note(f"  (reports timed in {time.perf_counter() - start:.1f} s)")
            result("reports_vs_sql", ours, theirs, "<=1.3", db=backend, rows=str(n))
            pandas_reference(world)
            if backend == "postgresql":
                result("dashboard_ms", time_dashboard(world, 5) * 1000, 1000, "<1", db=backend, widgets="8")
            peak, plain, rows, seconds = export_peaks(world)
            note(f"  export of {rows} rows in {seconds:.1f} s: peak resident memory of the exporting process "
                 f"{peak:.1f} MB (ours), {plain:.1f} MB (plain openpyxl write-only, same columns)")
            result("export_peak_mb", peak, 300, "<1", db=backend, rows=str(rows))
            world.engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export-child"]:
        export_child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        main()
