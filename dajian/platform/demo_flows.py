"""Demo flow runs: records made at their own (backdated) time, so their flow starts then, and each
run driven through the flow service, as its assignees would, to a stage drawn from the spec.

One entry of the demo spec's ``flows`` list (see ``dajian.platform.demo``) becomes a ``FlowRuns``.
Nothing here knows any particular app: stages are node ids of the named flow, fields to fill are
value specs of the generator.

Time is simulated on the platform clock (a ``ManualClock``, the previous clock put back at the
end): every creation and every action happens at its own moment, in time order across all runs,
so records, tasks, the event log, audit entries and SLA jobs carry those moments. Warning and
breach jobs whose due time has passed stay pending; the first worker that runs after the demo
(``dajian serve`` runs one in-process) fires them, giving realistic warning and breached states.
Timer nodes the drive must pass are fired here at their due time (their job is cancelled).
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select

from dajian.engines.flow import RunState, load_state
from dajian.platform import jobs as job_queue
from dajian.platform.clock import ManualClock, clock_in_context, utcnow
from dajian.platform.errors import Invalid
from dajian.platform.flows.apply import job_key
from dajian.platform.flows.plans import flow_doc
from dajian.platform.flows.service import act_on_task, start_instance
from dajian.platform.flows.tables import flow_instances, flow_tasks
from dajian.platform.flows.timers import on_timer
from dajian.platform.models import jobs
from dajian.platform.principal import Principal
from dajian.platform.records import form_context, update_record

if TYPE_CHECKING:
    from dajian.platform.demo import DemoGenerator, Row

Event = Callable[[Connection], datetime | None]
MAX_STEPS = 100  # actions per run: a guard against a fill that keeps a loop going
COMMIT_EVERY = 0.5  # seconds of work per transaction
TIMER_JOB = "flow.timer"


@dataclass
class Run:
    """One record's way through the flow: its values, its drawn stage (a node id), its ids once made."""

    row: Row
    stage: str
    record_id: int = 0
    instance_id: int = 0
    steps: int = 0


