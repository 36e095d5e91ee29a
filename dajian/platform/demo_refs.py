"""Which existing record a demo value spec's ``ref`` links to.

``{"ref": "customer"}`` picks any live customer; the options narrow or shape the pick::

    "customer": {"ref": "customer", "before": "received_at", "skew": 1.3}
    "batch":    {"ref": "product_batch", "match": {"product": "product"}}
    "complaint": {"ref": "complaint", "where": "status = \\"closed\\"", "distinct": true}

``where`` a condition on the target's rows; ``match`` {its field: my field}; ``before`` a date or
date-time field of mine: only targets created by then (a customer who complained was a customer
already); ``skew`` (as for ``range``) favours the targets created first, so a few of them get many
links (the customers who complain again and again); ``distinct`` links each target once at most
(a survey answers one complaint) and runs dry when they are used up.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

Row = dict[str, Any]
Moment = Callable[[Any], datetime | None]


class RefPools:
    """Candidate rows per (target form, where, match values), loaded once and kept in creation order."""

    def __init__(self, rng: random.Random, load: Callable[[str], list[Row]], holds: Callable[[str, Any, Row], bool],
                 moment: Moment) -> None:
        self.rng, self.load, self.holds, self.moment = rng, load, holds, moment
        self.rows: dict[str, list[Row]] = {}
        self.narrowed: dict[str, tuple[list[Row], list[datetime]]] = {}
        self.used: set[tuple[str, int]] = set()
        self.unused: dict[str, list[Row]] = {}

    def forget(self, form_key: str) -> None:
        """The form got new rows: later picks read the stored rows again."""
        self.rows.pop(form_key, None)
        for pools in (self.narrowed, self.unused):
            for key in [k for k in pools if k.startswith(repr(form_key))]:
                del pools[key]

    def pick(self, spec: Mapping[str, Any], row: Row) -> Row | None:
        form_key = str(spec["ref"])
        key, (candidates, created) = self._candidates(form_key, spec, row)
        end = len(candidates)
        if spec.get("before"):
            mine = self.moment(row.get(str(spec["before"])))
            end = bisect.bisect_right(created, mine) if mine is not None else 0
        if spec.get("distinct"):
            return self._distinct(form_key, key, candidates, end)
        if end == 0:
            return None
        index = int(end * self.rng.random() ** float(spec.get("skew", 1)))
        return candidates[min(index, end - 1)]

    def _distinct(self, form_key: str, key: str, candidates: list[Row], end: int) -> Row | None:
        """A target not linked yet; without ``before`` from a list of the unused that shrinks as they go."""
        if end == len(candidates):
            left = self.unused.setdefault(key, list(candidates))
            while left:
                index = self.rng.randrange(len(left))
                left[index], left[-1] = left[-1], left[index]
                chosen = left.pop()
                if (form_key, chosen["id"]) not in self.used:
                    self.used.add((form_key, chosen["id"]))
                    return chosen
            return None
        left = [r for r in candidates[:end] if (form_key, r["id"]) not in self.used]
        if not left:
            return None
        chosen = self.rng.choice(left)
        self.used.add((form_key, chosen["id"]))
        return chosen

    def _candidates(self, form_key: str, spec: Mapping[str, Any],
                    row: Row) -> tuple[str, tuple[list[Row], list[datetime]]]:
        where, match = spec.get("where"), spec.get("match", {})
        key = repr(form_key) + repr((where, sorted((k, row.get(v)) for k, v in match.items())))
        found = self.narrowed.get(key)
        if found is None:
            if form_key not in self.rows:
                self.rows[form_key] = self.load(form_key)
            rows = [r for r in self.rows[form_key] if (not where or self.holds(form_key, where, r))
                    and all(r.get(k) == row.get(v) for k, v in match.items())]
            rows.sort(key=lambda r: (self._created(r), r["id"]))
            found = self.narrowed[key] = (rows, [self._created(r) for r in rows])
        return key, found

    def _created(self, row: Row) -> datetime:
        return self.moment(row.get("created_at")) or datetime.min.replace(tzinfo=UTC)


def as_moment(value: Any, zone: Any) -> datetime | None:
    """A date-time (a naive one is UTC, as the database hands it back) or a date (its local midnight)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    return None
