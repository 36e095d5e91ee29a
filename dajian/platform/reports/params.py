"""Parameter values the platform supplies: ``$user.id`` / ``$user.dept_id`` defaults, departments
with the ones below them, and "today" in the app's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from dajian.engines.report import ReportPlan
from dajian.platform.clock import utcnow
from dajian.platform.permissions import subtree_ids
from dajian.platform.principal import Principal

USER_TOKENS = {"$user.id": "user_id", "$user.dept_id": "dept_id"}


def local_today(timezone: str) -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def resolve_params(conn: Connection, principal: Principal, plan: ReportPlan, raw: Mapping[str, Any]) -> dict[str, Any]:
    """``{"dept": 7}`` with ``include_children`` -> ``{"dept": [7, 9, 12]}``; ``"$user.dept_id"`` -> the reader's."""
    out = dict(raw)
    for param in plan.params:
        value = out.get(param.key, param.definition.default)
        if isinstance(value, str) and value in USER_TOKENS:
            value = getattr(principal, USER_TOKENS[value])
        if param.definition.include_children and value is not None:
            roots = value if isinstance(value, list) else [value]
            value = sorted({d for root in roots if isinstance(root, int) and not isinstance(root, bool)
                            for d in subtree_ids(conn, principal.org_id, root)}) or roots
        if value is not None:
            out[param.key] = value
    return out
