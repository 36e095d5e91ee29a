"""Demo data for any app, driven by a JSON spec shipped with its template (``demo.json``).

The spec names, per form, how many records to make and how to fill each field; nothing here
knows any particular app. Fields are generated in the spec's order, so a field may use those
before it::

    {"words": {"surname": ["王", "李"], "given": ["芳", "伟"]},
     "forms": {
       "person": {"count": 200, "fields": {
         "name":   {"template": "{surname}{given}"},
         "level":  {"weights": {"normal": 80, "vip": 20}}}},
       "visit": {"count": 5000, "owner_field": "host", "backdate": "arrived_at", "fields": {
         "person":     {"ref": "person"},
         "phone":      {"ref_value": "person.phone"},
         "arrived_at": {"date": {"within_days": 182, "weekday_weights": [1, 1, 1, 1, 1, 0.3, 0.2],
                                 "hour_weights": [0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 2, 1, 2, 3, 3, 2, 1, ...]}},
         "host":       {"user": {"role": "reception"}},
         "team":       {"dept_of": "host"},
         "left_at":    {"after": "arrived_at", "minutes": [10, 240], "skew": 2,
                        "when": "IN(status, \"done\")"},
         "fee":        {"range": [0, 500], "decimals": 2, "null_ratio": 0.3}}}}}

Value specs (one of): ``value``; ``weights`` {text: weight}; ``choices`` [[any JSON value, weight], …];
with ``pick`` [min, max] either gives a list of distinct choices; ``range`` [lo, hi] with
``decimals`` and ``skew`` (u**skew pulls values towards lo); ``date`` (``within_days`` back from
now, weekday and local-hour weights, never later than now, ``"as": "date"``); ``after`` a field or ``relation.field``
plus ``minutes`` (never later than now); ``ref`` a form (``where`` a condition on its rows,
``match`` {its field: my field}); ``ref_value`` ``relation.field``;
``working_minutes`` {from, to, calendar} (working minutes between two date-time fields on a
calendar of the app's settings, as the flow engine counts them); ``user`` {role}; ``dept_of``
a user field; ``template`` with ``{word_list}``, ``{seq}``/``{seq:06}``, ``{digits:8}``,
``{label:field}`` (option label) and ``{ref:relation.field}``. Any spec may add ``when`` (a
condition on the fields generated before it) and ``null_ratio``; a list of specs gives cases, the
first whose ``when`` holds is used (e.g. old records mostly closed). Conditions (``when``, a ref's
``where``) are the expression language — formula text such as ``"IN(status, \"done\")"`` or
``"received_at < NOW() - 30"``, or its JSON AST — checked against the form before anything is
made (``dajian.platform.demo_conditions``); ``NOW()`` is the generator's now.

Records go in through the record service (``create_records``) in batches of 500; ``owner_field``
makes the user in that field the record's owner (so department scopes see realistic data) and
``backdate`` copies a date-time field (a date: the start of that local day) into
``created_at``/``updated_at``.

Open work: the optional ``flows`` list gives a share of a form's records (``share`` of its
``count``, or a fixed ``count``, taken out of it) a flow run, stopped at a stage drawn from
``stop_at`` (node ids with weights; ``end`` lets runs finish)::

    "flows": [{"form": "visit", "flow": "check_in", "share": 0.03,
               "fields":   {"arrived_at": {"date": {"within_days": 10}}, "status": {"value": "new"}},
               "stop_at":  {"register": 30, "approve": 20, "badge_wait": 10, "end": 5},
               "fill":     {"register": {"host": {"user": {"role": "reception"}}},
                            "approve":  {"badge": {"template": "B{digits:4}"}}},
               "step_minutes": [15, 480], "skew": 2}]

``fields`` replaces value specs of the form for these records (a fresh start: status, no outcome).
These records come first, each created with the platform clock at its ``backdate`` time, so the
rules that start the flow on creation start it then (the generator starts it itself when none
does) and rules counting recent records see only earlier ones. Then, in time order across all
runs, each run takes one action per ``step_minutes`` (``skew`` as for ``range``):
its open task nearest the start is approved by its assignee, as that user, after writing the
node's ``fill`` fields (value specs, evaluated on the record as it is; only fields the node lets
its assignee edit); a timer node fires at its due time. A run rests once any of its tokens is as
far from the start (in edges) as its stage, when it ends, or when its next action would be later
than now. Stages are dealt oldest record first to the stage furthest from the start, so early
stages hold the recent records. Warning and breach jobs already due then fire when a worker runs
(``dajian serve`` runs one), giving realistic SLA states. See ``dajian.platform.demo_flows``.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, bindparam, func, or_, select, update

from dajian.engines.flow.calendar import BusinessCalendar
from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.model import FieldDef
from dajian.platform import apps as app_service
from dajian.platform.auth import create_user
from dajian.platform.clock import ManualClock, set_clock, utcnow
from dajian.platform.demo_conditions import Conditions, spec_conditions
from dajian.platform.demo_flows import FlowRuns
from dajian.platform.directory import create_department, grant_role, set_department_manager
from dajian.platform.models import departments, jobs, users
from dajian.platform.principal import Principal
from dajian.platform.records import create_records, form_context
from dajian.platform.templates import Seed, load_template

BATCH = 500
QUIET_KINDS = ("notify", "notify.digest", "webhook")  # messages about the invented history
Progress = Callable[[str, int, int], None]
Row = dict[str, Any]
_TOKEN = re.compile(r"\{(\w+)(?::([\w.]+))?\}")


@dataclass
class People:
    """Who the seed created: ids by username, role members, department ids and each user's department."""

    users: dict[str, int] = field(default_factory=dict)
    roles: dict[str, list[int]] = field(default_factory=dict)
    depts: dict[str, int] = field(default_factory=dict)
    user_depts: dict[int, int | None] = field(default_factory=dict)


