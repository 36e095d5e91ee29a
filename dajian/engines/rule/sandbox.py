"""A Jinja2 sandbox whose templates cannot make huge values or loop without end.

The stock ``SandboxedEnvironment`` keeps a template away from Python internals but not from work:
``{{ record.s * 2000000 }}``, ``{{ 9 ** 9 ** 9 }}``, ``"x"|center(10**9)``, ``s.join(s)`` or forty
``{% set x = x ~ x %}`` allocate gigabytes. Here every operator, filter, method call and ``~`` that
can make a value larger than its inputs is checked *before* it runs (repetition, powers, ``%``
widths, ``replace``/``join``/``indent``/``wordwrap``) and every value made is at most
``MAX_VALUE`` characters or items; loops share a budget of ``MAX_LOOP_STEPS`` iterations per
render; lists and dicts cannot be mutated. ``bound_issues`` finds at publish time what can be
seen then (literal repeat counts, exponents, widths, recursive loops).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_VALUE = 100_000  # characters of a string, items of a list, made while rendering
MAX_OUTPUT = 100_000  # characters of a rendered template
MAX_LOOP_STEPS = 100_000  # loop iterations in one render, all loops together
MAX_NUMBER_ARG = 10_000  # a number given to a filter or method (a width, a count)
MAX_POWER_BITS = 1_000  # bits of an integer ``a ** b`` may make
LOOP_FILTER = "loop_budget"
SIZE_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "slice", "batch", "tojson"})  # numbers = sizes
_REFUSED_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map", "join",
                              "replace", "translate", "encode", "mro"})
_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_steps: ContextVar[list[int] | None] = ContextVar("template_loop_steps", default=None)


def refuse(message: str) -> SecurityError:
    return SecurityError(message)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) else 0


def checked(value: Any) -> Any:
    """``value``, unless it is a string or collection longer than ``MAX_VALUE``."""
    if _size(value) > MAX_VALUE:
        raise refuse(f"a template value may hold at most {MAX_VALUE} characters or items")
    return value


def check_numbers(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER_ARG:
            raise refuse(f"a number given to a size filter may be at most {MAX_NUMBER_ARG}, got {arg}")


def check_format(text: Any) -> None:
    """Refuse ``%`` formats with ``*`` or a width/precision above ``MAX_NUMBER_ARG``."""
    if not isinstance(text, str):
        return
    for match in _WIDTH.finditer(text):
        for part in match.groups():
            if part == "*" or (part is not None and int(part) > MAX_NUMBER_ARG):
                raise refuse(f"a format width may be at most {MAX_NUMBER_ARG}")


def _repeat(left: Any, right: Any) -> Any:
    for seq, n in ((left, right), (right, left)):
        if _size(seq) and isinstance(n, int) and _size(seq) * max(n, 0) > MAX_VALUE:
            raise refuse(f"a template value may hold at most {MAX_VALUE} characters or items")
    return left * right


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if right * math.log2(abs(left)) > MAX_POWER_BITS:
            raise refuse(f"{left} ** {right} is too large a number")
    elif isinstance(right, int | float) and abs(right) > MAX_POWER_BITS:
        raise refuse(f"an exponent may be at most {MAX_POWER_BITS}")
    return left**right


def _modulo(left: Any, right: Any) -> Any:
    check_format(left)
    return left % right


BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": _repeat, "**": _power, "%": _modulo, "+": operator.add, "-": operator.sub, "/": operator.truediv,
    "//": operator.floordiv,
}


def loop_budget(value: Any) -> Iterator[Any]:
    """Iterate ``value``, counting each step against this render's budget (see ``budget``)."""
    steps = _steps.get()
    count = [0] if steps is None else steps
    for item in value:
        count[0] += 1
        if count[0] > MAX_LOOP_STEPS:
            raise refuse(f"a template may run at most {MAX_LOOP_STEPS} loop steps")
        yield item


class BudgetScope:
    """``with BudgetScope():`` — loops rendered inside share one ``MAX_LOOP_STEPS`` budget."""

    def __enter__(self) -> None:
        self._token = _steps.set([0])

    def __exit__(self, *exc: object) -> None:
        _steps.reset(self._token)


# --- filters checked before they run ---------------------------------------------------------------


def _replace_size(value: Any, old: Any = "", new: Any = "", count: Any = None) -> int:
    text, old_text, new_text = str(value), str(old), str(new)
    hits = (len(text) + 1) if old_text == "" else text.count(old_text)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new_text) - len(old_text), 0)


def _join_size(value: Any, d: Any = "", attribute: Any = None) -> int:
    items: Collection[Any] = value if isinstance(value, Collection) else []
    total = len(str(d)) * max(len(items) - 1, 0)
    for item in items:
        total += len(str(item)) if attribute is None else 0
        if total > MAX_VALUE:
            break
    return total


def _indent_size(value: Any, width: Any = 4, first: Any = False, blank: Any = False) -> int:
    pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    return len(str(value)) + (str(value).count("\n") + 1) * pad


