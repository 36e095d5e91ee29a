"""Semantic-version rules for template versions: what a change to the definition asks of the version number.

A version that removes a form or a field, or changes a field's kind, breaks installed apps' data and
integrations: it must be a new major version. Adding a form or a field, or renaming one (``renamed_from``: the
data moves with it), is a minor change; anything else
(labels, layout, flows, rules, reports) a patch. The template center calls ``semver_issues`` at publish.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from dajian.platform.templates import Issue, parse_version

Bump = Literal["major", "minor", "patch"]
RANK: dict[Bump, int] = {"patch": 0, "minor": 1, "major": 2}


def _fields(form: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for fdef in form.get("fields") or []:
        if isinstance(fdef, dict) and isinstance(fdef.get("key"), str):
            yield f"{prefix}.{fdef['key']}", fdef
            if fdef.get("kind") == "subtable":
                yield from _fields(fdef, f"{prefix}.{fdef['key']}")


def stored_fields(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"ticket.title": {...}, "order.parts.qty": {...}}``: every field of every form, sub-tables included."""
    found: dict[str, dict[str, Any]] = {}
    for form in doc.get("forms") or []:
        if isinstance(form, dict) and isinstance(form.get("key"), str):
            found[form["key"]] = form
            found.update(_fields(form, form["key"]))
    return found


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Issue]:
    """Forms and fields removed or retyped from ``old`` to ``new`` (a field renamed with ``renamed_from``
    is neither): ``[{"path": "ticket.amount", "message": "retyped from decimal to text"}]``."""
    before, after = stored_fields(old), stored_fields(new)
    renamed = {f"{path.rsplit('.', 1)[0]}.{spec['renamed_from']}": path
               for path, spec in after.items() if spec.get("renamed_from")}
    changes: list[Issue] = []
    for path, spec in before.items():
        now = after.get(path) or after.get(renamed.get(path, ""))
        if now is None:
            changes.append({"path": path, "message": "removed"})
        elif "kind" in spec and spec.get("kind") != now.get("kind"):
            changes.append({"path": path, "message": f"retyped from {spec.get('kind')} to {now.get('kind')}"})
    return changes


def required_bump(old: dict[str, Any], new: dict[str, Any]) -> Bump:
    """The least version change ``new`` needs after ``old``."""
    if breaking_changes(old, new):
        return "major"
    return "minor" if set(stored_fields(new)) - set(stored_fields(old)) else "patch"


def bump_of(old_version: str, new_version: str) -> Bump | None:
    """``("1.2.3", "2.0.0")`` → ``"major"``; ``None`` when the new version is not greater."""
    a, b = parse_version(old_version), parse_version(new_version)
    if b <= a:
        return None
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def semver_issues(*, old_version: str, new_version: str, old: dict[str, Any], new: dict[str, Any]) -> list[Issue]:
    """Why ``new_version`` is not an acceptable number for the definition ``new`` after ``old``; ``[]`` if it is."""
    try:
        made = bump_of(old_version, new_version)
    except ValueError as exc:
        return [{"path": "/version", "message": str(exc)}]
    if made is None:
        return [{"path": "/version", "message": f"{new_version} is not greater than {old_version}"}]
    needed = required_bump(old, new)
    if RANK[made] >= RANK[needed]:
        return []
    reasons = "; ".join(f"{c['path']} {c['message']}" for c in breaking_changes(old, new)) or "fields added"
    return [{"path": "/version", "message": f"{new_version} is a {made} version but the change needs a {needed} "
                                            f"one ({reasons})"}]
