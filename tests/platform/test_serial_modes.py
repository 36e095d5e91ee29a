"""Serial numbers: no create waits on another create's counter. The number is taken in a short
transaction of its own; gap-free numbers (the default) are reserved, and a reservation whose create
did not commit is given to the next create; ``"gapless": false`` leaves a failed create's gap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError

from dajian.platform import record_parts
from dajian.platform.apps import load_runtime
from dajian.platform.models import serial_counters, serial_reservations
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


@pytest.fixture
def reclaim_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A left reservation is reclaimed without the grace a live create needs to delete its own."""
    monkeypatch.setattr(record_parts, "RECLAIM_AFTER", timedelta(0))


@pytest.mark.usefixtures("reclaim_at_once")
@pytest.mark.parametrize("gapless", [True, False])
def test_a_pending_create_holds_no_counter_and_a_failed_one_gives_its_number_back_when_gap_free(
        org: Org, gapless: bool) -> None:
    client = org.client()
    assert publish(client, shop(gapless)).status_code == 200
    assert client.post(ORDERS, json={"channel": "phone"}).json()["number"].endswith("-0001")
    with org.engine.connect() as pending:  # a create that has taken its number and not committed yet
        transaction = pending.begin()
        runtime = load_runtime(pending, admin_of(org), "shop")
        ctx = form_context(pending, admin_of(org), runtime, "order", "create")
        [made] = create_records(pending, ctx, [{"channel": "web"}])
        assert made["number"].endswith("-0002")
        if org.engine.dialect.name != "postgresql":
            # SQLite has one writer at a time: the number is taken in the create's transaction
            transaction.rollback()
            assert client.post(ORDERS, json={"channel": "phone"}).json()["number"].endswith("-0002")
            return
        assert not counter_locked(org)
        # another create goes on meanwhile: the pending create's number is not free while it runs
        assert client.post(ORDERS, json={"channel": "phone"}).json()["number"].endswith("-0003")
        transaction.rollback()  # the pending create fails
    numbers = [client.post(ORDERS, json={"channel": "phone"}).json()["number"][-4:] for _ in range(2)]
    # gap-free: the next create takes the failed create's number; else it stays a gap
    assert numbers == (["0002", "0004"] if gapless else ["0004", "0005"])
    assert stored_numbers(org) == (["0001", "0002", "0003", "0004"] if gapless
                                   else ["0001", "0003", "0004", "0005"])


@pytest.mark.usefixtures("reclaim_at_once")
def test_a_create_whose_connection_dies_gives_its_number_to_the_next_create(org: Org) -> None:
    if org.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: the number is part of the create's transaction")
    client = org.client()
    assert publish(client, shop(True)).status_code == 200
    dying = org.engine.connect()
    dying.begin()
    runtime = load_runtime(dying, admin_of(org), "shop")
    [made] = create_records(dying, form_context(dying, admin_of(org), runtime, "order", "create"),
                            [{"channel": "web"}])
    assert made["number"].endswith("-0001")
    dying.invalidate()  # the process is gone: its connection closes mid-transaction
    dying.close()
    for _ in range(50):  # the server notices the closed socket and ends the transaction
        number = client.post(ORDERS, json={"channel": "phone"}).json()["number"]
        if number.endswith("-0001"):
            break
    assert stored_numbers(org) == [f"{n:04d}" for n in range(1, len(stored_numbers(org)) + 1)]


def test_a_reservation_reclaimed_before_its_create_deletes_it_is_not_used_twice(
        org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """The instant between taking a reservation and deleting it: another create may reclaim it then, and
    the first create takes another number."""
    if org.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: the number is part of the create's transaction")
    client = org.client()
    assert publish(client, shop(True)).status_code == 200
    stolen: list[bool] = []

    def steal_first(conn: Any, statement: Any, *args: Any) -> None:
        if not stolen and getattr(statement, "is_delete", False) and statement.table is serial_reservations:
            stolen.append(True)
            with org.engine.begin() as thief:  # claims the reservation as a reclaiming create would
                thief.execute(update(serial_reservations).values(claim=serial_reservations.c.claim + 1))

    event.listen(org.engine, "before_execute", steal_first)
    try:
        number = client.post(ORDERS, json={"channel": "phone"}).json()["number"]
    finally:
        event.remove(org.engine, "before_execute", steal_first)
    assert stolen and number.endswith("-0002")  # 0001 belongs to its reclaimer now
    monkeypatch.setattr(record_parts, "RECLAIM_AFTER", timedelta(0))
    # the reclaimer never used it (it was this test): the next create takes it, and nothing is missing
    assert client.post(ORDERS, json={"channel": "phone"}).json()["number"].endswith("-0001")
    assert stored_numbers(org) == ["0001", "0002"]


def stored_numbers(org: Org) -> list[str]:
    with org.engine.connect() as conn:
        runtime = load_runtime(conn, admin_of(org), "shop")
        table = runtime.form("order").table
        return sorted(n[-4:] for n in conn.execute(select(table.c.number)).scalars())


def test_gapless_is_part_of_the_serial_config(org: Org) -> None:
    client = org.client()
    doc = shop(False)
    number = next(f for f in doc["forms"][1]["fields"] if f["key"] == "number")
    number["config"]["gapless"] = "sometimes"
    r = publish(client, doc)
    assert r.status_code == 422, r.text
    assert [e["path"] for e in r.json()["errors"]] == ["/forms/1/fields/0/config/gapless"]