def _wordwrap_size(value: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None,
                   *rest: Any) -> int:
    lines = len(str(value)) // max(width if isinstance(width, int) else 1, 1) + str(value).count("\n") + 1
    return len(str(value)) + lines * len(str(wrapstring or "\n"))


def _format_size(value: Any, *args: Any, **kwargs: Any) -> int:
    check_format(value)
    return 0


SIZE_BEFORE: dict[str, Callable[..., int]] = {
    "replace": _replace_size, "join": _join_size, "indent": _indent_size, "wordwrap": _wordwrap_size,
    "format": _format_size,
}


def bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` with its numbers, its predicted size and its result checked."""
    predict = SIZE_BEFORE.get(name)
    sizes = name in SIZE_FILTERS

    def run(*args: Any, **kwargs: Any) -> Any:
        if sizes:
            check_numbers([*args[1:], *kwargs.values()])
        plain = [a for a in args if not isinstance(a, Context)]  # pass_context filters get the context first
        if predict is not None and predict(*plain, **kwargs) > MAX_VALUE:
            raise refuse(f"'{name}' would make more than {MAX_VALUE} characters")
        return checked(original(*args, **kwargs))

    for attr in ("jinja_pass_arg",):  # keep @pass_context / @pass_eval_context / @pass_environment
        if hasattr(original, attr):
            setattr(run, attr, getattr(original, attr))
    return run


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with every way to make a large value checked (see the module docstring)."""

    intercepted_binops = frozenset(BINOPS)

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(autoescape=autoescape, auto_reload=False)
        self.filters = {name: bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters[LOOP_FILTER] = loop_budget

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        return checked(BINOPS[operator](left, right))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _REFUSED_METHODS:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        return checked(super().call(__context, __obj, *args, **kwargs))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _with_budget(super()._parse(source, name, filename))


def _with_budget(tree: nodes.Template) -> nodes.Template:
    """Every loop's iterable through ``loop_budget``; every ``~`` through ``checked`` (as a filter)."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
    for parent in list(tree.find_all(nodes.Node)):
        for field in parent.fields:
            child = getattr(parent, field, None)
            if isinstance(child, nodes.Concat):
                setattr(parent, field, nodes.Filter(child, "string", [], [], None, None, lineno=child.lineno))
            elif isinstance(child, list):
                setattr(parent, field, [nodes.Filter(c, "string", [], [], None, None, lineno=c.lineno)
                                        if isinstance(c, nodes.Concat) else c for c in child])
    return tree


def render_bounded(chunks: Iterable[str]) -> str:
    """Join a template's output stream, stopping past ``MAX_OUTPUT`` characters."""
    out: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise refuse(f"the message would be longer than {MAX_OUTPUT} characters")
        out.append(chunk)
    return "".join(out)


# --- at publish time ---------------------------------------------------------------------------------


def bound_issues(tree: nodes.Template) -> list[str]:
    """What a template's text already shows to be too large: literal counts, exponents, widths."""
    issues: list[str] = []
    for node in tree.find_all((nodes.Mul, nodes.Pow, nodes.Mod, nodes.Filter, nodes.Call, nodes.For)):
        issues += _bound_issues(node)
    return issues


def _literal_ints(values: Iterable[nodes.Node]) -> list[int]:
    return [v.value for v in values if isinstance(v, nodes.Const) and isinstance(v.value, int)
            and not isinstance(v.value, bool)]


def _bound_issues(node: nodes.Node) -> list[str]:
    if isinstance(node, nodes.Mul) and any(abs(n) > MAX_VALUE for n in _literal_ints([node.left, node.right])):
        return [f"a template may repeat a value at most {MAX_VALUE} times"]
    if isinstance(node, nodes.Pow) and any(abs(n) > 64 for n in _literal_ints([node.right])):
        return ["an exponent in a template may be at most 64"]
    if isinstance(node, nodes.Mod) and isinstance(node.left, nodes.Const):
        return _format_issue(node.left.value)
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr in _REFUSED_METHODS:
        return [f"the text method '{node.node.attr}' is not available in templates (use the filters "
                "'replace', 'join', 'format', 'center', 'indent' instead)"]
    if isinstance(node, nodes.Filter) and node.name in SIZE_FILTERS:
        numbers = _literal_ints([*node.args, *(k.value for k in node.kwargs)])
        if any(abs(n) > MAX_NUMBER_ARG for n in numbers):
            return [f"a number given to the '{node.name}' filter may be at most {MAX_NUMBER_ARG}"]
    if isinstance(node, nodes.Filter) and node.name == "format" and isinstance(node.node, nodes.Const):
        return _format_issue(node.node.value)
    if isinstance(node, nodes.For) and node.recursive:
        return ["recursive loops are not allowed in templates"]
    return []


def _format_issue(text: Any) -> list[str]:
    try:
        check_format(text)
    except SecurityError as exc:
        return [str(exc)]
    return []


__all__ = ["MAX_LOOP_STEPS", "MAX_OUTPUT", "MAX_VALUE", "BoundedEnvironment", "BudgetScope", "bound_issues",
           "render_bounded"]
