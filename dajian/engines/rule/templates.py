"""Message templates: Jinja2 in a ``SandboxedEnvironment``, checked when the app is published.

Two walls. At publish time the template's syntax tree is walked and refused if it names an
attribute or item starting with ``_`` (``''.__class__.__mro__``), a name it was not given
(``cycler``, ``lipsum`` — the environment has no globals at all), the ``attr`` filter, or
``import``/``include``/``extends``/macros. At render time the sandbox still refuses any unsafe
attribute, so a template stored before these checks cannot escape either.

Bounded work (``sandbox.py``): no value made while rendering may exceed ``MAX_VALUE`` characters
or items, loops share ``MAX_LOOP_STEPS`` steps per render, the output stops at ``MAX_OUTPUT``
characters; literal repeat counts, exponents and widths past those bounds are refused at publish.

``compile_template("Hi {{ record.name }}", names=RECORD_NAMES)`` → a ``Template``;
``render(t, {"record": {"name": "<b>"}})`` → ``"Hi &lt;b&gt;"`` (HTML autoescaping; ``html=False``
for subjects and JSON adapters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError

from .sandbox import BoundedEnvironment, BudgetScope, bound_issues, render_bounded

RECORD_NAMES = frozenset({"record", "old", "changed", "rule", "now", "survey_link"})
ADAPTER_NAMES = frozenset({"subject", "text", "html", "recipient", "now"})
_REFUSED_FILTERS = frozenset({"attr", "pprint", "random", "xmlattr"})
_REFUSED_NODES = (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends, nodes.Macro, nodes.CallBlock,
                  nodes.Block)


class TemplateRefused(ValueError):
    """A template that does not parse, reaches for Python internals, or failed while rendering."""


def _environment(html: bool) -> BoundedEnvironment:
    env = BoundedEnvironment(autoescape=html)
    env.globals.clear()
    for name in _REFUSED_FILTERS:
        env.filters.pop(name, None)
    return env


_ENVS = {True: _environment(True), False: _environment(False)}


def template_issues(text: str, *, names: Iterable[str], html: bool = True) -> list[str]:
    """Every reason to refuse ``text``; empty when it may be published."""
    try:
        tree = _ENVS[html].parse(text)
    except TemplateSyntaxError as exc:
        return [f"template syntax error on line {exc.lineno}: {exc.message}"]
    allowed = set(names) | {"loop"} | {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    issues = bound_issues(tree)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter, *_REFUSED_NODES)):
        issues += _node_issues(node, allowed)
    return list(dict.fromkeys(issues))


def _node_issues(node: nodes.Node, allowed: set[str]) -> list[str]:
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return [f"a template may not read '{node.attr}': Python internals are off limits"]
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
        return [f"a template may not read '{node.arg.value}': Python internals are off limits"]
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in allowed:
        return [f"unknown name '{node.name}' in template (known: {', '.join(sorted(allowed - {'loop'}))})"]
    if isinstance(node, nodes.Filter) and node.name in _REFUSED_FILTERS:
        return [f"the '{node.name}' filter is not allowed in templates"]
    if isinstance(node, _REFUSED_NODES):
        return [f"'{type(node).__name__.lower()}' is not allowed in templates"]
    return []


def compile_template(text: str, *, names: Iterable[str] = RECORD_NAMES, html: bool = True) -> Template:
    issues = template_issues(text, names=names, html=html)
    if issues:
        raise TemplateRefused("; ".join(issues))
    return _ENVS[html].from_string(text)


def render(template: Template, values: Mapping[str, Any]) -> str:
    try:
        with BudgetScope():
            return render_bounded(template.generate(values))
    except SecurityError as exc:
        raise TemplateRefused(f"template refused: {exc}") from None
    except TemplateError as exc:
        raise TemplateRefused(f"template failed: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, MemoryError) as exc:
        raise TemplateRefused(f"template failed: {type(exc).__name__}: {exc}") from None


def json_template_issues(value: Any, *, names: Iterable[str], path: str = "") -> list[tuple[str, str]]:
    """``(path, message)`` for every string leaf of a JSON template that would be refused."""
    if isinstance(value, str):
        return [(path, m) for m in template_issues(value, names=names, html=False)]
    if isinstance(value, Mapping):
        return [i for k, v in value.items() for i in json_template_issues(v, names=names, path=f"{path}/{k}")]
    if isinstance(value, list):
        return [i for n, v in enumerate(value) for i in json_template_issues(v, names=names, path=f"{path}/{n}")]
    return []


def compile_json_template(value: Any, *, names: Iterable[str]) -> Any:
    """The same JSON with every string replaced by its compiled (non-HTML) template."""
    if isinstance(value, str):
        return compile_template(value, names=names, html=False)
    if isinstance(value, Mapping):
        return {k: compile_json_template(v, names=names) for k, v in value.items()}
    if isinstance(value, list):
        return [compile_json_template(v, names=names) for v in value]
    return value


def render_json(value: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(value, Template):
        return render(value, values)
    if isinstance(value, Mapping):
        return {k: render_json(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [render_json(v, values) for v in value]
    return value
