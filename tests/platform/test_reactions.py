"""The reactions after a record change (``dajian.platform.reactions``): one ordered list, the search index
written once on the final state, and what the client is told when a rule's flow cannot start."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dajian.platform.models import apps
from dajian.platform.reactions import REACTIONS
from dajian.platform.search import search_index
from tests.platform.conftest import Org, publish
from tests.platform.test_search import TICKETS, helpdesk, search
from tests.platform.test_template import RECORDS, TEMPLATE, complaint_body, install, load_template


def with_rules(*rules: dict[str, Any]) -> dict[str, Any]:
    return {**helpdesk(), "rules": list(rules)}


def test_the_reactions_are_one_visible_ordered_list() -> None:
    assert [name for name, _ in REACTIONS] == ["sla", "webhooks", "timers", "rules"]


def test_a_rule_on_created_that_sets_an_indexed_field_indexes_the_final_record_once(org: Org) -> None:
    admin = org.client()
    stamp = {"key": "stamp", "form": "ticket", "on": [{"event": "created"}],
             "actions": [{"kind": "set", "values": {"body": "自动登记：屏幕碎裂待检测"}}]}
    r = publish(admin, with_rules(stamp))
    assert r.status_code == 200, r.text
    created = admin.post(TICKETS, json={"title": "手机无法开机", "body": "充电无反应"})
    assert created.status_code == 201, created.text  # was 500: the index row inserted twice
    assert created.json()["body"] == "自动登记：屏幕碎裂待检测"
    assert [t["id"] for t in search(admin, "碎裂")] == [created.json()["id"]]
    assert search(admin, "充电") == []  # the first body is not what is indexed
    with org.engine.connect() as conn:
        app_id = conn.execute(select(apps.c.id).where(apps.c.org_id == org.id, apps.c.key == "helpdesk")).scalar()
        rows = conn.execute(select(func.count()).select_from(search_index).where(
            search_index.c.app_id == app_id, search_index.c.record_id == created.json()["id"])).scalar_one()
    assert rows == 1


def test_a_rule_that_sets_the_title_on_created_keeps_creates_working(org: Org) -> None:
    admin = org.client()
    title = {"key": "title", "form": "ticket", "on": [{"event": "created"}],
             "actions": [{"kind": "set", "values": {"title": "已受理"}}]}
    r = publish(admin, with_rules(title))
    assert r.status_code == 200, r.text
    ids = [admin.post(TICKETS, json={"title": f"工单 {n}"}) for n in range(3)]
    assert [r.status_code for r in ids] == [201, 201, 201], ids[0].text
    assert sorted(t["id"] for t in search(admin, "已受理")) == sorted(r.json()["id"] for r in ids)


def test_a_flow_a_rule_cannot_start_is_told_to_the_client(org: Org) -> None:
    """Nobody holds the triage role: the complaint is kept (the desk still has it) and the answer says
    the flow did not start, with the rule's path; once someone holds the role, no warning."""
    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    admin: TestClient = org.client()
    r = admin.post(RECORDS, json=complaint_body())
    assert r.status_code == 201, r.text
    [warning] = r.json()["_warnings"]
    assert warning["path"] == "/rules/start_handling"
    assert "handle_complaint" in warning["message"] and "nobody matches" in warning["message"]
    assert admin.get(f"{RECORDS}/{r.json()['id']}/flows").json()["items"] == []
    spec = admin.get(f"/api/v1/apps/{doc['key']}/openapi.json").json()
    assert "_warnings" in spec["components"]["schemas"]["complaint_record"]["properties"]  # documented

    agent = org.add_user("agent1")
    assert admin.post("/api/v1/admin/memberships", json={"user_id": agent, "app": doc["key"], "role": "agent"}
                      ).status_code == 201
    r = admin.post(RECORDS, json=complaint_body())
    assert r.status_code == 201, r.text
    assert "_warnings" not in r.json()
    assert len(admin.get(f"{RECORDS}/{r.json()['id']}/flows").json()["items"]) == 1


