"""Hypothesis-generated expression cases with Python's answers, for the browser's evaluator.

``python -m tests.engines.expr.generated_vectors`` rewrites ``tests/expr_vectors_generated.json``
from the strategies of ``test_properties.py`` (with a fixed seed, so a rerun gives the same file
unless the strategies, hypothesis or Python's answers changed). Vitest runs the file in
``designer_ui/tests/expr``; ``test_generated_vectors.py`` holds Python and SQL to it.

Each case is JSON as a client sends it: the AST (decimal constants as JSON numbers), the record
(decimals and dates as text), and ``expected`` (decimals as text, dates as ISO text).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from dajian.engines.expr import ExprError, check, compile_python, parse_formula, to_formula

from .support import CONTEXT, SCHEMA, record
from .test_properties import DATES, DATETIMES, RECORD, TOP, Strategy, expr, numeric, on_threshold, op, var

OUTPUT = Path(__file__).resolve().parents[2] / "expr_vectors_generated.json"
FORMULAS = Path(__file__).resolve().parents[2] / "expr_formulas_generated.json"
SHARED = Path(__file__).resolve().parents[2] / "expr_vectors.json"
EXAMPLES = Path(__file__).resolve().parent / "excel_examples.json"
# Formulas the parser refuses, or reads in a way worth pinning down (keywords, folding, rewrites).
# fmt: off
EDGE_FORMULAS = [
    "IF(a", "1 +", "a +\n  * 2", 'x = "abc', "a < b < c", "FOO(1)", "  ", "a ? b", "NOT a AND b", "a + NOT b",
    "AND", "AND(a,b)", "not(a)", "order", "a order", "-(5)", "--5", "-x", "+x", "1.50", "DATE(2024,14,0)",
    "DATE(2024,1,1.0)", "DATE(10000,1,1)", "DATE(1)", "IN(a, b)", 'IN(a, "x")', "IN(a, 1, 2)", "IN(a)", "$user.id",
    "$now", "customer.level", "ok()", "SUM()", "a=1=2", "a & b & 1", "1 - 2 - 3", "TRUE()", '"a""b"', "a.b.c",
    "中文 = 1", "１２", "x = 1 OR y = 2 OR z", "1e5", ".5", "a\t=\r\n1", "IFS(a)", "IFS(a, 1, b, 2, TRUE, 3)",
    "SWITCH(a, 1)", "SWITCH(a, 1, 2, NULL)", "SWITCH(a, 1, 2, 3, 4)", "EXACT(a)", "DAYS(a, b)", "DATEVALUE(a)",
    'DATETIMEVALUE("2024-01-31T09:00:00Z")', "a <> b", "a != b", "a == b", "a >= -1.5", "(a)", "((a + b) * c)",
    "a,b", "a)", "(a", "$", "$1", "a.", "a.1", "true AND false OR null", "Not Not a", "sum(items.price) / 2",
    "a % b * c / d", "-a * b", "- 1.0", "x = \"", "MID(name, 2, 3) & \"…\"", "١٢ + ३.५", "𝟙𝟚 * 2", "a = ⅻ",
]
# fmt: on
RANDOM_EXPRESSIONS = 1500
THRESHOLD_DRAWS = 100
FORMS_ONLY_EXPRESSIONS = 600
SEED = 20241204  # a fixed seed: a rerun draws the same cases (with the same hypothesis version)
COMMAND = "python -m tests.engines.expr.generated_vectors"


# Texts beyond ASCII: CJK, an accent, an emoji outside the BMP (two UTF-16 units in JavaScript),
# the ideographic space, a newline and a tab.
WIDE_TEXTS = st.text(alphabet="aB 中é😀-\n\t\u3000.1,", max_size=6)
NUMBER_TEXTS = st.one_of(
    st.sampled_from(["1,234.5", " 12 ", "-3.0", "+0.50", "1,23", "12,345,678", "abc", "", "1.", ".5", "1e3", "0"]),
    st.decimals(-10000, 10000, places=3, allow_nan=False, allow_infinity=False).map(lambda d: f"{d:,f}"),
)
PATTERNS = ["^\\w+$", "\\s", "a.b", "[^a]", "^$", "a{1,2}", "(a|中)+", "\\d", "😀", "^[a-z]+-[0-9]{2}$", "[[:alpha:]]"]
NUMBER_FORMATS = ["0", "0.00", "#,##0", "#,##0.00", "0%", "0.0%", "0.000"]
DATE_FORMATS = ["yyyy-mm-dd", "yyyy/mm/dd", "yyyy年m月d日", "hh:mm", "yy.m.d", "yyyy-mm-dd hh:mm:ss", "dd/mm/yyyy"]
EXPONENTS = [0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5, 10]


def wide_text(depth: int) -> Strategy:
    leaves = st.one_of(WIDE_TEXTS, var("text"))
    return leaves if depth <= 0 else st.one_of(leaves, *forms_text(depth - 1))


def forms_text(d: int) -> list[Strategy]:
    return [
        op("upper", wide_text(d)),
        op("left", wide_text(d), st.integers(-1, 7)),
        op("mid", wide_text(d), st.integers(-1, 7), st.integers(-1, 7)),
        op("replace", wide_text(d), st.integers(0, 7), st.integers(0, 3), WIDE_TEXTS),
        op("substitute", wide_text(d), WIDE_TEXTS, WIDE_TEXTS),
        op("trim", wide_text(d)),
        op("rept", wide_text(d), st.integers(0, 3)),
        st.lists(st.one_of(wide_text(d), numeric(0)), min_size=1, max_size=3).map(lambda a: {"cat": a}),
        op("text", numeric(d), st.sampled_from(NUMBER_FORMATS)),
        op("text", st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, 0)), st.sampled_from(DATE_FORMATS)),
    ]


def forms_only() -> Strategy:
    """Functions the hypothesis property test leaves out (forms only, or text beyond ASCII)."""
    temporal = st.sampled_from(["date", "datetime"]).flatmap(lambda k: expr(k, 1))
    return st.one_of(
        *forms_text(1),
        op("length", wide_text(1)),
        op("find", WIDE_TEXTS, wide_text(1), st.integers(0, 7)),
        op("search", WIDE_TEXTS, wide_text(1)),
        st.tuples(st.sampled_from(["<", ">=", "!="]), wide_text(1), wide_text(1)).map(lambda t: {t[0]: [t[1], t[2]]}),
        op("regex", wide_text(1), st.sampled_from(PATTERNS)),
        op("contains", wide_text(1), WIDE_TEXTS),
        op("value", NUMBER_TEXTS),
        op("sqrt", numeric(1)),
        op("power", numeric(1), st.sampled_from(EXPONENTS)),
        op("workdays", temporal, temporal),
        op("networkdays", temporal, temporal),
        op("datediff", temporal, temporal, st.sampled_from(["d", "h", "m", "y"])),
        op("date_add", expr("datetime", 1), st.integers(-100000, 100000), st.sampled_from(["hours", "minutes"])),
        op("weekday", temporal, st.sampled_from([1, 2, 3])),
        op("make_date", st.integers(-1, 10001), st.integers(-200, 200), st.integers(-5000, 5000)),
        op("edate", temporal, st.integers(-120000, 120000)),
    )


SAMPLE_TEXTS = ["a-b", "a\nb", "中文", "x 1", "\u3000", "😀", "abc-12", "", "a\u000bb", "Ab9_"]
SAMPLE_TEXTS += ["ß", "ǅ", "İ", "ﬁ", "\uffff"]
NUMBER_WORDS = ["1,234.5", " 12 ", "-3.0", "1,23", "１２", "+.5"]
SAMPLE_NUMBERS = ["-1234567.555", "0.005", "-0.004", "12.5", "0.0000001", "99999999.995", "-0", "7"]
MOMENTS = ["2024-02-29T23:59:59.999999Z", "0001-01-01T00:00:00Z", "2023-12-31T00:00:00Z", "2024-03-10T09:05:07Z"]


def fixed_cases() -> list[dict[str, Any]]:
    """Cross products the random draws reach rarely: every pattern, number format and casing."""
    texts = [case({"regex": [{"var": "name"}, p]}, {"name": t}) for p in PATTERNS for t in SAMPLE_TEXTS]
    texts += [case({op: {"var": "name"}}, {"name": t}) for op in ("upper", "lower", "length") for t in SAMPLE_TEXTS]
    texts += [
        case({cmp: [{"var": "name"}, {"var": "category"}]}, {"name": a, "category": b})
        for cmp in ("<", "==")
        for a in SAMPLE_TEXTS[:8]
        for b in ("😀", "\uffff", "中", "a")
    ]
    numbers = [case({"text": [{"var": "amount"}, f]}, {"amount": n}) for f in NUMBER_FORMATS for n in SAMPLE_NUMBERS]
    numbers += [case({"power": [{"var": "amount"}, e]}, {"amount": n}) for e in EXPONENTS for n in SAMPLE_NUMBERS]
    numbers += [case({op: {"var": "amount"}}, {"amount": n}) for op in ("sqrt", "int", "abs") for n in SAMPLE_NUMBERS]
    numbers += [case({"value": {"var": "name"}}, {"name": t}) for t in NUMBER_WORDS]
    moments = [case({"text": [{"var": "created_at"}, f]}, {"created_at": m}) for f in DATE_FORMATS for m in MOMENTS]
    return [c | {"sql": False} for c in texts + numbers + moments]


FORMS_RECORD = st.tuples(RECORD, WIDE_TEXTS, WIDE_TEXTS, DATES, DATETIMES).map(
    lambda t: t[0] | {"name": t[1], "category": t[2], "due": t[3], "closed_at": t[4]}
)


def to_json(value: Any) -> Any:
    """A Python value (AST, record or result) as the JSON a browser receives."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    raise TypeError(f"no JSON for {value!r}")


