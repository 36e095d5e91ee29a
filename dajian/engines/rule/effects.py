"""What executing rules produces: effects for the platform to apply, and the interfaces it supplies.

The engine decides; the platform applies. Field changes (``set``, ``assign``, ``escalate``,
``decide``) are merged into one ``Outcome.values`` because later rules of the same event must see
them; everything else is an ``Effect`` applied after those values are written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .model import UserSpec

MISSING = object()


class ChangedView:
    """``changed.status`` in conditions: true when the event changed ``status``."""

    __slots__ = ("keys",)

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys

    def get(self, key: str, default: Any = None) -> bool:
        return key in self.keys


@dataclass(frozen=True)
class Recipient:
    kind: str  # user | email | phone
    value: Any


@dataclass(frozen=True)
class CreateRecord:
    form: str
    values: Mapping[str, Any]
    dedupe: str | None = None  # one record per (rule, form, dedupe) — e.g. per product batch
    link_back: str | None = None  # field of the triggering record receiving the id


@dataclass(frozen=True)
class UpdateRecords:
    form: str
    match: Mapping[str, Any]
    values: Mapping[str, Any]
    limit: int = 100


@dataclass(frozen=True)
class StartFlow:
    flow: str


@dataclass(frozen=True)
class Notify:
    recipients: tuple[Recipient, ...]
    channels: tuple[str, ...]
    subject: str
    body: str  # HTML (autoescaped)
    rate_limit: tuple[int, int] | None = None  # (max, per minutes)
    digest: bool = False


@dataclass(frozen=True)
class CallWebhook:
    subscription: str | None
    url: str | None
    payload: Any


Effect = CreateRecord | UpdateRecords | StartFlow | Notify | CallWebhook


class Firing:
    """One rule firing on one record: what actions read and the values they set."""

    __slots__ = ("before", "ctx", "effects", "env", "record", "rule", "values")

    def __init__(self, rule: str, record: dict[str, Any], env: Env, ctx: Any) -> None:
        self.rule = rule
        self.record = record  # the working record (later rules see earlier writes), plus old/new/changed/agg
        self.env = env
        self.ctx = ctx  # EvalContext
        self.values: dict[str, Any] = {}
        self.effects: list[Effect] = []
        self.before: dict[str, Any] | None = None  # what ``set`` overwrote, for ``undo``

    def set(self, key: str, value: Any) -> None:
        if self.before is None:
            self.before = {key: self.record.get(key, MISSING)}
        elif key not in self.before:
            self.before[key] = self.record.get(key, MISSING)
        self.values[key] = value
        self.record[key] = value

    def remember(self) -> dict[str, Any]:
        self.before = {}
        return self.before

    def undo(self) -> None:
        for key, value in (self.before or {}).items():
            if value is MISSING:
                self.record.pop(key, None)
            else:
                self.record[key] = value


class RuleRun:
    """The log entry of one rule on one event (``rule_runs``; dry runs return these)."""

    __slots__ = ("effects", "error", "fired", "reason", "rule", "values")

    def __init__(self, rule: str, fired: bool, reason: str, values: Mapping[str, Any] | None = None,
                 effects: Sequence[Effect] = (), error: str | None = None) -> None:
        self.rule, self.fired, self.reason, self.error = rule, fired, reason, error
        self.values: Mapping[str, Any] = values if values is not None else {}
        self.effects: Sequence[Effect] = effects

    def __repr__(self) -> str:
        return f"RuleRun({self.rule!r}, fired={self.fired}, reason={self.reason!r}, error={self.error!r})"


class Outcome:
    """What the rules of one event decided: the log entries; the merged field values and the other
    effects of the rules that fired are derived from them.

    The hot path logs a firing as ``(rule plan, values, effects, reason)`` and the ``RuleRun`` is made when
    ``runs`` is first read (after the last rule ran).
    """

    __slots__ = ("_log", "_runs")

    def __init__(self) -> None:
        self._log: list[Any] = []
        self._runs: list[RuleRun] | None = None

    def log(self) -> list[Any]:
        return self._log

    @property
    def runs(self) -> list[RuleRun]:
        if self._runs is None:
            self._runs = [e if isinstance(e, RuleRun) else RuleRun(e[0].key, True, e[3] + e[0].because, e[1], e[2])
                          for e in self._log]
        return self._runs

    @runs.setter
    def runs(self, runs: list[RuleRun]) -> None:
        self._runs = runs

    @property
    def values(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for run in self.runs:
            if run.fired:
                merged.update(run.values)
        return merged

    @property
    def effects(self) -> list[Effect]:
        return [e for run in self.runs if run.fired for e in run.effects]

    @property
    def fired(self) -> list[str]:
        return [r.rule for r in self.runs if r.fired]


class Env(Protocol):
    """What the platform supplies while rules run (reads only; writes are effects)."""

    def users(self, spec: UserSpec, record: Mapping[str, Any]) -> list[int]: ...

    def aggregates(self, rule: Any, record: Mapping[str, Any]) -> Mapping[str, Any]: ...

    def survey_link(self, form: str, rule: str, record: Mapping[str, Any], days: int) -> str: ...


class NullEnv:
    """For pure tests and benches: no users, aggregates from a fixed mapping."""

    def __init__(self, aggregates: Mapping[str, Mapping[str, Any]] | None = None,
                 users: Mapping[str, list[int]] | None = None) -> None:
        self._aggregates = aggregates or {}
        self._users = users or {}

    def users(self, spec: UserSpec, record: Mapping[str, Any]) -> list[int]:
        if spec.user is not None:
            return [spec.user]
        if spec.field is not None:
            value = record.get(spec.field)
            return [int(value)] if value is not None else []
        return list(self._users.get(spec.role or "", []))

    def aggregates(self, rule: Any, record: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._aggregates.get(rule.key, {})

    def survey_link(self, form: str, rule: str, record: Mapping[str, Any], days: int) -> str:
        return f"/p/-/-/survey/{form}-{record.get('id')}"  # no server, no signature: a recognisable stand-in
