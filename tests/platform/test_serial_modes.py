"""Serial numbers: gap-free (the default) holds the form's counter until the create commits; ``"gapless":
false`` takes the number in its own short transaction, so concurrent creates never wait on each other."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from dajian.platform.apps import load_runtime
from dajian.platform.models import serial_counters
from dajian.platform.records import create_records, form_context
from tests.platform.conftest import Org, publish
from tests.platform.test_form_structure import ORDERS, shop_app
from tests.platform.test_template import admin_of


def shop(gapless: bool) -> dict[str, Any]:
    doc = shop_app()
    order = next(f for f in doc["forms"] if f["key"] == "order")
    number = next(f for f in order["fields"] if f["key"] == "number")
    number["config"] = {**number["config"], "gapless": gapless}
    return doc


def counter_locked(org: Org) -> bool:
    """Whether another transaction holds the order form's counter row (NOWAIT: no waiting, no timing)."""
    with org.engine.connect() as probe:
        try:
            probe.execute(select(serial_counters.c.value).where(serial_counters.c.form_key == "order")
                          .with_for_update(nowait=True)).all()
            return False
        except OperationalError:
            return True
        finally:
            probe.rollback()


@pytest.mark.parametrize("gapless", [True, False])
def test_a_pending_create_holds_the_counter_only_when_gap_free(org: Org, gapless: bool) -> None:
    if org.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the number is always taken in the create's transaction")
    client = org.client()
    assert publish(client, shop(gapless)).status_code == 200
    assert client.post(ORDERS, json={"channel": "phone"}).json()["number"].endswith("-0001")
    with org.engine.connect() as pending:  # a create that has taken its number and not committed yet
        transaction = pending.begin()
        runtime = load_runtime(pending, admin_of(org), "shop")
        ctx = form_context(pending, admin_of(org), runtime, "order", "create")
        [made] = create_records(pending, ctx, [{"channel": "web"}])
        assert made["number"].endswith("-0002")
        assert counter_locked(org) is gapless
        if not gapless:  # another create goes on meanwhile and gets the next number
            assert client.post(ORDERS, json={"channel": "phone"}).json()["number"].endswith("-0003")
        transaction.rollback()  # the pending create fails
    after = client.post(ORDERS, json={"channel": "phone"}).json()["number"]
    assert after.endswith("-0002" if gapless else "-0004")  # gap-free gives the number back; else a gap


def test_gapless_is_part_of_the_serial_config(org: Org) -> None:
    client = org.client()
    doc = shop(False)
    number = next(f for f in doc["forms"][1]["fields"] if f["key"] == "number")
    number["config"]["gapless"] = "sometimes"
    r = publish(client, doc)
    assert r.status_code == 422, r.text
    assert [e["path"] for e in r.json()["errors"]] == ["/forms/1/fields/0/config/gapless"]
