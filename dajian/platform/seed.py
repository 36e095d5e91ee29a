"""Generic sample data for any form: values generated from field kinds,
so demos and benchmarks need no app-specific code."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dajian.engines.form.model import FieldDef, FormDef

WORDS = ("设备", "故障", "物流", "延迟", "账单", "退款", "服务", "质量", "包装", "安装", "网络", "配送",
         "order", "delay", "refund", "screen", "battery", "invoice", "update", "login")


def sample_value(fdef: FieldDef, rng: random.Random, *, user_ids: list[int], dept_ids: list[int]) -> Any:
    options = [o.value for o in fdef.options or []]
    if fdef.kind in ("text", "long_text"):
        words = rng.randint(3, 12 if fdef.kind == "text" else 40)
        text = " ".join(rng.choice(WORDS) for _ in range(words))
        return text[: fdef.max_length or 1000]
    generators: dict[str, Any] = {
        "integer": lambda: rng.randint(int(fdef.min or 0), int(fdef.max or 1000)),
        "decimal": lambda: Decimal(rng.randint(0, 10**6)).scaleb(-(2 if fdef.scale is None else fdef.scale)),
        "boolean": lambda: rng.random() < 0.5,
        "date": lambda: date(2026, 1, 1) + timedelta(days=rng.randint(0, 330)),
        "datetime": lambda: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 475_000)),
        "single_select": lambda: rng.choice(options),
        "multi_select": lambda: rng.sample(options, rng.randint(0, len(options))),
        "email": lambda: f"user{rng.randint(1, 99999)}@example.com",
        "phone": lambda: f"+86 138{rng.randint(10_000_000, 99_999_999)}",
        "user": lambda: rng.choice(user_ids) if user_ids else None,
        "department": lambda: rng.choice(dept_ids) if dept_ids else None,
    }
    return generators[fdef.kind]() if fdef.kind in generators else None


def sample_records(
    form: FormDef, count: int, *, seed: int = 7, user_ids: list[int] | None = None,
    dept_ids: list[int] | None = None,
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for _ in range(count):
        yield {f.key: sample_value(f, rng, user_ids=user_ids or [], dept_ids=dept_ids or []) for f in form.fields}