def ast_to_json(ast: Any) -> Any:
    """Decimal constants become JSON numbers (their shortest float spelling reads back equal)."""
    if isinstance(ast, Decimal):
        number = float(ast)
        if Decimal(repr(number)) != ast:
            raise ValueError(f"{ast} has no exact JSON number")
        return number
    if isinstance(ast, dict):
        return {k: ast_to_json(v) for k, v in ast.items()}
    if isinstance(ast, list):
        return [ast_to_json(v) for v in ast]
    return ast


def answer(ast: Any, data: dict[str, Any]) -> Any:
    """Python's answer for the case as the browser reads it: the AST and record from JSON."""
    try:
        result = compile_python(ast, SCHEMA)(record(data), CONTEXT)
    except Exception as exc:  # a case Python refuses is still a case the browser must refuse
        return {"raises": type(exc).__name__}
    return to_json(result)


def without_nulls(rec: dict[str, Any]) -> dict[str, Any]:
    """A missing field reads as null, so nulls are left out to keep the file small."""
    out = {k: v for k, v in rec.items() if v is not None and v != []}
    if "items" in out:
        out["items"] = [{k: v for k, v in row.items() if v is not None} for row in out["items"]]
    return out


def case(expr: Any, rec: dict[str, Any], *, sql: bool = True) -> dict[str, Any]:
    """``"sql": false`` marks a case outside the property test's domain, which SQL is not held to."""
    ast = json.loads(json.dumps(ast_to_json(expr)))
    data = json.loads(json.dumps(to_json(without_nulls(rec))))
    return {"expr": ast, "data": data, "expected": answer(ast, data)} | ({} if sql else {"sql": False})


