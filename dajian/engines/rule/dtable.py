"""Decision tables: typed inputs and outputs, one row per case, compiled to one Python function.

::

    {"key": "routing", "kind": "decision_table", "hit_policy": "first",
     "inputs": [{"key": "category", "values": ["quality", "logistics"]}, {"key": "vip", "type": "boolean"},
                {"key": "amount", "type": "decimal"}],
     "outputs": [{"key": "team"}, {"key": "sla_hours", "type": "integer"}],
     "rows": [{"when": {"category": "quality", "amount": ">= 5000"}, "then": {"team": "qa_lead", "sla_hours": 4}},
              {"when": {"category": ["quality", "logistics"], "vip": true}, "then": {"team": "vip", ...}},
              {"when": {}, "then": {"team": "service_desk", "sla_hours": 24}}]}

Cells: absent, ``null`` or ``"-"`` match anything; a literal matches by equality; a list by membership;
``"> 5"``, ``"<= 2024-01-31"``, ``"!= x"`` compare; ``"[1..5]"``, ``"(1..5]"``, ``"[1..5)"`` are ranges;
``{"formula": "amount > 2 * limit"}`` (or a JSON AST under ``"expr"``) is an expression over the inputs.

Hit policies: ``first`` (first matching row), ``unique`` (at most one row may match — overlapping rows are
refused at publish time where provable, and at run time), ``priority`` (the match whose outputs rank first
in the outputs' ``priority`` lists), ``collect`` (every match; ``aggregate`` sum/count/min/max per output).
Without a ``default`` row, uncovered input combinations are reported when every input has a finite domain.

The compiled function is generated Python source made of fixed fragments and names this module invents
(``i0``, ``c3``); every cell value is a constant passed in by index, never spliced into the source.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from dajian.engines.expr import EvalContext, ExprError, Schema, compile_python
from dajian.engines.form.logic import as_ast
from dajian.engines.form.model import Key, Label

from .cells import ANY, Cell, coerce, overlap, parse_cell, show
from .model import Strict

IssueList = list[tuple[str, str]]
ValueType = Literal["text", "integer", "decimal", "boolean", "date", "datetime", "any"]
MAX_GAP_COMBINATIONS = 20_000


class DInput(Strict):
    key: Key
    label: Label | None = None
    type: ValueType = "text"
    values: list[Any] | None = Field(default=None, max_length=500, description="the finite domain, for gap checks")


class DOutput(Strict):
    key: Key
    label: Label | None = None
    type: ValueType = "text"
    priority: list[Any] | None = Field(default=None, description="hit policy priority: earlier values win")


class DRow(Strict):
    when: dict[str, Any] = Field(default_factory=dict)
    then: dict[str, Any] = Field(default_factory=dict)
    note: Annotated[str, Field(max_length=500)] | None = None


class DecisionTableDef(Strict):
    key: Key
    label: Label | None = None
    kind: Literal["decision_table"]
    hit_policy: Literal["first", "unique", "priority", "collect"] = "first"
    aggregate: Literal["sum", "count", "min", "max"] | None = None
    inputs: list[DInput] = Field(min_length=1, max_length=30)
    outputs: list[DOutput] = Field(min_length=1, max_length=30)
    rows: list[DRow] = Field(min_length=1, max_length=2000)
    default: dict[str, Any] | None = Field(default=None, description="outputs when no row matches")


class DecisionError(ValueError):
    """A table that cannot be compiled (``issues``) or a ``unique`` table with several matching rows."""

    def __init__(self, message: str, issues: IssueList | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


@dataclass(frozen=True)
class DecisionPlan:
    key: str
    hit_policy: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    evaluate: Callable[[Mapping[str, Any]], Any]  # dict of outputs | list of them | aggregated dict | None

    def __call__(self, inputs: Mapping[str, Any]) -> Any:
        return self.evaluate(inputs)


def table_issues(raw: Mapping[str, Any], path: str = "") -> IssueList:
    """Every problem of a table as ``(json path, message)``; empty when it compiles."""
    try:
        compile_table(raw, path=path)
    except DecisionError as exc:
        return exc.issues
    return []


def compile_table(raw: Mapping[str, Any] | DecisionTableDef, *, path: str = "") -> DecisionPlan:
    """Check a table and compile it; raises ``DecisionError`` with every issue."""
    try:
        table = raw if isinstance(raw, DecisionTableDef) else DecisionTableDef.model_validate(raw)
    except ValidationError as exc:
        raise DecisionError("invalid decision table", [(path + "".join(f"/{p}" for p in e["loc"]), e["msg"])
                                                       for e in exc.errors()]) from None
    issues: IssueList = []
    grid = _cells(table, path, issues)
    outputs = [_outputs(table, r, f"{path}/rows/{i}/then", issues) for i, r in enumerate(table.rows)]
    default = _outputs(table, DRow(then=table.default), f"{path}/default", issues) if table.default else None
    issues += _policy_issues(table, outputs, path)
    if not issues:
        issues += _overlaps(table, grid, path) if table.hit_policy == "unique" else []
        issues += _gaps(table, grid, path) if table.default is None and table.hit_policy != "collect" else []
    if issues:
        raise DecisionError(f"decision table '{table.key}' is invalid", issues)
    matcher = _generate(table, grid)
    return DecisionPlan(table.key, table.hit_policy, tuple(i.key for i in table.inputs),
                        tuple(o.key for o in table.outputs), _policy(table, matcher, outputs, default))


def _cells(table: DecisionTableDef, path: str, issues: IssueList) -> list[list[Cell]]:
    keys = {i.key for i in table.inputs}
    schema = Schema(fields={i.key: ("any" if i.type == "any" else i.type) for i in table.inputs})
    grid = []
    for r, row in enumerate(table.rows):
        issues += [(f"{path}/rows/{r}/when/{k}", f"no input '{k}'") for k in row.when if k not in keys]
        cells = []
        for i in table.inputs:
            cell_path = f"{path}/rows/{r}/when/{i.key}"
            try:
                cell = parse_cell(row.when.get(i.key), i.type)
                if cell.kind == "expr":
                    cell = Cell("expr", value=_expression(cell.value, schema, cell_path, issues))
            except ValueError as exc:
                issues.append((cell_path, str(exc)))
                cell = ANY
            cells.append(cell)
        grid.append(cells)
    return grid


def _expression(raw: Any, schema: Schema, path: str, issues: IssueList) -> Any:
    try:
        compiled = compile_python(as_ast(raw), schema)
    except ExprError as exc:
        issues += [(path + i.path, i.message) for i in exc.issues]
        return None
    ctx = EvalContext()
    return lambda inputs: compiled(inputs, ctx)


def _outputs(table: DecisionTableDef, row: DRow, path: str, issues: IssueList) -> dict[str, Any]:
    types = {o.key: o.type for o in table.outputs}
    out: dict[str, Any] = {}
    for key, value in row.then.items():
        if key not in types:
            issues.append((f"{path}/{key}", f"no output '{key}'"))
            continue
        try:
            out[key] = coerce(value, types[key])
        except ValueError as exc:
            issues.append((f"{path}/{key}", str(exc)))
    return out


def _policy_issues(table: DecisionTableDef, outputs: list[dict[str, Any]], path: str) -> IssueList:
    issues: IssueList = []
    if table.aggregate and table.hit_policy != "collect":
        issues.append((f"{path}/aggregate", "an aggregate needs the 'collect' hit policy"))
    if table.aggregate in ("sum", "min", "max"):
        issues += [(f"{path}/outputs/{n}/type", f"'{table.aggregate}' needs numeric outputs")
                   for n, o in enumerate(table.outputs) if o.type not in ("integer", "decimal")]
    ranked = [o for o in table.outputs if o.priority]
    if table.hit_policy == "priority" and not ranked:
        issues.append((f"{path}/outputs", "the 'priority' hit policy needs an output with a 'priority' list"))
    for o in ranked:
        order = [coerce(v, o.type) for v in o.priority or []]
        issues += [(f"{path}/rows/{r}/then/{o.key}", f"{out[o.key]!r} is not in the priority list of '{o.key}'")
                   for r, out in enumerate(outputs) if o.key in out and out[o.key] not in order]
    return issues


def _overlaps(table: DecisionTableDef, grid: list[list[Cell]], path: str) -> IssueList:
    issues: IssueList = []
    for a, b in itertools.combinations(range(len(grid)), 2):
        witness = [overlap(x, y) for x, y in zip(grid[a], grid[b], strict=True)]
        if all(w is not None for w in witness):
            shown = ", ".join(f"{i.key}={show(w)}" for i, w in zip(table.inputs, witness, strict=True) if w is not ANY)
            issues.append((f"{path}/rows/{b}", f"rows {a} and {b} overlap under the 'unique' hit policy"
                                               + (f" (e.g. {shown})" if shown else "")))
    return issues


def _domain(i: DInput) -> list[Any] | None:
    if i.values is not None:
        return [coerce(v, i.type) for v in i.values]
    return [True, False] if i.type == "boolean" else None


def _gaps(table: DecisionTableDef, grid: list[list[Cell]], path: str) -> IssueList:
    domains = [_domain(i) for i in table.inputs]
    if any(d is None for d in domains) or any(c.kind == "expr" for row in grid for c in row):
        return []
    sizes = [len(d or ()) for d in domains]
    if not sizes or _product(sizes) > MAX_GAP_COMBINATIONS:
        return []
    missing = [combo for combo in itertools.product(*(d or [] for d in domains))
               if not any(all(c.matches(v) for c, v in zip(row, combo, strict=True)) for row in grid)]
    if not missing:
        return []
    shown = "; ".join(", ".join(f"{i.key}={show(v)}" for i, v in zip(table.inputs, m, strict=True))
                      for m in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return [(f"{path}/rows", f"{len(missing)} input combinations match no row: {shown}{more} "
                             "(add a row, a catch-all row or a 'default')")]


def _product(sizes: Sequence[int]) -> int:
    total = 1
    for size in sizes:
        total *= size
    return total


def _generate(table: DecisionTableDef, grid: list[list[Cell]]) -> Callable[..., Any]:
    """One function over the inputs: ``first`` returns the first matching row index, others a list.

    Rows ``[{"category": "quality", "amount": "> 5000"}, {}]`` give (constants ``c0 = "quality"``, ``c1 = 5000``)::

        def _match(i0, i1, I):
            if i0 == c0 and (i1 is not None and i1 > c1): return 0
            return 1
    """
    consts: list[Any] = []
    first = table.hit_policy == "first"
    args = ", ".join(f"i{n}" for n in range(len(table.inputs)))
    lines = ["def _factory(K):"]
    lines += [f"    def _match({args}, I):"] + ([] if first else ["        hits = []"])
    for r, row in enumerate(grid):
        cond = " and ".join(c.source(f"i{n}", consts) for n, c in enumerate(row) if c.kind != "any") or "True"
        lines.append(f"        if {cond}: " + (f"return {r}" if first else f"hits.append({r})"))
    lines += ["        return None" if first else "        return hits", "    return _match"]
    if consts:
        lines.insert(1, f"    {', '.join(f'c{n}' for n in range(len(consts)))}, = K")
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, f"<dajian-dtable {table.key}>", "exec"), namespace)
    matcher: Callable[..., Any] = namespace["_factory"](tuple(consts))
    return matcher


def _arguments(table: DecisionTableDef) -> Callable[[Mapping[str, Any]], list[Any]]:
    """The matcher's positional arguments from a mapping of inputs, typed as the inputs say."""
    keys = tuple(i.key for i in table.inputs)
    convert = [(n, i.type) for n, i in enumerate(table.inputs) if i.type in ("integer", "decimal", "date", "datetime")]

    def args(inputs: Mapping[str, Any]) -> list[Any]:
        values = [inputs.get(k) for k in keys]
        for n, kind in convert:
            if values[n] is not None:
                values[n] = coerce(values[n], kind)
        return values

    return args


