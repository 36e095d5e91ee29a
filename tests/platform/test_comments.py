"""Comments on a record through the HTTP API, on SQLite and PostgreSQL: @mentions notify, attachments
are readable by whoever reads the record and nobody else, bad input names its field, the record's
history shows the comment, and the inbox names each task's step."""

from __future__ import annotations

from tests.platform.conftest import Org
from tests.platform.test_flows import Desk

RECORDS = "/api/v1/apps/complaints/forms/complaint/records"


def test_comment_with_mention_and_attachment(org: Org) -> None:
    desk = Desk(org)
    record_id = desk.new_complaint()
    alice = desk.as_("alice")
    up = alice.post("/api/v1/apps/complaints/forms/complaint/comments/files", content=b"%PDF-1.4 evidence\n" * 4,
                    headers={"X-Filename": "evidence.pdf"})
    assert up.status_code == 201, up.text
    file_id = up.json()["id"]
    made = alice.post(f"{RECORDS}/{record_id}/comments",
                      json={"body": "请 @tech1 看一下照片", "mentions": [desk.ids["tech1"]], "files": [file_id]})
    assert made.status_code == 201, made.text
    comment = made.json()
    assert comment["author"] == "alice" and comment["mentions"] == [{"id": desk.ids["tech1"], "name": "tech1"}]
    assert [f["name"] for f in comment["files"]] == ["evidence.pdf"]

    listed = alice.get(f"{RECORDS}/{record_id}/comments").json()["items"]
    assert [c["body"] for c in listed] == ["请 @tech1 看一下照片"]
    notes = desk.as_("tech1").get("/api/v1/notifications").json()
    items = notes["items"] if isinstance(notes, dict) else notes
    assert any("看一下照片" in n["title"] and n["link"] == {"app": "complaints", "form": "complaint",
                                                        "record": record_id} for n in items)
    history = alice.get(f"{RECORDS}/{record_id}/history").json()
    assert history[-1]["action"] == "comment" and history[-1]["changes"]["files"] == [None, ["evidence.pdf"]]

    download = f"{RECORDS}/{record_id}/comments/{comment['id']}/files/{file_id}"
    org.add_user("reader", dept="service")
    desk.admin.post("/api/v1/admin/memberships", json={"user_id": org_user(org, "reader"), "app": "complaints",
                                                       "role": "staff"})
    got = org.client("reader").get(download)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert desk.as_("director").get(download).status_code in (403, 404)  # may not read the record
    assert desk.as_("director").get(f"{RECORDS}/{record_id}/comments").status_code in (403, 404)


def org_user(org: Org, username: str) -> int:
    from sqlalchemy import select

    from dajian.platform.models import users

    with org.engine.connect() as conn:
        return int(conn.execute(select(users.c.id).where(users.c.org_id == org.id,
                                                         users.c.username == username)).scalar_one())


def test_bad_comments_name_the_field(org: Org) -> None:
    desk = Desk(org)
    record_id = desk.new_complaint()
    alice = desk.as_("alice")
    empty = alice.post(f"{RECORDS}/{record_id}/comments", json={"body": "  "})
    assert empty.status_code == 422 and empty.json()["errors"][0]["path"] == "/body"
    stranger = alice.post(f"{RECORDS}/{record_id}/comments", json={"body": "hi", "mentions": [999999]})
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["path"] == "/mentions/0"
    tech = desk.as_("tech1")  # uploaded by someone else: not attachable by alice
    assert tech.post("/api/v1/apps/complaints/forms/complaint/comments/files", content=b"x" * 20,
                     headers={"X-Filename": "a.txt"}).status_code in (403, 404)
    up = alice.post("/api/v1/apps/complaints/forms/complaint/comments/files", content=b"hello world text\n" * 2,
                    headers={"X-Filename": "a.txt"})
    assert up.status_code == 201, up.text
    other = desk.new_complaint()
    reuse = tech.post(f"{RECORDS}/{other}/comments", json={"body": "mine", "files": [up.json()["id"]]})
    assert reuse.status_code in (403, 404, 422)
    assert alice.post(f"{RECORDS}/999999/comments", json={"body": "x"}).status_code == 404


def test_inbox_names_the_step(org: Org) -> None:
    desk = Desk(org)
    desk.start(desk.new_complaint())
    boxes = [desk.as_(n).get("/api/v1/flows/inbox/pending").json()["items"] for n in ("agent1", "agent2")]
    items = [i for box in boxes for i in box]
    assert len(items) == 1 and items[0]["node_label"]["en"]
    assert items[0]["needs_input"] is True and items[0]["paused"] is False  # triage requires the priority


def test_backlinks_list_who_points_at_a_record(org: Org) -> None:
    from tests.platform.test_flows import _field

    customer_form = {"key": "customer", "label": {"en": "Customer"}, "title_field": "name",
                     "fields": [_field("name", "text")]}
    complaint_form = {"key": "complaint", "label": {"en": "Complaint"},
                      "fields": [_field("title", "text"), _field("customer", "relation", config={"form": "customer"})]}
    secret_form = {"key": "note", "label": {"en": "Note"},
                   "fields": [_field("text", "text"), _field("customer", "relation", config={"form": "customer"})]}
    everything = {"actions": ["create", "read", "update"], "row_scope": "all"}
    roles = [{"key": "staff", "label": {"en": "staff"},
              "permissions": {"customer": everything, "complaint": everything}}]
    app = {"schema_version": 1, "key": "crm", "label": {"en": "CRM"},
           "forms": [customer_form, complaint_form, secret_form], "roles": roles}
    from tests.platform.conftest import publish

    admin = org.client()
    assert publish(admin, app).status_code == 200
    user_id = org.add_user("sam")
    assert admin.post("/api/v1/admin/memberships", json={"user_id": user_id, "app": "crm", "role": "staff"}
                      ).status_code == 201
    sam = org.client("sam")
    base = "/api/v1/apps/crm/forms"
    customer = sam.post(f"{base}/customer/records", json={"name": "王女士"}).json()["id"]
    for title in ("屏幕碎裂", "电池鼓包"):
        assert sam.post(f"{base}/complaint/records", json={"title": title, "customer": customer}).status_code == 201
    assert sam.post(f"{base}/complaint/records", json={"title": "别人的"}).status_code == 201
    assert admin.post(f"{base}/note/records", json={"text": "内部备注", "customer": customer}).status_code == 201

    groups = sam.get(f"{base}/customer/records/{customer}/backlinks").json()["groups"]
    assert [(g["form"], g["field"], g["total"]) for g in groups] == [("complaint", "customer", 2)]  # no notes
    assert [i["title"] for i in groups[0]["items"]] == ["电池鼓包", "屏幕碎裂"]
    seen_by_admin = admin.get(f"{base}/customer/records/{customer}/backlinks").json()["groups"]
    assert [(g["form"], g["total"]) for g in seen_by_admin] == [("complaint", 2), ("note", 1)]
    assert sam.get(f"{base}/customer/records/999999/backlinks").status_code == 404
    complaint = groups[0]["items"][0]["id"]
    suggest = sam.get(f"{base}/complaint/records/{complaint}/backlinks").json()["suggest"]
    assert [(t["form"], t["field"], t["title_field"]) for t in suggest] == [("customer", "customer", "name")]
