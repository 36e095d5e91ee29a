"""Three-way merge of app definitions: the installed package version (base), the live app (local, with the
designer's customisations) and the new package version (new).

A value changed on one side only takes that side's value; changed the same way on both sides, that
value; changed differently, a conflict at its path that the admin resolves (``local`` or ``new``).
Objects merge key by key; lists of objects that all carry a distinct ``key`` (forms, fields, flows,
rules, roles…) merge item by item, so a field added upstream and a label changed locally both survive.
Paths name list items by key: ``/forms/ticket/fields/title/label/en``. Other lists are values.

    >>> merge({"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 3}).merged
    {'a': 2, 'b': 3}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Side = Literal["local", "new"]
_MISSING: Any = object()


@dataclass(frozen=True)
class Conflict:
    path: str
    base: Any
    local: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        shown = {k: (None if v is _MISSING else v) for k, v in (("base", self.base), ("local", self.local),
                                                                 ("new", self.new))}
        return {"path": self.path, **shown, "local_removed": self.local is _MISSING,
                "new_removed": self.new is _MISSING}


@dataclass
class MergeResult:
    merged: Any
    conflicts: list[Conflict] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)  # local customisations carried over
    unresolved: list[str] = field(default_factory=list)  # conflicts without a resolution


def _keyed(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, list) or not all(isinstance(v, dict) and isinstance(v.get("key"), str) for v in value):
        return None
    by_key = {v["key"]: v for v in value}
    return by_key if len(by_key) == len(value) else None


def _step(path: str, name: str) -> str:
    return f"{path}/{name.replace('~', '~0').replace('/', '~1')}"


class _Merger:
    def __init__(self, resolutions: dict[str, Side]) -> None:
        self.resolutions = resolutions
        self.result = MergeResult(merged=None)

    def value(self, path: str, base: Any, local: Any, new: Any) -> Any:
        if local == new:
            return local
        if local == base:
            return new
        if new == base:
            self.result.kept_local.append(path or "/")
            return local
        if isinstance(base, dict) and isinstance(local, dict) and isinstance(new, dict):
            return self.objects(path, base, local, new)
        keyed = [_keyed(v) for v in (base, local, new)]
        if all(k is not None for k in keyed):
            return self.lists(path, keyed[0] or {}, keyed[1] or {}, keyed[2] or {}, local, new)
        return self.conflict(path, base, local, new)

    def conflict(self, path: str, base: Any, local: Any, new: Any) -> Any:
        self.result.conflicts.append(Conflict(path or "/", base, local, new))
        side = self.resolutions.get(path or "/")
        if side is None:
            self.result.unresolved.append(path or "/")
            return new
        return local if side == "local" else new

    def objects(self, path: str, base: dict[str, Any], local: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in [*new, *(k for k in local if k not in new)]:
            merged = self.value(_step(path, name), base.get(name, _MISSING), local.get(name, _MISSING),
                                new.get(name, _MISSING))
            if merged is not _MISSING:
                out[name] = merged
        return out

    def lists(self, path: str, base: dict[str, Any], local: dict[str, Any], new: dict[str, Any],
              local_list: list[Any], new_list: list[Any]) -> list[Any]:
        order = [v["key"] for v in new_list] + [v["key"] for v in local_list if v["key"] not in new]
        out = []
        for name in order:
            merged = self.value(_step(path, name), base.get(name, _MISSING), local.get(name, _MISSING),
                                new.get(name, _MISSING))
            if merged is not _MISSING:
                out.append(merged)
        return out


def merge(base: Any, local: Any, new: Any, resolutions: dict[str, Side] | None = None) -> MergeResult:
    """Merge ``local`` and ``new`` from their common ``base``; ``resolutions`` picks a side per conflict path
    (an unresolved conflict takes ``new`` in ``merged`` and is listed in ``unresolved``)."""
    merger = _Merger(resolutions or {})
    merger.result.merged = merger.value("", base, local, new)
    return merger.result
