"""The seed's complaint rules as an app definition (客诉管理): routing by category / VIP / region and
keyword, acknowledgement e-mail, repeat customers, large amounts, defect analysis per product batch,
a satisfaction survey 24 h after resolution, and reopening on a low score. Shared by engine and
platform tests."""

from __future__ import annotations

from typing import Any


def _field(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"zh-CN": key, "en": key}, **extra}


def _options(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"en": v}} for v in values]


def complaint_form() -> dict[str, Any]:
    fields = [
        _field("serial_no", "serial", config={"pattern": "TS{YYYYMMDD}-{0000}"}),
        _field("title", "text", required=True),
        _field("description", "long_text"),
        _field("category", "single_select", options=_options("quality", "logistics", "service", "price")),
        _field("region", "single_select", options=_options("east", "south", "north")),
        _field("vip", "boolean", default=False),
        _field("amount", "decimal", scale=2),
        _field("customer", "text"),
        _field("contact_email", "email"),
        _field("phone", "phone"),
        _field("batch_no", "text"),
        _field("team", "text"),
        _field("sla_hours", "integer"),
        _field("handler", "user"),
        _field("escalation_level", "integer", default=0),
        _field("status", "single_select", options=_options("new", "processing", "resolved", "reopened", "closed"),
               default="new"),
        _field("resolved_at", "datetime"),
        _field("score", "integer", min=1, max=5),
        _field("survey_sent", "boolean", default=False),
        _field("channel", "text"),
        _field("defect", "relation", config={"form": "defect", "on_delete": "set_null"}),
    ]
    return {"key": "complaint", "label": {"zh-CN": "客诉", "en": "Complaint"}, "fields": fields}


def defect_form() -> dict[str, Any]:
    fields = [_field("title", "text", required=True), _field("batch_no", "text"),
              _field("complaints", "integer", default=0), _field("opened_by_rule", "text")]
    return {"key": "defect", "label": {"zh-CN": "缺陷分析", "en": "Defect analysis"}, "fields": fields}


def routing_table() -> dict[str, Any]:
    """category × VIP × region → team and SLA hours (first hit)."""
    rows = [
        {"when": {"vip": True}, "then": {"team": "vip_desk", "sla_hours": 2}},
        {"when": {"category": "quality", "region": "east"}, "then": {"team": "quality_sh", "sla_hours": 8}},
        {"when": {"category": "quality"}, "then": {"team": "quality", "sla_hours": 24}},
        {"when": {"category": "logistics", "region": ["south", "east"]}, "then": {"team": "logistics_gz",
                                                                                  "sla_hours": 12}},
        {"when": {"category": "logistics"}, "then": {"team": "logistics", "sla_hours": 24}},
        {"when": {}, "then": {"team": "service_desk", "sla_hours": 48}},
    ]
    return {"key": "routing", "kind": "decision_table", "hit_policy": "first",
            "inputs": [{"key": "category"}, {"key": "vip", "type": "boolean"}, {"key": "region"}],
            "outputs": [{"key": "team"}, {"key": "sla_hours", "type": "integer"}], "rows": rows}


