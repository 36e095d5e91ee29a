"""Report averages are exact and round half away from zero to the measure's decimals,
on SQLite and PostgreSQL alike (values built so the average lands exactly on a .5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.platform.conftest import Org, publish

L = {"en": "x"}
RECORDS = "/api/v1/apps/avg/forms/entry/records"
GROUPS: dict[str, list[str]] = {
    "a": ["2.00", "2.50"],  # 2.25 → 2.3 (half-even would say 2.2)
    "b": ["-2.00", "-2.50"],  # -2.25 → -2.3
    "c": ["0.10", "0.20"],  # 0.15 → 0.2 (0.15 is not exact in floating point)
    "d": ["0.01", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"],  # 0.00125
    "e": ["1000000.05", "1000000.00"],  # 1000000.025
    "f": ["0.35", "0.00"],  # 0.175
}


def app() -> dict[str, Any]:
    fields = [{"key": "grp", "kind": "text", "label": L},
              {"key": "amount", "kind": "decimal", "label": L, "precision": 14, "scale": 2}]
    return {"schema_version": 1, "key": "avg", "label": L,
            "forms": [{"key": "entry", "label": L, "fields": fields}]}


def expected(values: list[str], places: int) -> Decimal:
    exact = sum(Decimal(v) for v in values) / len(values)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_group_averages_round_half_away_from_zero(org: Org) -> None:
    client = org.client()
    assert publish(client, app()).status_code == 200
    for grp, values in GROUPS.items():
        for value in values:
            assert client.post(RECORDS, json={"grp": grp, "amount": value}).status_code == 201
    report = {"key": "r", "label": L, "dataset": {"form": "entry"}, "dimensions": [{"field": "grp"}],
              "measures": [{"key": "one", "agg": "avg", "field": "amount", "decimals": 1},
                           {"key": "two", "agg": "avg", "field": "amount", "decimals": 2},
                           {"key": "four", "agg": "avg", "field": "amount"}]}
    response = client.post("/api/v1/apps/avg/reports/preview", json={"report": report, "params": {}})
    assert response.status_code == 200, response.text
    got = {r["dims"]["grp"]: r["values"] for r in response.json()["rows"]}
    for grp, values in GROUPS.items():
        for key, places in (("one", 1), ("two", 2), ("four", 4)):
            assert Decimal(str(got[grp][key])) == expected(values, places), (grp, key, got[grp][key])
