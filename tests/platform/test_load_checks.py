"""The checks of the load bench and the fault test (``bench/cluster.py``) find what they look for:
a create answered but not stored, a create stored twice, a serial given twice or skipped, a due job
left undone, run twice or dead, an in-app message sent twice. (Without a database: rows as tuples.)"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace as Row
from typing import Any

from bench.cluster import Sent, _job_problems, _record_problems, _serial_problems
from dajian.platform.clock import utcnow


def test_serials_must_be_unique_and_gap_free_per_day() -> None:
    assert _serial_problems(["TS20260101-0001", "TS20260101-0002", "TS20260102-0001"]) == []
    assert _serial_problems(["TS20260101-0001", "TS20260101-0003"]) == ["serials TS20260101-…: 1 missing (first [2])"]
    assert _serial_problems(["TS20260101-0001", "TS20260101-0001"]) == ["serial 'TS20260101-0001' given 2 times"]
    assert _serial_problems([None]) == ["record without a well-formed serial: None"]


def test_every_answered_create_is_stored_once() -> None:
    rows = [Row(id=1, ticket_no="TS1-0001", subject="a"), Row(id=2, ticket_no="TS1-0002", subject="b"),
            Row(id=3, ticket_no="TS1-0003", subject="b")]
    sent = [Sent("api", "a", 201, 0.1, record_id=1), Sent("public", "b", 201, 0.1, serial="TS1-0002"),
            Sent("api", "lost", 201, 0.1, record_id=9), Sent("api", "refused", 422, 0.1)]
    assert _record_problems(rows, sent) == [
        "'b' stored 2 times", "api create 'lost' answered 201 (9) but is not stored as answered"]


def job(id: int, status: str, attempts: int = 1, *, due: int = -1, recipient: int = 7, record: int = 1) -> Any:
    payload = {"channel": "in_app", "recipient": ["user", recipient], "link": {"record": record}, "source": "rule:x"}
    return Row(id=id, kind="notify", status=status, attempts=attempts, due_at=utcnow() + timedelta(minutes=due),
               payload=payload)


def message(recipient: int = 7, record: int = 1) -> Any:
    return Row(user_id=recipient, link={"record": record}, source="rule:x")


def test_every_due_job_is_done_once_and_sends_its_message_once() -> None:
    ok, done, rerun = _job_problems([job(1, "done"), job(2, "pending", 0, due=60, recipient=8)], [message()],
                                    allow_rerun=False)
    assert (ok, done, rerun) == ([], 1, 0)  # a job due later may wait
    problems, _, _ = _job_problems([job(1, "done", 2), job(2, "pending", 0), job(3, "dead", 5, recipient=9)],
                                   [message(), message()], allow_rerun=False)
    assert problems == ["job 3 (notify) is dead", "1 due jobs not done (first: 2 notify pending)",
                        "1 jobs ran more than once (first: 1)",
                        "in-app message (7, 1, 'rule:x') sent 2 times, 1 notify jobs done"]
    assert _job_problems([job(1, "done", 2)], [message()], allow_rerun=True)[0] == []  # its first worker died
    assert _job_problems([job(1, "done")], [], allow_rerun=False)[0] == ["1 done notify jobs sent no in-app message"]
