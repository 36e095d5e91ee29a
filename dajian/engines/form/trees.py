"""Option trees for cascade selects: the tree is data, the value a path in it.

A tree is a list of nodes ``{"value": "product", "label": {...}, "children":
[...]}`` at most ``MAX_DEPTH`` levels deep. A cascade field's config holds
the tree inline (``tree``) or names an app-level tree (``tree_key``) that the
caller substitutes with ``resolve_trees`` before compiling the form. The
stored value is the path of option values from a root to a node, e.g.
``["product", "quality", "defect"]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import Field, RootModel, model_validator

from dajian.engines.form.model import FieldDef, FormDef, Key, Label, Strict

MAX_DEPTH = 3
MAX_NODES = 5000
CASCADE_KIND = "cascade_select"


class OptionNode(Strict):
    value: Annotated[str, Field(min_length=1, max_length=100)]
    label: Label
    children: list[OptionNode] = Field(default_factory=list)


class OptionTree(RootModel[list[OptionNode]]):
    """The roots of a tree; every level's values are unique, depth and size are bounded."""

    root: Annotated[list[OptionNode], Field(min_length=1)]

    @model_validator(mode="after")
    def _shape(self) -> OptionTree:
        problem = next(_shape_problems(self.root, ()), None)
        if problem is not None:
            raise ValueError(problem)
        if _count(self.root) > MAX_NODES:
            raise ValueError(f"a tree has at most {MAX_NODES} options")
        return self


def _shape_problems(nodes: list[OptionNode], above: tuple[str, ...]) -> Iterator[str]:
    where = f" under '{'/'.join(above)}'" if above else ""
    if nodes and len(above) >= MAX_DEPTH:
        yield f"a tree is at most {MAX_DEPTH} levels deep; '{'/'.join(above)}' has children"
        return
    seen: set[str] = set()
    for node in nodes:
        if node.value in seen:
            yield f"duplicate option '{node.value}'{where}"
        seen.add(node.value)
        yield from _shape_problems(node.children, (*above, node.value))


def _count(nodes: list[OptionNode]) -> int:
    return sum(1 + _count(n.children) for n in nodes)


def find_path(tree: OptionTree, path: list[str]) -> list[OptionNode] | None:
    """The nodes along ``path`` from a root, or None when a step is not an option.

    ``find_path(tree, ["product", "quality"])`` gives ``[<product>, <quality>]``.
    """
    nodes, found = tree.root, []
    for value in path:
        node = next((n for n in nodes if n.value == value), None)
        if node is None:
            return None
        found.append(node)
        nodes = node.children
    return found


class CascadeConfig(Strict):
    tree: OptionTree | None = None
    tree_key: Key | None = Field(default=None, description="An app-level tree, supplied by the caller.")
    leaf_only: bool = Field(default=True, description="Only a path down to a leaf is a complete answer.")

    @model_validator(mode="after")
    def _one_source(self) -> CascadeConfig:
        if (self.tree is None) == (self.tree_key is None):
            raise ValueError("give exactly one of 'tree' (inline) or 'tree_key' (an app-level tree)")
        return self


def coerce_path(config: CascadeConfig, value: Any) -> list[str]:
    """A path given as a list (or ``"a/b/c"`` text) -> the checked list of values."""
    if config.tree is None:
        raise ValueError(f"the option tree '{config.tree_key}' is not available")
    path = value.split("/") if isinstance(value, str) else value
    if not isinstance(path, list) or not path or not all(isinstance(v, str) for v in path):
        raise ValueError("expected a list of option values from the top level down")
    if len(path) > MAX_DEPTH:
        raise ValueError(f"at most {MAX_DEPTH} levels")
    nodes = config.tree.root
    for depth, step in enumerate(path):
        node = next((n for n in nodes if n.value == step), None)
        if node is None:
            where = f" under '{'/'.join(path[:depth])}'" if depth else " at the top level"
            raise ValueError(f"'{step}' is not an option{where}")
        nodes = node.children
    if config.leaf_only and nodes:
        raise ValueError(f"choose one of the options under '{'/'.join(path)}'")
    return list(path)


def resolve_trees(
    form: FormDef, trees: Mapping[str, OptionTree], *, path: str = ""
) -> tuple[FormDef, list[dict[str, str]]]:
    """Put each cascade field's app-level tree (``config.tree_key``) inline.

    ``{"tree_key": "complaints"}`` with ``trees={"complaints": <tree>}`` becomes
    ``{"tree": [...]}``; an unknown key is an issue at ``{path}/fields/i/config/tree_key``.
    """
    fields: list[FieldDef] = []
    issues: list[dict[str, str]] = []
    for i, fdef in enumerate(form.fields):
        key = (fdef.config or {}).get("tree_key") if fdef.kind == CASCADE_KIND else None
        if not isinstance(key, str):
            fields.append(fdef)
        elif key not in trees:
            issues.append({"path": f"{path}/fields/{i}/config/tree_key", "message": f"no option tree '{key}'"})
            fields.append(fdef)
        else:
            config = {k: v for k, v in (fdef.config or {}).items() if k != "tree_key"}
            config["tree"] = trees[key].model_dump(mode="json")
            fields.append(fdef.model_copy(update={"config": config}))
    return form.model_copy(update={"fields": fields}), issues