def typed_inputs(raw: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs typed as the table's inputs say (``"150"`` for a decimal input → ``Decimal("150")``), as
    expression cells expect them; raises ``ValueError`` for a value of the wrong type."""
    kinds = {i.key: i.type for i in DecisionTableDef.model_validate(raw).inputs}
    return {k: coerce(v, kinds[k]) if k in kinds else v for k, v in inputs.items()}


def matching_rows(raw: Mapping[str, Any], inputs: Mapping[str, Any], *, path: str = "") -> list[int]:
    """Every row whose cells all match ``inputs``, whatever the hit policy (the designer's dry run).

    ``matching_rows(routing, {"vip": True, "category": "policy"}) == [0, 1, 7]``: under ``first`` row 0 wins.
    Raises ``DecisionError`` for a table that does not compile, ``ValueError`` for an input of the wrong type.
    """
    compile_table(raw, path=path)  # every check first: an explained table is a valid one
    table = DecisionTableDef.model_validate(raw)
    every = _generate(table.model_copy(update={"hit_policy": "collect"}), _cells(table, path, []))
    typed = typed_inputs(raw, inputs)
    hits: list[int] = every(*_arguments(table)(typed), typed)
    return hits


def _policy(table: DecisionTableDef, matcher: Callable[..., Any], outputs: list[dict[str, Any]],
            default: dict[str, Any] | None) -> Callable[[Mapping[str, Any]], Any]:
    args = _arguments(table)

    if table.hit_policy == "first":
        rows_out = tuple(outputs)

        def first(inputs: Mapping[str, Any]) -> Any:
            hit = matcher(*args(inputs), inputs)
            return rows_out[hit] if hit is not None else default

        return first
    return _many(table, matcher, args, outputs, default)


def _many(table: DecisionTableDef, matcher: Callable[..., Any], args: Callable[[Mapping[str, Any]], list[Any]],
          outputs: list[dict[str, Any]], default: dict[str, Any] | None) -> Callable[[Mapping[str, Any]], Any]:
    ranks = [(o.key, {coerce(v, o.type): n for n, v in enumerate(o.priority)}) for o in table.outputs if o.priority]

    def rank(row: int) -> tuple[int, ...]:
        return (*tuple(order.get(outputs[row].get(key), len(order)) for key, order in ranks), row)

    def evaluate(inputs: Mapping[str, Any]) -> Any:
        hits: list[int] = matcher(*args(inputs), inputs)
        if table.hit_policy == "collect":
            return _aggregate(table, [outputs[h] for h in hits])
        if not hits:
            return default
        if table.hit_policy == "unique" and len(hits) > 1:
            raise DecisionError(f"decision table '{table.key}': rows {hits[0]} and {hits[1]} both match")
        return outputs[min(hits, key=rank)] if table.hit_policy == "priority" else outputs[hits[0]]

    return evaluate


def _aggregate(table: DecisionTableDef, found: list[dict[str, Any]]) -> Any:
    if table.aggregate is None:
        return found
    out: dict[str, Any] = {}
    for o in table.outputs:
        values = [f[o.key] for f in found if f.get(o.key) is not None]
        if table.aggregate == "count":
            out[o.key] = len(values)
        elif table.aggregate == "sum":
            out[o.key] = sum(values, 0)
        else:
            out[o.key] = (min if table.aggregate == "min" else max)(values) if values else None
    return out