class FlowRuns:
    """Records of one form in one flow, each driven to a stage drawn from ``stop_at``."""

    def __init__(self, gen: DemoGenerator, form_key: str, body: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        self.gen, self.form_key, self.spec = gen, form_key, spec
        self.flow_key = str(spec.get("flow"))
        self.backdate, self.owner_field = body.get("backdate"), body.get("owner_field")
        doc = flow_doc(gen.runtime.definition, self.flow_key)
        self.nodes: dict[str, Mapping[str, Any]] = {str(n["id"]): n for n in doc["nodes"]}
        self.depth = depths(doc)
        self.stop_at: dict[str, float] = {str(k): float(v) for k, v in spec.get("stop_at", {}).items()}
        self.fill: dict[str, Mapping[str, Any]] = dict(spec.get("fill", {}))
        self.fields: dict[str, Any] = {**body.get("fields", {}), **spec.get("fields", {})}
        low, high = spec.get("step_minutes", [20, 600])
        self.steps, self.skew = (float(low), float(high)), float(spec.get("skew", 1))
        self._check(doc)

    def _check(self, doc: Mapping[str, Any]) -> None:
        where = f"demo spec flows '{self.flow_key}'"
        if not self.backdate:
            raise ValueError(f"{where}: form '{self.form_key}' needs 'backdate' (the records' start time)")
        if doc.get("form") != self.form_key:
            raise ValueError(f"{where}: the flow belongs to form '{doc.get('form')}', not '{self.form_key}'")
        if not self.stop_at:
            raise ValueError(f"{where}: 'stop_at' names no stage")
        for node in [*self.stop_at, *self.fill]:
            if node not in self.nodes:
                raise ValueError(f"{where}: the flow has no node '{node}'")
        for node, values in self.fill.items():
            editable = (self.nodes[node].get("fields") or {}).get("editable")
            extra = sorted(set(values) - set(editable)) if editable is not None else []
            if extra:
                raise ValueError(f"{where}: fields {extra} are not editable at node '{node}'")

    def size(self, total: int) -> int:
        """``count`` records, or ``share`` of the form's ``total``; never more than ``total``."""
        wanted = self.spec["count"] if "count" in self.spec else round(total * float(self.spec.get("share", 0)))
        return max(0, min(int(wanted), total))

    def schedule(self, timeline: Timeline, count: int, first_seq: int, done: Callable[[], None]) -> None:
        """Make ``count`` records and put their runs on the timeline, from the moment each came in;
        ``done`` is called as each run comes to rest."""
        runs = self._plan([self.gen.record(self.form_key, self.fields, first_seq + i) for i in range(count)])
        for run in runs:
            timeline.at(self._start(run), partial(self._advance, run, done))

    def _advance(self, run: Run, done: Callable[[], None], conn: Connection) -> datetime | None:
        following = self._step(conn, run)
        if following is not None and following <= self.gen.now and run.steps < MAX_STEPS:
            return following
        done()
        return None

    def _plan(self, rows: list[Row]) -> list[Run]:
        """A stage per record, in proportion to the weights (largest remainders first, so that each stage
        whose share is at least one record has one: independent draws left a stage empty about one time
        in fourteen with 36 runs over 14 stages, and the demo then showed no one at it); the oldest
        records get the furthest stages (work is done in order), so early stages hold recent records and
        SLA figures stay plausible."""
        names, weights = list(self.stop_at), list(self.stop_at.values())
        stages = sorted((names[i] for i in _apportion(len(rows), weights)), key=lambda s: -self.depth[s])
        rows = sorted(rows, key=self._start_of)
        return [Run(row, stage) for row, stage in zip(rows, stages, strict=True)]

    def _start_of(self, row: Row) -> datetime:
        value = row.get(str(self.backdate))
        if not isinstance(value, datetime):
            raise ValueError(f"demo spec flows '{self.flow_key}': '{self.backdate}' gives no date-time")
        return value

    def _start(self, run: Run) -> datetime:
        return self._start_of(run.row)

    # -- one step of one run, at the clock's time --------------------------------------------

    def _step(self, conn: Connection, run: Run) -> datetime | None:
        """Create the record or take its next action; when to come back (``None``: at rest)."""
        if not run.record_id:
            self._create(conn, run)
            return self._later()
        run.steps += 1
        state, data = conn.execute(select(flow_instances.c.state, flow_instances.c.data)
                                   .where(flow_instances.c.id == run.instance_id)).one()
        flow = load_state(data)
        if state != "running" or self._reached(flow, run.stage):
            return None
        task = self._next_task(conn, run.instance_id)
        if task is not None:
            self._act(conn, run, task)
            return self._later()
        timer = next(iter(flow.timers), None)
        return None if timer is None else self._timer(conn, run, str(timer))

    def _later(self) -> datetime:
        low, high = self.steps
        minutes = low + (high - low) * self.gen.rng.random() ** self.skew
        return utcnow() + timedelta(minutes=minutes)

    def _reached(self, flow: RunState, stage: str) -> bool:
        """At the stage, or as far from the start on another branch."""
        here = [self.depth.get(node, 0) for node in flow.tokens.values()]
        return max(here, default=-1) >= self.depth[stage]

    def _create(self, conn: Connection, run: Run) -> None:
        run.record_id = self.gen.insert(self.form_key, [run.row], self.owner_field, self.backdate, conn=conn)[0]
        found = conn.execute(select(flow_instances.c.id).where(
            flow_instances.c.app_id == self.gen.runtime.app_id, flow_instances.c.flow_key == self.flow_key,
            flow_instances.c.record_id == run.record_id, flow_instances.c.state == "running")).scalar()
        if found is None:  # no rule started it: start it as the record's owner would
            owner = run.row.get(self.owner_field) if self.owner_field else None
            starter = self._person(owner) if isinstance(owner, int) else self.gen.principal
            found = start_instance(conn, starter, self.gen.app_key, self.flow_key, run.record_id)
        run.instance_id = int(found)

    def _next_task(self, conn: Connection, instance_id: int) -> Any:
        tasks = conn.execute(select(flow_tasks.c.id, flow_tasks.c.node_id, flow_tasks.c.assignee_id).where(
            flow_tasks.c.instance_id == instance_id, flow_tasks.c.status == "pending")).all()
        return min(tasks, key=lambda t: (self.depth.get(t.node_id, 0), t.id), default=None)

    def _act(self, conn: Connection, run: Run, task: Any) -> None:
        """Fill the node's fields and approve, as the task's assignee."""
        person = self._person(int(task.assignee_id))
        try:
            if task.node_id in self.fill:
                self._write(conn, person, run.record_id, self.fill[task.node_id])
            act_on_task(conn, person, int(task.id), action="approve")
        except Invalid as exc:
            raise ValueError(f"demo spec flows '{self.flow_key}': cannot complete '{task.node_id}' on record "
                             f"{run.record_id}: {exc} {exc.errors}") from exc

    def _write(self, conn: Connection, person: Principal, record_id: int, specs: Mapping[str, Any]) -> None:
        ctx = form_context(conn, person, self.gen.runtime, self.form_key, "update")
        row = dict(conn.execute(select(ctx.table).where(ctx.table.c.id == record_id)).mappings().one())
        form = self.gen.form = self.gen.runtime.form(self.form_key)
        values: dict[str, Any] = {}
        for key, spec in specs.items():
            value = self.gen.value(self.gen.case_for(spec, row), form.fields[key], row, {}, record_id)
            if value is not None:
                row[key] = values[key] = value
        if values:
            update_record(conn, ctx, record_id, values, row_version=int(row["row_version"]))

    def _timer(self, conn: Connection, run: Run, token: str) -> datetime | None:
        """Fire the run's timer once due (its job is cancelled: fired here); before that, come back then."""
        prefix = job_key(run.instance_id, "timer", token)
        rows = conn.execute(select(jobs.c.id, jobs.c.due_at, jobs.c.payload).where(
            jobs.c.kind == TIMER_JOB, jobs.c.status == "pending", jobs.c.idempotency_key.startswith(prefix))).all()
        row = next((r for r in rows if r.payload.get("timer") == token), None)
        if row is None:
            return None
        if row.due_at > utcnow():
            run.steps -= 1  # waiting is not an action
            return row.due_at  # type: ignore[no-any-return]
        job = job_queue.get_job(conn, int(row.id))
        assert job is not None
        on_timer(conn, dict(row.payload), job)
        job_queue.cancel(conn, job_id=int(row.id))
        return self._later()

    def _person(self, user_id: int) -> Principal:
        """The user at their desk: their own permissions and the flow's field rules apply."""
        return Principal(user_id=user_id, org_id=self.gen.principal.org_id,
                         dept_id=self.gen.people.user_depts.get(user_id), is_org_admin=False, via="session")


def _apportion(count: int, weights: Sequence[float]) -> list[int]:
    """``count`` indexes of ``weights``, each as often as its share (Hamilton's largest-remainder method)."""
    total = sum(weights)
    if count <= 0 or total <= 0:
        return []
    exact = [count * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[:count - sum(counts)]:
        counts[i] += 1
    return [i for i, n in enumerate(counts) for _ in range(n)]


class Timeline:
    """What happens in the invented history (records coming in, runs taking their next step), done in
    time order on the platform clock, so each rule sees only what had happened by then."""

    def __init__(self, bind: Engine | Connection, now: datetime) -> None:
        self.bind, self.now = bind, now
        self.events: list[tuple[datetime, int, Event]] = []
        self.order = itertools.count()  # ties keep the order they were put in

    def at(self, when: datetime, event: Event) -> None:
        """``event`` runs at ``when`` and answers when it runs again (``None``: never)."""
        heapq.heappush(self.events, (when, next(self.order), event))

    def run(self) -> None:
        """The events in time order, on a clock of this context's own (requests beside it keep the real time).
        On an Engine, one transaction per COMMIT_EVERY seconds of work; on a Connection, the caller's."""
        clock = ManualClock(self.now)
        with clock_in_context(clock):
            if isinstance(self.bind, Connection):
                self._events(self.bind, clock, commit=False)
                return
            with self.bind.connect() as conn:
                self._events(conn, clock, commit=True)
                conn.commit()

    def _events(self, conn: Connection, clock: ManualClock, *, commit: bool) -> None:
        committed = time.monotonic()
        while self.events:
            at, _, event = heapq.heappop(self.events)
            clock.set(at)
            following = event(conn)
            if following is not None:
                self.at(following, event)
            if commit and time.monotonic() - committed > COMMIT_EVERY:
                conn.commit()
                committed = time.monotonic()


def depths(doc: Mapping[str, Any]) -> dict[str, int]:
    """Each node's distance in edges from the start node (breadth first, so loops back count as
    the shorter way): ``start → a → b`` with ``b → a`` gives ``{"start": 0, "a": 1, "b": 2}``."""
    start = next(str(n["id"]) for n in doc["nodes"] if n.get("kind") == "start")
    following: dict[str, list[str]] = {}
    for edge in doc.get("edges", []):
        following.setdefault(str(edge["source"]), []).append(str(edge["target"]))
    found, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        for nxt in following.get(node, []):
            if nxt not in found:
                found[nxt] = found[node] + 1
                queue.append(nxt)
    return found