def complaint_rules(*, hook_url: str = "http://127.0.0.1:9/hook", wecom_url: str = "http://127.0.0.1:9/wecom"
                    ) -> list[dict[str, Any]]:
    created = [{"event": "created"}]
    return [
        routing_table(),
        {"key": "route", "form": "complaint", "priority": 10, "on": created,
         "actions": [{"kind": "decide", "table": "routing"}]},
        {"key": "keyword_safety", "form": "complaint", "priority": 20, "on": created,
         "when": 'OR(CONTAINS(description, "起火"), CONTAINS(description, "fire"))',
         "actions": [{"kind": "set", "values": {"team": "safety", "sla_hours": 1}}, {"kind": "escalate", "to": 3}]},
        {"key": "assign_quality", "form": "complaint", "priority": 30, "on": created,
         "when": 'OR(team = "quality", team = "quality_sh")',
         "actions": [{"kind": "assign", "field": "handler", "to": {"role": "quality_lead"}},
                     {"kind": "notify", "to": [{"user_field": "handler"}], "channels": ["in_app"],
                      "subject": "新投诉 {{ record.serial_no }} 分派给您", "body": "{{ record.title }}"}]},
        {"key": "acknowledge", "form": "complaint", "priority": 50, "on": created,
         "when": "NOT(ISBLANK(contact_email))",
         "actions": [{"kind": "notify", "to": [{"email_field": "contact_email"}], "channels": ["email"],
                      "subject": "我们已收到您的投诉 {{ record.serial_no }}",
                      "body": "<p>您好，{{ record.customer }}：</p><p>您的投诉《{{ record.title }}》已受理，"
                              "编号 {{ record.serial_no }}，处理团队：{{ record.team }}。</p>"}]},
        {"key": "repeat_customer", "form": "complaint", "priority": 60, "on": created,
         "aggregates": [{"key": "recent", "match": {"customer": "customer"},
                         "within": {"field": "created_at", "days": 30}}],
         "when": "AND(NOT(ISBLANK(customer)), agg.recent >= 3)",
         "actions": [{"kind": "escalate", "to": 1},
                     {"kind": "notify", "to": [{"role": "supervisor"}], "subject":
                      "客户 {{ record.customer }} 30 天内第 {{ record.agg.recent }} 次投诉"}]},
        {"key": "large_amount", "form": "complaint", "priority": 70,
         "on": [{"event": "created"}, {"event": "field_changed", "field": "amount"}],
         "when": "amount > 5000", "actions": [{"kind": "escalate", "to": 2}]},
        {"key": "batch_defect", "form": "complaint", "priority": 80, "on": created,
         "aggregates": [{"key": "batch", "match": {"batch_no": "batch_no"},
                         "within": {"field": "created_at", "hours": 24}, "where": {"==": [{"var": "category"},
                                                                                         "quality"]}}],
         "when": 'AND(category = "quality", NOT(ISBLANK(batch_no)), agg.batch >= 5)',
         "actions": [{"kind": "create", "form": "defect", "dedupe": "batch_no", "link_back": "defect",
                      "values": {"opened_by_rule": "batch_defect"},
                      "formulas": {"title": 'CONCATENATE("批次 ", batch_no, " 缺陷分析")', "batch_no": "batch_no"}},
                     {"kind": "update", "form": "defect", "match": {"batch_no": "batch_no"},
                      "formulas": {"complaints": "agg.batch"}}]},
        {"key": "stamp_resolved", "form": "complaint", "priority": 90,
         "on": [{"event": "field_changed", "field": "status", "to": "resolved"}],
         "actions": [{"kind": "set", "formulas": {"resolved_at": "NOW()"}}]},
        {"key": "survey", "form": "complaint", "priority": 100,
         "on": [{"event": "time", "field": "resolved_at", "offset": {"hours": 24}}],
         "when": 'AND(status = "resolved", NOT(ISBLANK(contact_email)))',
         "actions": [{"kind": "notify", "to": [{"email_field": "contact_email"}], "channels": ["email"],
                      "subject": "满意度调查：{{ record.serial_no }}",
                      "body": "<p>请为本次处理打分（1-5）：https://example.com/s/{{ record.serial_no }}</p>"},
                     {"kind": "set", "values": {"survey_sent": True}}]},
        {"key": "low_score_reopens", "form": "complaint", "priority": 110,
         "on": [{"event": "field_changed", "field": "score"}], "when": "score <= 2",
         "actions": [{"kind": "set", "values": {"status": "reopened"}}, {"kind": "escalate", "by": 1},
                     {"kind": "notify", "to": [{"user_field": "handler"}, {"role": "supervisor"}],
                      "channels": ["in_app", "wecom"],
                      "subject": "低分重开 {{ record.serial_no }}：{{ record.score }} 分"}]},
        {"key": "erp", "kind": "webhook", "url": hook_url, "events": ["complaint.created"], "max_attempts": 3},
        {"key": "wecom", "kind": "notify_channel", "adapter": "wecom", "url": wecom_url, "recipient": "none",
         "template": {"msgtype": "text", "text": {"content": "{{ subject }}"}}},
        {"key": "web", "kind": "public_form", "form": "complaint", "contact_field": "phone", "status_field": "status",
         "fields": ["title", "description", "category", "customer", "contact_email", "phone", "batch_no"],
         "rate_limit": {"max": 3, "per_minutes": 10}},
        {"key": "crm", "kind": "inbound_webhook", "form": "complaint",
         "map": {"title": "ticket.subject", "customer": "customer.name", "contact_email": "customer.email",
                 "amount": "ticket.amount"}},
        {"key": "mail", "kind": "inbound_email", "form": "complaint", "address": "complaints@example.com",
         "subject_field": "title", "body_field": "description", "from_field": "contact_email"},
    ]


ROLES = ("agent", "quality_lead", "supervisor")


def complaint_app(**urls: str) -> dict[str, Any]:
    staff = {"complaint": {"actions": ["create", "read", "update"], "row_scope": "all"},
             "defect": {"actions": ["read"], "row_scope": "all"}}
    roles = [{"key": k, "label": {"en": k}, "permissions": staff} for k in ROLES]
    return {"schema_version": 1, "key": "complaints", "label": {"zh-CN": "客诉管理", "en": "Complaints"},
            "forms": [complaint_form(), defect_form()], "roles": roles, "rules": complaint_rules(**urls)}
