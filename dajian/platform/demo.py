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
now, ``skew`` towards today (2: falling in a straight line), weekday and local-hour weights, never
later than now, ``"as": "date"``);
``after`` a field or ``relation.field`` plus ``minutes`` (working minutes with ``calendar``, never
later than now unless ``future``); ``ref`` a form (``where``, ``match``, ``before``, ``skew``, ``distinct``: see
``dajian.platform.demo_refs``); ``ref_value`` ``relation.field``;
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
``created_at``/``updated_at``. A form without such a field may draw ``created_at`` itself, as the
first of its fields, and backdate to it (``"backdate": "created_at"``; a request made during the
complaint it is about: ``{"after": "complaint.first_response_at", "minutes": [30, 2880]}``).
``require`` (a condition) draws a record again until it holds, e.g. history that has ended by now;
``history`` gives records that never ran a flow the fields that flow would have left on them (due
time, SLA state, working minutes, outcome: ``dajian.platform.demo_history``).

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
Everything happens on one timeline on the platform clock: each run's record is created at its
``backdate`` time, so the rules that start the flow on creation start it then (the generator starts
it itself when none does), the form's other records come in day by day among them, so rules counting
recent records see only earlier ones, and each run takes one action per ``step_minutes`` (``skew``
as for ``range``):
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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from dajian.engines.flow.calendar import BusinessCalendar
from dajian.engines.form.compile import CompiledForm
from dajian.engines.form.model import FieldDef
from dajian.platform import apps as app_service
from dajian.platform import jobs as job_queue
from dajian.platform.clock import utcnow
from dajian.platform.demo_conditions import Conditions, spec_conditions
from dajian.platform.demo_flows import FlowRuns, Timeline
from dajian.platform.demo_history import FlowHistory
from dajian.platform.demo_refs import RefPools, as_moment
from dajian.platform.demo_seed import People, begun, install_seed, reading
from dajian.platform.principal import Principal
from dajian.platform.records import create_records, form_context

BATCH = 500
CREATED = "created_at"  # a spec may draw it: the record's creation time, for fields after it and ``backdate``
CREATED_FIELD = FieldDef.model_validate({"key": CREATED, "kind": "datetime", "label": {"en": "Created at"}})
MAX_DRAWS = 50  # per record, for a spec's ``require``
QUIET_KINDS = ("notify", "notify.digest", "webhook")  # messages about the invented history
Progress = Callable[[str, int, int], None]
Row = dict[str, Any]
_TOKEN = re.compile(r"\{(\w+)(?::([\w.]+))?\}")