def install_seed(engine: Engine, principal: Principal, app_key: str, seed: Seed, *, password: str) -> People:
    """Create the seed's departments, users, role memberships and records; what exists is kept."""
    people = People()
    with engine.begin() as conn:
        for dept in seed.departments:
            found = conn.execute(select(departments.c.id).where(
                departments.c.org_id == principal.org_id, departments.c.key == dept["key"])).scalar()
            if found is None:
                parent = people.depts.get(dept["parent"]) if dept.get("parent") else None
                found = create_department(conn, principal, key=dept["key"], name=dept.get("name", dept["key"]),
                                          parent_id=parent)["id"]
            people.depts[dept["key"]] = int(found)
        for person in seed.users:
            dept_id = people.depts.get(person["dept"]) if person.get("dept") else None
            found = conn.execute(select(users.c.id).where(
                users.c.org_id == principal.org_id, users.c.username == person["username"])).scalar()
            if found is None:
                found = create_user(conn, org_id=principal.org_id, username=person["username"], password=password,
                                    display_name=person.get("display_name"), email=person.get("email"),
                                    dept_id=dept_id)
            people.users[person["username"]] = int(found)
            people.user_depts[int(found)] = dept_id
            for role in person.get("roles", []):
                grant_role(conn, principal, user_id=int(found), app_key=app_key, role_key=role)
                people.roles.setdefault(role, []).append(int(found))
        for dept in seed.departments:
            if dept.get("manager") in people.users:
                set_department_manager(conn, principal, people.depts[dept["key"]], people.users[dept["manager"]])
    keys: dict[str, dict[str, int]] = {}
    for part in seed.records:
        keys[part.form] = _seed_records(engine, principal, app_key, part.form, part.rows, part.key_field, keys)
    return people


