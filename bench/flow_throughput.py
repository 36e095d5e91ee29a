"""Completed flow instances per second: a 5-node approval flow (start, 3 approvals, end) driven
through the flow service (one transaction to start, one per approval), against a hand-written
baseline that does the same state updates and inserts with plain SQL.

    .venv/bin/python bench/flow_throughput.py [--quick] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from _common import backends, database, load_note, note, parse_args, result

from dajian.platform.apps import import_definition, load_runtime
from dajian.platform.audit import write_audit
from dajian.platform.auth import create_organisation, create_user
from dajian.platform.clock import utcnow
from dajian.platform.db import make_engine
from dajian.platform.flows import service
from dajian.platform.flows.tables import flow_events, flow_instances, flow_tasks
from dajian.platform.migrate import upgrade
from dajian.platform.principal import Principal
from dajian.platform.records import create_records, form_context

APPROVALS = ("a1", "a2", "a3")
ROUNDS = 6


def app_doc(approver: int) -> dict[str, Any]:
    nodes = [{"id": "start", "kind": "start"}]
    nodes += [{"id": a, "kind": "approval", "assignee": {"strategy": "users", "users": [approver]}} for a in APPROVALS]
    nodes.append({"id": "end", "kind": "end", "outcome": "approved"})
    ids = [n["id"] for n in nodes]
    flow = {"key": "approve", "label": {"en": "Approve"}, "form": "req", "nodes": nodes,
            "edges": [{"source": s, "target": t} for s, t in itertools.pairwise(ids)]}
    return {"schema_version": 1, "key": "bench", "label": {"en": "Bench"}, "flows": [flow],
            "forms": [{"key": "req", "label": {"en": "Request"},
                       "fields": [{"key": "title", "kind": "text", "label": {"en": "Title"}}]}]}


def setup(engine: Engine) -> tuple[Principal, int, int]:
    with engine.begin() as conn:
        org_id = create_organisation(conn, key=f"b{secrets.token_hex(3)}", name="bench")
        user_id = create_user(conn, org_id=org_id, username="admin", password="x" * 12, is_org_admin=True)
        principal = Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=True, via="system")
        import_definition(conn, principal, app_doc(user_id))
        runtime = load_runtime(conn, principal, "bench")
    return principal, runtime.app_id, runtime.version_id


def make_records(engine: Engine, principal: Principal, n: int) -> list[int]:
    with engine.begin() as conn:
        ctx = form_context(conn, principal, load_runtime(conn, principal, "bench"), "req", "create")
        return [int(r["id"]) for r in create_records(conn, ctx, [{"title": f"r{i}"} for i in range(n)])]


def ours(engine: Engine, principal: Principal, records: list[int]) -> float:
    """Seconds to run ``records`` through the flow service."""
    started = time.perf_counter()
    for record_id in records:
        with engine.begin() as conn:
            instance_id = service.start_instance(conn, principal, "bench", "approve", record_id)
        for _ in APPROVALS:
            with engine.begin() as conn:
                task = conn.execute(select(flow_tasks.c.id).where(flow_tasks.c.instance_id == instance_id,
                                                                  flow_tasks.c.status == "pending")).scalar_one()
                service.act_on_task(conn, principal, task, action="approve")
    return time.perf_counter() - started


def _event(conn: Connection, principal: Principal, app_id: int, instance_id: int, record_id: int, action: str,
           task_id: int | None) -> None:
    conn.execute(insert(flow_events).values(org_id=principal.org_id, instance_id=instance_id, at=utcnow(),
                                            actor_id=principal.user_id, action=action, task_id=task_id, payload={}))
    write_audit(conn, org_id=principal.org_id, actor_id=principal.user_id, entity="flow", action=action,
                app_id=app_id, form_key="req", record_id=record_id, changes={"instance": instance_id})


def baseline(engine: Engine, principal: Principal, ids: tuple[int, int], records: list[int]) -> float:
    """Seconds to write the same rows by hand: instance, tasks, events, audit, state JSON."""
    app_id, version_id = ids
    started = time.perf_counter()
    for record_id in records:
        with engine.begin() as conn:
            now = utcnow()
            instance_id = conn.execute(insert(flow_instances).values(
                org_id=principal.org_id, app_id=app_id, version_id=version_id, flow_key="approve", form_key="req",
                record_id=record_id, state="running", data={"node": "a1"}, lock_version=1,
                started_by=principal.user_id, started_at=now).returning(flow_instances.c.id)).scalar_one()
            conn.execute(insert(flow_tasks).values(org_id=principal.org_id, instance_id=instance_id, task_key="a1",
                                                   node_id="a1", role="approval", assignee_id=principal.user_id,
                                                   status="pending", created_at=now, escalation_level=0))
            _event(conn, principal, app_id, instance_id, record_id, "start", None)
        for i, node in enumerate(APPROVALS):
            with engine.begin() as conn:
                _hand_approve(conn, principal, app_id, instance_id, record_id, node, i)
    return time.perf_counter() - started


def _hand_approve(conn: Connection, principal: Principal, app_id: int, instance_id: int, record_id: int,
                  node: str, i: int) -> None:
    query = select(flow_instances).where(flow_instances.c.id == instance_id)
    row = conn.execute(query.with_for_update() if conn.dialect.name == "postgresql" else query).mappings().one()
    data = json.loads(json.dumps(row["data"]))
    task_id = conn.execute(select(flow_tasks.c.id).where(flow_tasks.c.instance_id == instance_id,
                                                         flow_tasks.c.task_key == node)).scalar_one()
    now = utcnow()
    conn.execute(update(flow_tasks).where(flow_tasks.c.id == task_id).values(
        status="done", decision="approve", acted_by=principal.user_id, acted_at=now, working_minutes=0.0))
    done = i == len(APPROVALS) - 1
    if not done:
        nxt = APPROVALS[i + 1]
        conn.execute(insert(flow_tasks).values(org_id=principal.org_id, instance_id=instance_id, task_key=nxt,
                                               node_id=nxt, role="approval", assignee_id=principal.user_id,
                                               status="pending", created_at=now, escalation_level=0))
    data["node"] = None if done else APPROVALS[i + 1]
    values: dict[str, Any] = {"data": data, "lock_version": row["lock_version"] + 1}
    if done:
        values.update(state="completed", outcome="approved", ended_at=now)
    conn.execute(update(flow_instances).where(flow_instances.c.id == instance_id,
                                              flow_instances.c.lock_version == row["lock_version"]).values(**values))
    _event(conn, principal, app_id, instance_id, record_id, "approve", task_id)


def run(backend: str, n: int) -> None:
    with database(backend) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            principal, app_id, version_id = setup(engine)
            ours(engine, principal, make_records(engine, principal, 5))  # caches: compiled plan and runtime
            baseline(engine, principal, (app_id, version_id), make_records(engine, principal, 5))
            # Interleaved rounds, alternating which goes first, so both see the same machine load.
            spent = {"ours": 0.0, "base": 0.0}
            for i in range(ROUNDS):
                batch = {k: make_records(engine, principal, n // ROUNDS) for k in spent}
                for k in sorted(spent, reverse=i % 2 == 1):
                    spent[k] += (ours(engine, principal, batch[k]) if k == "ours"
                                 else baseline(engine, principal, (app_id, version_id), batch[k]))
            done = ROUNDS * (n // ROUNDS)
            result("flow_completed", done / spent["ours"], done / spent["base"], ">=0.5", db=backend)
        finally:
            engine.dispose()


def main() -> None:
    args = parse_args(__doc__ or "")
    load_note("flow_throughput")
    n = 60 if args.quick else 400
    for backend in backends(args):
        note(f"[flow_throughput] {backend}: {n} instances of start + 3 approvals + end")
        run(backend, n)


if __name__ == "__main__":
    main()