def test_flows_and_rules_resolve_round_robin_and_archived_roles_alike(org: Org) -> None:
    """One resolver: the flow's triage node and a rule's round-robin pick name the same next agent, and
    once the role is archived neither hands it work."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from dajian.engines.flow import Assignee
    from dajian.engines.rule.model import UserSpec
    from dajian.platform.flows.assign import PlatformEnv
    from dajian.platform.models import roles
    from dajian.platform.rules.env import RuleEnv
    from dajian.platform.rules.runner import eval_context
    from tests.platform.test_reaction_statements import complaint_app
    from tests.platform.test_template import admin_of

    admin = complaint_app(org)  # agent1 holds the agent role
    agents = [org.add_user(name) for name in ("agent2", "agent3")]
    for user in agents:
        assert admin.post("/api/v1/admin/memberships", json={"user_id": user, "app": "complaint_management",
                                                          "role": "agent"}).status_code == 201
    assert admin.post(RECORDS, json=complaint_body()).status_code == 201  # triage → agent1 (the first)
    from dajian.platform.apps import load_runtime

    def picks() -> tuple[list[int], list[int]]:
        with org.engine.begin() as conn:
            runtime = load_runtime(conn, admin_of(org), "complaint_management")
            env = PlatformEnv(conn, org.id, runtime.app_id, datetime.now(UTC), lambda: {})
            flow = env.resolve(Assignee(strategy="round_robin", role="agent"), node="triage", state={})
            rule = RuleEnv(conn, runtime, eval_context(runtime, None)).users(
                UserSpec(role="agent", pick="round_robin"), {})
            return flow, rule[:1]

    flow, rule = picks()
    assert flow == rule == [agents[0]]  # the one after agent1
    with org.engine.begin() as conn:
        app_id = load_runtime(conn, admin_of(org), "complaint_management").app_id
        conn.execute(update(roles).where(roles.c.app_id == app_id, roles.c.key == "agent").values(archived=True))
    assert picks() == ([], [])


def test_compiled_version_caches_are_keyed_by_database(org: Org) -> None:
    """Version ids are only unique within a database: the same version id in another database (here, a
    runtime whose tables are named differently) must not get the first database's compiled query."""
    import dataclasses

    from dajian.engines.form.compile import compile_form
    from dajian.platform.apps import load_runtime
    from dajian.platform.rules.env import aggregate_query
    from dajian.platform.rules.plans import ruleset_for
    from tests.platform.test_template import admin_of

    _, doc, _ = load_template(TEMPLATE)
    install(org, doc)
    with org.engine.connect() as conn:
        here = load_runtime(conn, admin_of(org), "complaint_management")
    other = {"forms": {k: compile_form(f.form, table_name=f"f999999_{k}") for k, f in here.forms.items()}}
    if hasattr(here, "database"):  # (a runtime knew no database before the one version cache)
        other["database"] = f"{here.database}-another"
    elsewhere = dataclasses.replace(here, **other)
    rules = ruleset_for(here)
    assert rules is not None
    rule = next(r for r in rules.rules.values() if r.aggregates)
    assert "f999999_" not in str(aggregate_query(here, rule))
    assert "f999999_" in str(aggregate_query(elsewhere, rule))


def test_one_audit_writer_and_no_record_listeners() -> None:
    """Audit rows are inserted only by ``audit.py``; record reactions are listed only in ``reactions.py``."""
    from pathlib import Path

    import dajian

    root = Path(dajian.__file__).parent
    sources = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    assert [p for p, text in sources.items() if "insert(audit_log" in text] == ["platform/audit.py"]
    assert [p for p, text in sources.items() if "register_record_listener" in text] == []


def notify_on_create(user_id: int) -> dict[str, Any]:
    return {"key": "tell", "form": "ticket", "on": [{"event": "created"}],
            "actions": [{"kind": "notify", "channels": ["in_app"], "to": [{"user": user_id}],
                         "subject": "收到 {{ record.title }}", "body": "已受理"}]}


def test_a_refused_notification_fails_its_rule_and_keeps_the_record(org: Org, monkeypatch: Any) -> None:
    """A notification's jobs are written without a savepoint: a refusal (raised before the INSERT) fails the
    rule and the record is kept; a database error there fails the whole create, nothing stored."""
    from sqlalchemy.exc import OperationalError

    from dajian.platform.errors import Invalid
    from dajian.platform.rules import outbox
    from dajian.platform.rules.tables import rule_runs

    admin = org.client()
    assert publish(admin, with_rules(notify_on_create(org.admin_id))).status_code == 200
    kept = admin.post(TICKETS, json={"title": "正常通知"})
    assert kept.status_code == 201, kept.text

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise Invalid("no such channel")

    monkeypatch.setattr(outbox, "notify", refuse)
    refused = admin.post(TICKETS, json={"title": "通知被拒"})
    assert refused.status_code == 201, refused.text
    assert admin.get(f"{TICKETS}/{refused.json()['id']}").status_code == 200
    with org.engine.connect() as conn:
        runs = conn.execute(select(rule_runs.c.record_id, rule_runs.c.status, rule_runs.c.error)
                            .where(rule_runs.c.rule_key == "tell", rule_runs.c.org_id == org.id)
                            .order_by(rule_runs.c.id)).all()  # fmt: skip
    assert [(r.record_id, r.status) for r in runs] == [(kept.json()["id"], "fired"), (refused.json()["id"], "error")]
    assert "no such channel" in runs[1].error

    def break_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT INTO jobs", {}, Exception("server closed the connection"))

    monkeypatch.setattr(outbox, "notify", break_down)
    failed = TestClient(org.api, raise_server_exceptions=False, cookies=admin.cookies,
                        headers=admin.headers).post(TICKETS, json={"title": "数据库故障"})
    assert failed.status_code >= 500
    assert [t["title"] for t in admin.get(TICKETS).json()["items"] if t["title"] == "数据库故障"] == []