def _seed_records(engine: Engine, principal: Principal, app_key: str, form_key: str, rows: list[Row],
                  key_field: str | None, keys: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    with engine.begin() as conn:
        runtime = app_service.load_runtime(conn, principal, app_key)
        ctx = form_context(conn, principal, runtime, form_key, "create")
        table = ctx.table
        relations = {f.key: str((f.config or {}).get("form")) for f in ctx.form.form.fields if f.kind == "relation"}
        existing: dict[str, int] = {}
        if key_field:
            query = select(table.c.id, table.c[key_field]).where(table.c.deleted_at.is_(None))
            existing = {str(k): int(i) for i, k in conn.execute(query)}
        fresh = []
        for row in rows:
            if key_field and str(row.get(key_field)) in existing:
                continue
            values = {k: keys.get(relations[k], {}).get(str(v), v) if k in relations else v for k, v in row.items()}
            fresh.append(values)
        for start in range(0, len(fresh), BATCH):
            created = create_records(conn, ctx, fresh[start:start + BATCH])
            if key_field:
                existing.update({str(r[key_field]): int(r["id"]) for r in created})
    return existing


class DemoGenerator:
    """Fills an app's forms as its spec says, and drives its ``flows`` runs; ``run`` returns the number of
    records made per form (flow runs' records included)."""

    def __init__(self, engine: Engine, principal: Principal, app_key: str, spec: Mapping[str, Any], *,
                 people: People | None = None, seed: int = 7, now: datetime | None = None) -> None:
        self.engine, self.principal, self.app_key, self.spec = engine, principal, app_key, spec
        self.people = people or People()
        self.rng = random.Random(seed)
        self.now = now or utcnow()
        self.words: dict[str, list[str]] = dict(spec.get("words", {}))
        self.pools: dict[str, list[Row]] = {}
        with engine.connect() as conn:
            self.runtime = app_service.load_runtime(conn, principal, app_key)
        self.zone = ZoneInfo(self.runtime.definition.settings.timezone)
        self.form: CompiledForm | None = None
        self.conditions = Conditions(self.runtime, self.now)
        self._calendars: dict[str, BusinessCalendar] = {}
        for form_key, condition, where in spec_conditions(spec):  # every one checked before anything is made
            if form_key in self.runtime.forms:
                self.conditions.compiled(form_key, condition, where=where)

    def counts(self) -> dict[str, int]:
        return {key: int(body.get("count", 0)) for key, body in self.spec.get("forms", {}).items()}

    def run(self, on_progress: Progress | None = None) -> dict[str, int]:
        with self.engine.connect() as conn:
            mark = int(conn.execute(select(func.coalesce(func.max(jobs.c.id), 0))).scalar_one())
        made: dict[str, int] = {}
        for form_key, body in self.spec.get("forms", {}).items():
            made[form_key] = self.fill(form_key, body, on_progress)
        self._quiet_history(mark)
        return made

    def _quiet_history(self, mark: int) -> None:
        """The invented history sends nothing: its messages and its time rules already past are
        dropped. Flow timers and SLA jobs stay, so open work warns and breaches as it would."""
        with self.engine.begin() as conn:
            conn.execute(update(jobs).where(
                jobs.c.id > mark, jobs.c.org_id == self.principal.org_id, jobs.c.status == "pending",
                or_(jobs.c.kind.in_(QUIET_KINDS), and_(jobs.c.kind == "rules.timer", jobs.c.due_at <= self.now)))
                .values(status="cancelled", finished_at=utcnow()))

    def fill(self, form_key: str, body: Mapping[str, Any], on_progress: Progress | None = None) -> int:
        """Make the form's flow runs first (their rules then see only what came in before them, as
        they would have), then the rest in batches."""
        total, done = int(body.get("count", 0)), 0
        table = self.runtime.form(form_key).table
        flows = [FlowRuns(self, form_key, body, f) for f in self.spec.get("flows", []) if f.get("form") == form_key]
        with self.engine.connect() as conn:  # {seq} continues after the records already there
            first = int(conn.execute(select(func.count()).select_from(table)).scalar_one()) + 1

        def made(count: int) -> None:
            nonlocal done
            done += count
            if on_progress is not None:
                on_progress(form_key, done, total)

        for runs in flows:
            size = runs.size(total - done)
            runs.run(size, first + done, lambda: made(1))
        records = [self.record(form_key, body.get("fields", {}), n) for n in range(first + done, first + total)]
        backdate = body.get("backdate")
        for batch in self._by_day(records, backdate):
            with self._clock_at(batch[0].get(backdate) if backdate else None):
                self.insert(form_key, batch, body.get("owner_field"), backdate)
            made(len(batch))
        self.pools.pop(form_key, None)  # later references read the stored rows
        return done

    def _by_day(self, rows: list[Row], backdate: str | None) -> Iterator[list[Row]]:
        """Backdated rows in time order, in batches that never span two local days, so serial numbers
        carry the day the record says it came in and rules counting recent records see its past."""
        if not backdate:
            yield from _chunks(rows)
            return

        def when(row: Row) -> datetime:
            return self._moment(row.get(backdate)) or self.now

        ordered = sorted(rows, key=when)
        for _, day in itertools.groupby(ordered, key=lambda row: when(row).astimezone(self.zone).date()):
            yield from _chunks(list(day))

    def _moment(self, value: Any) -> datetime | None:
        """A date-time as it is; a date (a member since …) as the start of that local day."""
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=self.zone)
        return None

    @contextmanager
    def _clock_at(self, value: Any) -> Iterator[None]:
        at = self._moment(value)
        if at is None:
            yield
            return
        previous = set_clock(ManualClock(at))
        try:
            yield
        finally:
            set_clock(previous)

    def pick(self, weights: Sequence[float]) -> int:
        """A random index, each as likely as its weight."""
        return _weighted_index(self.rng, weights)

    def insert(self, form_key: str, batch: list[Row], owner_field: str | None, backdate: str | None, *,
               conn: Connection | None = None) -> list[int]:
        """Create the rows as their owners (``owner_field``), backdated, in ``conn``'s transaction or a
        new one; their ids, owner by owner."""
        if conn is None:
            with self.engine.begin() as fresh:
                return self.insert(form_key, batch, owner_field, backdate, conn=fresh)
        ids: list[int] = []
        groups: dict[int | None, list[Row]] = {}
        for row in batch:
            groups.setdefault(row.get(owner_field) if owner_field else None, []).append(row)
        runtime = app_service.load_runtime(conn, self.principal, self.app_key)
        for owner, rows in groups.items():
            principal = self.principal if owner is None else Principal(
                user_id=owner, org_id=self.principal.org_id, dept_id=self.people.user_depts.get(owner),
                is_org_admin=True, via="system")
            ctx = form_context(conn, principal, runtime, form_key, "create")
            created = create_records(conn, ctx, rows)
            ids += [int(r["id"]) for r in created]
            if backdate:
                moments = [(r["id"], self._moment(row.get(backdate))) for r, row in zip(created, rows, strict=True)]
                stamps = [{"rid": rid, "at": at} for rid, at in moments if at is not None]
                if stamps:
                    table = ctx.table
                    conn.execute(update(table).where(table.c.id == bindparam("rid"))
                                 .values(created_at=bindparam("at"), updated_at=bindparam("at")), stamps)
        return ids

    # -- one record -----------------------------------------------------------------------

    def record(self, form_key: str, fields: Mapping[str, Any], seq: int) -> Row:
        row: Row = {}
        refs: dict[str, Row] = {}
        form = self.form = self.runtime.form(form_key)
        for key, spec in fields.items():
            fdef = form.fields.get(key)
            if fdef is None:
                raise ValueError(f"demo spec: form '{form_key}' has no field '{key}'")
            value = self.value(self.case_for(spec, row), fdef, row, refs, seq)
            if value is not None:
                row[key] = value
        return row

    def case_for(self, spec: Mapping[str, Any] | Sequence[Mapping[str, Any]], row: Row) -> Mapping[str, Any]:
        """A list of specs is a list of cases: the first whose ``when`` holds (or that has none)."""
        if isinstance(spec, Mapping):
            return spec
        return next((case for case in spec if "when" not in case or self._holds(case["when"], row)),
                    {"value": None})

    def _holds(self, condition: Any, row: Row) -> bool:
        """``condition`` on the row being made, a record of the form being filled (``self.form``)."""
        assert self.form is not None
        return self.conditions.holds(self.form.form.key, condition, row)

    def value(self, spec: Mapping[str, Any], fdef: FieldDef, row: Row, refs: dict[str, Row], seq: int) -> Any:
        if "when" in spec and not self._holds(spec["when"], row):
            return None
        if self.rng.random() < float(spec.get("null_ratio", 0)):
            return None
        if "ref" in spec:
            target = self._pick_ref(spec, row)
            if target is not None:
                refs[fdef.key] = target
            return target["id"] if target else None
        return self._plain(spec, fdef, row, refs, seq)

    def _plain(self, spec: Mapping[str, Any], fdef: FieldDef, row: Row, refs: dict[str, Row], seq: int) -> Any:
        if "value" in spec:
            return spec["value"]
        if "weights" in spec or "choices" in spec:
            return self._choice(spec)
        if "range" in spec:
            return self._number(spec)
        if "date" in spec:
            return self._date(spec["date"])
        if "after" in spec:
            return self._after(spec, row, refs)
        if "working_minutes" in spec:
            return self._working_minutes(spec["working_minutes"], row, refs)
        if "ref_value" in spec:
            relation, _, name = str(spec["ref_value"]).partition(".")
            return refs.get(relation, {}).get(name)
        if "user" in spec:
            members = self.people.roles.get(spec["user"].get("role", ""), [])
            return self.rng.choice(members) if members else None
        if "dept_of" in spec:
            return self.people.user_depts.get(row.get(spec["dept_of"], -1))
        if "template" in spec:
            return self._template(str(spec["template"]), row, refs, seq)
        raise ValueError(f"demo spec for '{fdef.key}': no generator among {sorted(spec)}")

    def _choice(self, spec: Mapping[str, Any]) -> Any:
        pairs = list(spec["weights"].items()) if "weights" in spec else [tuple(c) for c in spec["choices"]]
        values, weights = [p[0] for p in pairs], [float(p[1]) for p in pairs]
        if "pick" not in spec:
            return values[_weighted_index(self.rng, weights)]
        low, high = spec["pick"]
        chosen: list[Any] = []
        for _ in range(self.rng.randint(int(low), int(high))):
            left = [w if v not in chosen else 0.0 for v, w in zip(values, weights, strict=True)]
            if sum(left) <= 0:
                break
            chosen.append(values[_weighted_index(self.rng, left)])
        return chosen

    def _number(self, spec: Mapping[str, Any]) -> Any:
        low, high = (Decimal(str(v)) for v in spec["range"])
        share = Decimal(str(self.rng.random() ** float(spec.get("skew", 1))))
        decimals = int(spec.get("decimals", 0))
        value = (low + (high - low) * share).quantize(Decimal(1).scaleb(-decimals))
        return int(value) if decimals == 0 else value

    def _date(self, spec: Mapping[str, Any]) -> Any:
        """A day (weekday weights) and a local hour (hour weights); a moment later than now is drawn again,
        so today holds only the hours that have passed."""
        days = int(spec.get("within_days", 182))
        weekday = [float(w) for w in spec.get("weekday_weights", [1] * 7)]
        hours = [float(w) for w in spec.get("hour_weights", [1] * 24)]
        today = self.now.astimezone(self.zone).date()
        moment = self.now
        for _ in range(100):
            for _ in range(1000):
                day = today - timedelta(days=self.rng.randint(0, days))
                if self.rng.random() * max(weekday) <= weekday[day.weekday()]:
                    break
            if spec.get("as") == "date":
                return day
            local = datetime(day.year, day.month, day.day, _weighted_index(self.rng, hours),
                             self.rng.randint(0, 59), self.rng.randint(0, 59), tzinfo=self.zone)
            moment = local.astimezone(UTC)
            if moment <= self.now:
                return moment
        return min(moment, self.now)

    def _after(self, spec: Mapping[str, Any], row: Row, refs: dict[str, Row]) -> Any:
        base = _lookup(str(spec["after"]), row, refs)
        if isinstance(base, date) and not isinstance(base, datetime):
            base = datetime(base.year, base.month, base.day, tzinfo=UTC)
        if not isinstance(base, datetime):
            return None
        low, high = spec.get("minutes", [0, 60])
        share = self.rng.random() ** float(spec.get("skew", 1))
        moment = base + timedelta(minutes=float(low) + (float(high) - float(low)) * share)
        moment = min(moment, self.now)
        return moment.date() if spec.get("as") == "date" else moment

    def _working_minutes(self, spec: Mapping[str, Any], row: Row, refs: dict[str, Row]) -> Any:
        """Working minutes between two date-time fields on the app's named calendar, as the flow
        engine counts them, so a duration never exceeds the wall-clock time it claims to measure."""
        start = _lookup(str(spec["from"]), row, refs)
        end = _lookup(str(spec["to"]), row, refs)
        if not isinstance(start, datetime) or not isinstance(end, datetime) or end < start:
            return None
        minutes = self._calendar(str(spec["calendar"])).working_minutes_between(start, end)
        return round(minutes, int(spec.get("decimals", 2)))

    def _calendar(self, name: str) -> BusinessCalendar:
        if name not in self._calendars:
            settings = self.runtime.definition.settings
            self._calendars[name] = BusinessCalendar.from_definition(
                {"timezone": settings.timezone, **settings.calendars[name]})
        return self._calendars[name]

    def _pick_ref(self, spec: Mapping[str, Any], row: Row) -> Row | None:
        pool = self._pool(str(spec["ref"]))
        where, match = spec.get("where"), spec.get("match", {})
        if where or match:
            key = repr((spec["ref"], where, sorted((k, row.get(v)) for k, v in match.items())))
            cached = self.pools.get(key)
            if cached is None:
                cached = [r for r in pool if (not where or self.conditions.holds(str(spec["ref"]), where, r))
                          and all(r.get(k) == row.get(v) for k, v in match.items())]
                self.pools[key] = cached
            pool = cached
        return self.rng.choice(pool) if pool else None

    def _pool(self, form_key: str) -> list[Row]:
        if form_key not in self.pools:
            table = self.runtime.form(form_key).table
            with self.engine.connect() as conn:
                query = select(table).where(table.c.deleted_at.is_(None)).order_by(table.c.id)
                self.pools[form_key] = [dict(r) for r in conn.execute(query).mappings()]
        return self.pools[form_key]

    def _template(self, text: str, row: Row, refs: dict[str, Row], seq: int) -> str:
        def token(match: re.Match[str]) -> str:
            name, arg = match[1], match[2]
            if name == "seq":
                return format(seq, arg or "")
            if name == "digits":
                return "".join(self.rng.choice("0123456789") for _ in range(int(arg or 6)))
            if name == "label" and arg:
                return self._label(arg, row)
            if name == "ref" and arg:
                return str(_lookup(arg, row, refs) or "")
            if name in self.words:
                return self.rng.choice(self.words[name])
            raise ValueError(f"demo spec template: unknown token '{match[0]}'")
        return _TOKEN.sub(token, text)

    def _label(self, key: str, row: Row) -> str:
        value = row.get(key)
        fdef = self.form.fields.get(key) if self.form is not None else None
        label = _option_label(fdef, value, self.runtime.definition.settings.default_locale) if fdef else None
        return label if label is not None else "" if value is None else str(value)