def draw_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    def quiet(examples: int) -> settings:
        return settings(
            database=None,
            deadline=None,
            max_examples=examples,
            suppress_health_check=list(HealthCheck),
        )

    @seed(SEED)
    @quiet(RANDOM_EXPRESSIONS)
    @given(expr=TOP, records=st.lists(RECORD, min_size=2, max_size=2))
    def random_expressions(expr: Any, records: list[dict[str, Any]]) -> None:
        cases.extend(case(expr, r) for r in records)

    @seed(SEED)
    @quiet(THRESHOLD_DRAWS)
    @given(drawn=on_threshold())
    def thresholds(drawn: tuple[list[Any], list[dict[str, Any]]]) -> None:
        exprs, records = drawn
        cases.extend(case(e, records[k // 5]) for k, e in enumerate(exprs))

    @seed(SEED)
    @quiet(FORMS_ONLY_EXPRESSIONS)
    @given(expr=forms_only(), records=st.lists(FORMS_RECORD, min_size=2, max_size=2))
    def forms_only_expressions(expr: Any, records: list[dict[str, Any]]) -> None:
        cases.extend(case(expr, r, sql=False) for r in records)

    random_expressions()
    thresholds()
    forms_only_expressions()
    cases.extend(fixed_cases())
    unique = {json.dumps(c, sort_keys=True): c for c in cases}
    return list(unique.values())


def document(cases: list[dict[str, Any]]) -> str:
    shared = json.loads(SHARED.read_text(encoding="utf-8"))[0]
    head = {
        "generated_by": COMMAND,
        "schema": shared["schema"],
        "context": shared["context"],
    }
    meta = json.dumps(head, ensure_ascii=False, sort_keys=True)[1:-1]
    return f'{{{meta},\n "cases": {_lines(cases)},\n "checks": {_lines(check_cases(cases))}}}\n'


def _lines(items: list[dict[str, Any]]) -> str:
    """One item a line, so that a regenerated file diffs by case."""
    return "[\n  " + ",\n  ".join(json.dumps(i, ensure_ascii=False, sort_keys=True) for i in items) + "\n ]"


def ast_norm(ast: Any) -> Any:
    """The parser's AST as JSON, a decimal constant as ``{"$decimal": "1.5"}`` (its value, not its spelling)."""
    if isinstance(ast, Decimal):
        return {"$decimal": format(ast.normalize(), "f") if ast else "0"}
    if isinstance(ast, dict):
        return {k: ast_norm(v) for k, v in ast.items()}
    if isinstance(ast, list):
        return [ast_norm(v) for v in ast]
    return ast


def parsed(formula: str) -> dict[str, Any]:
    """Python's AST (and its check issues on the shared schema), or the parse error."""
    try:
        ast = parse_formula(formula)
    except ExprError as exc:
        return {"formula": formula, "error": {"message": exc.message, "line": exc.line, "column": exc.column}}
    return {"formula": formula, "ast": ast_norm(ast), "issues": issues(ast)}


def issues(ast: Any) -> list[dict[str, str]]:
    return [{"message": i.message, "path": i.path} for i in check(ast, SCHEMA)]


SWAPS = {"amount": "name", "qty": "due", "name": "qty", "due": "flag", "flag": "amount", "created_at": "tags"}


def mistyped(ast: Any) -> Any:
    """The AST with its fields swapped for fields of another type, so that most of it is refused."""
    if isinstance(ast, dict) and set(ast) == {"var"} and ast["var"] in SWAPS:
        return {"var": SWAPS[ast["var"]]}
    if isinstance(ast, dict):
        return {k: mistyped(v) for k, v in ast.items()}
    if isinstance(ast, list):
        return [mistyped(v) for v in ast]
    return ast


def check_case(ast: Any) -> dict[str, Any]:
    try:
        return {"expr": ast, "issues": issues(ast)}
    except Exception as exc:  # the checker itself failed: the browser must not follow it there
        return {"expr": ast, "raises": type(exc).__name__}


def check_cases(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    asts = {json.dumps(m, sort_keys=True): m for c in cases if (m := mistyped(c["expr"])) != c["expr"]}
    return [check_case(ast) for ast in asts.values()]


def formula_cases(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every formula of the shared files, the edge cases above, and the generated ASTs written as formulas."""
    shared = [c["expr"] for c in json.loads(SHARED.read_text(encoding="utf-8")) if isinstance(c["expr"], str)]
    examples = [e["formula"] for e in json.loads(EXAMPLES.read_text(encoding="utf-8"))]
    written: dict[str, Any] = {}  # formula → the AST ``to_formula`` wrote it from
    for c in cases:
        try:
            written.setdefault(to_formula(c["expr"]), c["expr"])
        except ExprError:
            continue
    formulas = dict.fromkeys([*shared, *examples, *EDGE_FORMULAS, *written])
    return [parsed(f) | (written_from(written[f]) if f in written else {}) for f in formulas]


def written_from(ast: Any) -> dict[str, Any]:
    """The AST ``to_formula`` wrote the formula from; ``integral_float`` when it holds a number such as
    ``100.0``, which JavaScript's ``JSON.parse`` reads as the integer 100 (so the browser writes "100")."""
    return {"written_from": ast} | ({"integral_float": True} if _integral_float(ast) else {})


def _integral_float(ast: Any) -> bool:
    if isinstance(ast, float):
        return ast.is_integer()
    if isinstance(ast, dict):
        return any(_integral_float(v) for v in ast.values())
    return isinstance(ast, list) and any(_integral_float(v) for v in ast)


def main() -> None:
    cases = draw_cases()
    OUTPUT.write_text(document(cases), encoding="utf-8")
    formulas = formula_cases(cases)
    lines = ",\n ".join(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in formulas)
    FORMULAS.write_text(f"[\n {lines}\n]\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {OUTPUT} and {len(formulas)} formulas to {FORMULAS}", file=sys.stderr)


if __name__ == "__main__":
    main()
