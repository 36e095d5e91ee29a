"""The rule designer's rehearsals over the saved draft: dry-run its rules or a decision table on a real
record, render a message template in the sandbox, and send a webhook's test delivery. App managers only;
records are read from the published version's tables."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from dajian.platform.api.audiences import DESIGNER
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, RehearsalConn, TransactionalRoute
from dajian.platform.api.params import BodyId
from dajian.platform.api.schemas import rules as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers
from dajian.platform.api.versions import V1
from dajian.platform.apps import get_app_row, load_runtime, require_manage
from dajian.platform.principal import Principal
from dajian.platform.rules import design
from dajian.platform.rules.design import Rules

router = APIRouter(prefix=V1, route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
Template = Annotated[str, Field(max_length=20_000)]


class DraftDryRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str = Field(max_length=63)
    record_id: BodyId | None = None
    values: dict[str, Any] = Field(default_factory=dict, description="the change to try (none: the record as is)")
    event: str | None = Field(default=None, max_length=20,
                              description="created | updated | deleted | restored; default: the rule's trigger, "
                                          "else by record_id")
    rule: str | None = Field(default=None, max_length=63,
                             description="the rule to rehearse: its own trigger is sent (a timer, a schedule, a "
                                         "button, a flow event); every rule of that signal still runs in order")


class TableDryRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str | None = Field(default=None, max_length=63)
    record_id: BodyId | None = Field(default=None, description="its fields named like the inputs are the inputs")
    inputs: dict[str, Any] = Field(default_factory=dict, description="input values, over the record's")


class MessageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    form: str = Field(max_length=63)
    record_id: BodyId
    subject: Template
    body: Template = ""


class WebhookTestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subscription: str | None = Field(default=None, max_length=63, description="a webhook element of the draft")
    url: str | None = Field(default=None, max_length=2000)
    payload: dict[str, Any] | None = Field(default=None, description="a webhook action's payload (templates)")
    form: str | None = Field(default=None, max_length=63)
    record_id: BodyId | None = None


def _draft(conn: Any, principal: Principal, app_key: str) -> tuple[Any, Rules]:
    """The published runtime (the records) and the draft's rules; 404 before the first publish."""
    row = get_app_row(conn, principal, app_key, draft=True)
    require_manage(conn, principal, row)
    return load_runtime(conn, principal, app_key), design.draft_rules(row["draft"])


@router.post("/apps/{app_key}/draft/rules/dry-run", tags=[DESIGNER], **answers(out.DryRun, *SIGNED_IN, 404, 413, 422))
def dry_run_draft(conn: RehearsalConn, principal: Auth, app_key: str, body: DraftDryRunBody) -> dict[str, Any]:
    """Which of the draft's rules would fire for a real record (and a change), which parts of each
    condition held and what each would set and send — nothing is written."""
    runtime, rules = _draft(conn, principal, app_key)
    return design.rehearse(conn, principal, runtime, rules, form=body.form, record_id=body.record_id,
                           values=body.values, event=body.event, rule=body.rule)


@router.post("/apps/{app_key}/draft/decision-tables/{table_key}/dry-run", tags=[DESIGNER],
             **answers(out.TableDryRun, *SIGNED_IN, 404, 413, 422))
def dry_run_table(conn: RehearsalConn, principal: Auth, app_key: str, table_key: str,
                  body: TableDryRunBody) -> dict[str, Any]:
    """The draft's decision table on a record and/or typed inputs: every matching row and the answer."""
    runtime, rules = _draft(conn, principal, app_key)
    return design.explain_table(conn, principal, runtime, rules, table_key, form=body.form,
                                record_id=body.record_id, inputs=body.inputs)


@router.post("/apps/{app_key}/draft/messages/preview", tags=[DESIGNER],
             **answers(out.MessagePreview, *SIGNED_IN, 404, 413, 422))
def preview_message(conn: RehearsalConn, principal: Auth, app_key: str, body: MessageBody) -> dict[str, Any]:
    """A notification's subject and body rendered in the template sandbox against a real record, as the
    notify action renders them (a ``survey_link`` made here is rolled back)."""
    row = get_app_row(conn, principal, app_key)
    require_manage(conn, principal, row)
    runtime = load_runtime(conn, principal, app_key)
    return design.preview_message(conn, principal, runtime, form=body.form, record_id=body.record_id,
                                  subject=body.subject, body=body.body)


@router.post("/apps/{app_key}/draft/webhooks/test", tags=[DESIGNER],
             **answers(out.WebhookTest, *SIGNED_IN, 403, 404, 413, 422,
                       e403="the destination is a private address the organisation did not allow"))
def test_webhook(conn: Conn, principal: Auth, app_key: str, body: WebhookTestBody) -> dict[str, Any]:
    """One delivery now to a draft subscription or a URL (the payload's templates rendered on the record),
    through the deliveries' address guard; the answer is reported, never retried. Audited."""
    if body.subscription is None:  # a plain URL: the draft's rules need not compile
        row = get_app_row(conn, principal, app_key)
        require_manage(conn, principal, row)
        runtime, rules = load_runtime(conn, principal, app_key), None
    else:
        runtime, rules = _draft(conn, principal, app_key)
    return design.test_webhook(conn, principal, runtime, rules, subscription=body.subscription, url=body.url,
                               payload=body.payload, form=body.form, record_id=body.record_id)