def _option_label(fdef: FieldDef, value: Any, locale: str) -> str | None:
    if isinstance(value, list) and fdef.kind == "cascade_select":
        nodes: Sequence[Any] = (fdef.config or {}).get("tree") or []
        label = None
        for step in value:
            node = next((n for n in nodes if n.get("value") == step), None)
            if node is None:
                return None
            label, nodes = node.get("label", {}), node.get("children", [])
        return _pick_locale(label, locale)
    option = next((o for o in fdef.options or [] if o.value == value), None)
    return _pick_locale(option.label, locale) if option else None


def _pick_locale(label: Any, locale: str) -> str | None:
    if not isinstance(label, Mapping) or not label:
        return None
    return str(label.get(locale) or next(iter(label.values())))


def _weighted_index(rng: random.Random, weights: Sequence[float]) -> int:
    totals = list(itertools.accumulate(weights))
    return min(bisect.bisect_right(totals, rng.random() * totals[-1]), len(weights) - 1)


def _lookup(path: str, row: Row, refs: Mapping[str, Row]) -> Any:
    if "." in path:
        relation, _, name = path.partition(".")
        return refs.get(relation, {}).get(name)
    return row.get(path)


def scaled(spec: Mapping[str, Any], records: int | None) -> dict[str, Any]:
    """The spec with its ``scale`` forms resized so the first of them gets ``records`` records (and
    the flow runs on them that give a ``count``, not a ``share``, alike)."""
    out = {**spec, "forms": {k: dict(v) for k, v in spec.get("forms", {}).items()},
           "flows": [dict(f) for f in spec.get("flows", [])]}
    names = [n for n in spec.get("scale", []) if n in out["forms"]]
    if records is None or not names:
        return out
    base = int(out["forms"][names[0]].get("count", 0)) or 1
    for name in names:
        out["forms"][name]["count"] = round(int(out["forms"][name].get("count", 0)) * records / base)
    for runs in out["flows"]:
        if runs.get("form") in names and "count" in runs:
            runs["count"] = round(int(runs["count"]) * records / base)
    return out


def install_demo(engine: Engine, principal: Principal, path: Path | str, *, password: str, records: int | None = None,
                 skip_if_present: bool = False, on_progress: Progress | None = None) -> dict[str, int]:
    """Publish a template folder, install its seed, then its demo data (``{}`` if already there and skipped)."""
    _, doc, seed = load_template(path)
    with engine.begin() as conn:
        app_service.import_definition(conn, principal, doc)
    spec = scaled(seed.demo or {}, records)
    first = next(iter(spec.get("scale", [])), None) or next(iter(spec.get("forms", {})), None)
    if skip_if_present and first is not None:
        with engine.connect() as conn:
            table = app_service.load_runtime(conn, principal, doc["key"]).form(first).table
            if conn.execute(select(table.c.id).limit(1)).first() is not None:
                return {}
    people = install_seed(engine, principal, doc["key"], seed, password=password)
    return DemoGenerator(engine, principal, doc["key"], spec, people=people).run(on_progress)


def _chunks(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]