class DemoGenerator:
    """Fills an app's forms as its spec says, and drives its ``flows`` runs; ``run`` returns the number of
    records made per form (flow runs' records included)."""

    def __init__(self, bind: Engine | Connection, principal: Principal, app_key: str, spec: Mapping[str, Any], *,
                 people: People | None = None, seed: int = 7, now: datetime | None = None) -> None:
        # an Engine: transactions of its own as it goes (``dajian demo``); a Connection: all in the caller's one
        # transaction (a template install's demo data, all or nothing with the install)
        self.bind, self.principal, self.app_key, self.spec = bind, principal, app_key, spec
        self.people = people or People()
        self.rng = random.Random(seed)
        self.now = now or utcnow()
        self.words: dict[str, list[str]] = dict(spec.get("words", {}))
        with reading(bind) as conn:
            self.runtime = app_service.load_runtime(conn, principal, app_key)
            self.histories = {key: FlowHistory.of(conn, self.runtime.version_id, key, body["history"])
                              for key, body in spec.get("forms", {}).items() if body.get("history")}
        self.zone = ZoneInfo(self.runtime.definition.settings.timezone)
        self.form: CompiledForm | None = None
        self.conditions = Conditions(self.runtime, self.now)
        self.refs = RefPools(self.rng, self._stored_rows, self.conditions.holds, self._moment)
        self._calendars: dict[str, BusinessCalendar] = {}
        for form_key, condition, where in spec_conditions(spec):  # every one checked before anything is made
            if form_key in self.runtime.forms:
                self.conditions.compiled(form_key, condition, where=where)

    def counts(self) -> dict[str, int]:
        return {key: int(body.get("count", 0)) for key, body in self.spec.get("forms", {}).items()}

    def run(self, on_progress: Progress | None = None) -> dict[str, int]:
        made: dict[str, int] = {}
        with job_queue.muted(self._quiet):
            for form_key, body in self.spec.get("forms", {}).items():
                made[form_key] = self.fill(form_key, body, on_progress)
        return made

    def _quiet(self, kind: str, due_at: datetime) -> bool:
        """The invented history sends nothing: its messages and its time rules already past are
        never queued. Flow timers and SLA jobs stay, so open work warns and breaches as it would."""
        return kind in QUIET_KINDS or (kind == "rules.timer" and due_at <= self.now)

    def fill(self, form_key: str, body: Mapping[str, Any], on_progress: Progress | None = None) -> int:
        """Make the form's records: backdated ones on one timeline with its flow runs, each day's records
        coming in at that day's first moment and each run step at its own, so rules see only what
        had come in by then (as they would have); the rest in batches."""
        total, done = int(body.get("count", 0)), 0
        table = self.runtime.form(form_key).table
        flows = [FlowRuns(self, form_key, body, f) for f in self.spec.get("flows", []) if f.get("form") == form_key]
        with reading(self.bind) as conn:  # {seq} continues after the records already there
            first = int(conn.execute(select(func.count()).select_from(table)).scalar_one()) + 1

        def made(count: int) -> None:
            nonlocal done
            done += count
            if on_progress is not None:
                on_progress(form_key, done, total)

        timeline, planned = Timeline(self.bind, self.now), 0
        for runs in flows:
            size = runs.size(total - planned)
            runs.schedule(timeline, size, first + planned, lambda: made(1))
            planned += size
        fields, require = body.get("fields", {}), body.get("require")
        records = [self.drawn(form_key, fields, n, require) for n in range(first + planned, first + total)]
        backdate = body.get("backdate")
        for batch in self._by_day(records, backdate):
            start = self._moment(batch[0].get(backdate)) if backdate else None
            if start is None:
                with begun(self.bind) as conn:
                    self._come_in(form_key, body, batch, made, conn)
            else:
                timeline.at(start, partial(self._come_in, form_key, body, batch, made))
        timeline.run()
        self.refs.forget(form_key)  # later references read the stored rows
        return done

    def _come_in(self, form_key: str, body: Mapping[str, Any], batch: list[Row], made: Callable[[int], None],
                 conn: Connection) -> None:
        ids = self.insert(form_key, batch, body.get("owner_field"), body.get("backdate"), conn=conn)
        if form_key in self.histories:
            self._history(conn, form_key, ids)
        made(len(batch))

    def drawn(self, form_key: str, fields: Mapping[str, Any], seq: int, require: Any) -> Row:
        """A record; with ``require`` (a condition) drawn again until it holds, e.g. history that has
        ended by now (``"closed_at < NOW()"``), so recent days hold only what was quick to finish."""
        for _ in range(MAX_DRAWS):
            row = self.record(form_key, fields, seq)
            if require is None or self.conditions.holds(form_key, require, row):
                return row
        raise ValueError(f"demo spec forms '{form_key}': no record in {MAX_DRAWS} draws meets {require!r}")

    def _history(self, conn: Connection, form_key: str, ids: list[int]) -> None:
        """The history's flow record fields, from the records as created (their rules have run)."""
        table = self.runtime.form(form_key).table
        history = self.histories[form_key]
        stored = conn.execute(select(table).where(table.c.id.in_(ids))).mappings()
        changes = [(int(r["id"]), history.fields(dict(r), self.now)) for r in stored]
        by_columns: dict[tuple[str, ...], list[Row]] = {}
        for rid, values in changes:
            if values:
                by_columns.setdefault(tuple(sorted(values)), []).append({"rid": rid, **values})
        for columns, rows in by_columns.items():  # one statement per set of fields written
            conn.execute(update(table).where(table.c.id == bindparam("rid"))
                         .values({c: bindparam(f"v_{c}") for c in columns}),
                         [{"rid": r["rid"], **{f"v_{c}": r[c] for c in columns}} for r in rows])

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
        return as_moment(value, self.zone)

    def pick(self, weights: Sequence[float]) -> int:
        """A random index, each as likely as its weight."""
        return _weighted_index(self.rng, weights)

    def insert(self, form_key: str, batch: list[Row], owner_field: str | None, backdate: str | None, *,
               conn: Connection | None = None) -> list[int]:
        """Create the rows as their owners (``owner_field``), backdated, in ``conn``'s transaction or a
        new one; their ids, owner by owner."""
        if conn is None:
            with begun(self.bind) as fresh:
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
            created = create_records(conn, ctx, [{k: v for k, v in row.items() if k != CREATED} for row in rows])
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
            fdef = form.fields.get(key) or (CREATED_FIELD if key == CREATED else None)
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
            target = self.refs.pick(spec, row)
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
        """A day (weekday weights; ``skew`` favours recent days: with 2 the days hold fewer records the older
        they are, falling in a straight line to none ``within_days`` ago) and a local hour (hour weights);
        a moment later than now is drawn again, so today holds only the hours that have passed."""
        days = int(spec.get("within_days", 182))
        weekday = [float(w) for w in spec.get("weekday_weights", [1] * 7)]
        hours = [float(w) for w in spec.get("hour_weights", [1] * 24)]
        skew = float(spec.get("skew", 1))
        today = self.now.astimezone(self.zone).date()
        moment = self.now
        for _ in range(100):
            for _ in range(1000):
                back = (days + 1) * (1 - (1 - self.rng.random()) ** (1 / skew))
                day = today - timedelta(days=min(days, int(back)))
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
        """Minutes after a moment; with ``calendar`` working minutes on that calendar of the app, so
        the work happens in working hours (received on a Friday night, answered on Monday morning)."""
        base = _lookup(str(spec["after"]), row, refs)
        if isinstance(base, date) and not isinstance(base, datetime):
            base = datetime(base.year, base.month, base.day, tzinfo=UTC)
        base = self._moment(base)
        if base is None:
            return None
        low, high = spec.get("minutes", [0, 60])
        share = self.rng.random() ** float(spec.get("skew", 1))
        minutes = timedelta(minutes=float(low) + (float(high) - float(low)) * share)
        moment = self._calendar(str(spec["calendar"])).add_working(base, minutes) if spec.get("calendar") \
            else base + minutes
        if not spec.get("future"):  # a due date may lie ahead; what happened may not
            moment = min(moment, self.now)
        return moment.astimezone(self.zone).date() if spec.get("as") == "date" else moment

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

    def _stored_rows(self, form_key: str) -> list[Row]:
        table = self.runtime.form(form_key).table
        with reading(self.bind) as conn:
            query = select(table).where(table.c.deleted_at.is_(None)).order_by(table.c.id)
            return [dict(r) for r in conn.execute(query).mappings()]

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
    """Install a template folder as a package (packed here, so the demo takes the path any package takes),
    then its seed, then its demo data (``{}`` if already there and skipped)."""
    from dajian.platform.market.install import install_bundled
    from dajian.platform.market.package import load_package, pack_folder, read_package

    loaded = load_package(read_package(pack_folder(path)))
    doc, seed = loaded.doc, loaded.seed
    with engine.begin() as conn:
        install_bundled(conn, principal, loaded)
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
