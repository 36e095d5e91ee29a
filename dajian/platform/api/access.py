"""Who may call which route: every route of the platform API, its token scope and its role, in one table.

``enforce`` runs before every route of every router (``create_app`` includes the routers with it) and
checks the table; services still apply their finer rules (row scopes, field rights, task assignees).
A route missing from the table is refused (fail closed), and ``tests/platform/test_access_routes.py``
walks every route of the OpenAPI document against this table, so a new route without a line here
fails the suite.

Roles, from least to most:

- ``anonymous``: no sign-in (public forms, inbound webhooks, login, health);
- ``member``: any signed-in user of the organisation; what they then see is up to the service;
- ``app_manager``: a role of the app in the path with ``manage_app``, or an organisation admin;
- ``admin``: an organisation administrator.

The scope is what an API token must carry (a browser session carries every scope); ``None`` means
any valid sign-in will do.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from dajian.platform import auth
from dajian.platform.api.deps import defer_check, get_engine
from dajian.platform.api.versions import V1
from dajian.platform.apps import get_app_row, require_manager
from dajian.platform.errors import Forbidden
from dajian.platform.principal import SCOPES, Principal

Role = Literal["anonymous", "member", "app_manager", "admin"]
ROLES: tuple[Role, ...] = ("anonymous", "member", "app_manager", "admin")


class Need(NamedTuple):
    scope: str | None
    role: Role


OPEN = Need(None, "anonymous")
SIGNED_IN = Need(None, "member")
READ = Need("records:read", "member")
WRITE = Need("records:write", "member")
DESIGN_READ = Need("apps:read", "app_manager")
DESIGN = Need("apps:manage", "app_manager")
ADMIN = Need("admin", "admin")
ADMIN_APPS = Need("apps:manage", "admin")

_APP = V1 + "/apps/{app_key}"
_RECORDS = _APP + "/forms/{form_key}/records"

ROUTES: dict[tuple[str, str], Need] = {
    # signing in and tokens (creating a token needs a browser session: the service says so)
    ("POST", V1 + "/auth/login"): OPEN,
    ("POST", V1 + "/auth/logout"): SIGNED_IN,
    ("GET", V1 + "/auth/me"): SIGNED_IN,
    ("PATCH", V1 + "/auth/me"): SIGNED_IN,  # my language and name
    ("POST", V1 + "/auth/password"): SIGNED_IN,  # the service refuses API tokens
    ("POST", V1 + "/auth/tokens"): SIGNED_IN,
    ("GET", V1 + "/auth/tokens"): SIGNED_IN,
    ("DELETE", V1 + "/auth/tokens/{token_id}"): SIGNED_IN,
    ("GET", V1 + "/health"): OPEN,
    # the organisation: members read departments and users for pickers (picker fields only)
    ("GET", V1 + "/admin/departments"): READ,
    ("POST", V1 + "/admin/departments"): ADMIN,
    ("PUT", V1 + "/admin/departments/{dept_id}/manager"): ADMIN,
    ("GET", V1 + "/admin/users"): READ,
    ("POST", V1 + "/admin/users"): ADMIN,
    ("PATCH", V1 + "/admin/users/{user_id}"): ADMIN,  # disable / enable, reset password
    ("PUT", V1 + "/admin/users/{user_id}/department"): ADMIN,
    ("POST", V1 + "/admin/memberships"): ADMIN,
    ("DELETE", V1 + "/admin/memberships"): ADMIN,
    ("GET", V1 + "/admin/memberships"): ADMIN,
    ("GET", V1 + "/admin/audit"): ADMIN,
    ("GET", V1 + "/admin/audit/entities"): ADMIN,
    # the job queue and webhook deliveries of the organisation (retry and redeliver are audited)
    ("GET", V1 + "/admin/jobs"): ADMIN,
    ("GET", V1 + "/admin/jobs/{job_id}"): ADMIN,
    ("POST", V1 + "/admin/jobs/{job_id}/retry"): ADMIN,
    ("GET", V1 + "/admin/webhook-deliveries"): ADMIN,
    # templates: install or upgrade an app from a package, export one (a definition may hold channel secrets)
    ("POST", V1 + "/admin/templates/import"): ADMIN_APPS,
    ("GET", V1 + "/admin/apps/{app_key}/template.zip"): Need("apps:read", "admin"),
    # template packages (.dajian): trusted publisher keys, upload, install / upgrade with previews, archive
    ("GET", V1 + "/admin/market/keys"): ADMIN,
    ("POST", V1 + "/admin/market/keys"): ADMIN,
    ("DELETE", V1 + "/admin/market/keys/{key_id}"): ADMIN,
    ("POST", V1 + "/admin/market/packages"): ADMIN_APPS,
    ("POST", V1 + "/admin/market/packages/{digest}/install-preview"): ADMIN_APPS,
    ("POST", V1 + "/admin/market/packages/{digest}/install"): ADMIN_APPS,
    ("GET", V1 + "/admin/market/installs"): Need("apps:read", "admin"),
    ("GET", V1 + "/admin/market/jobs/{job_id}"): Need("apps:read", "admin"),
    ("POST", V1 + "/admin/market/installs/{app_key}/upgrade-preview/{digest}"): ADMIN_APPS,
    ("POST", V1 + "/admin/market/installs/{app_key}/upgrade/{digest}"): ADMIN_APPS,
    ("POST", V1 + "/admin/market/installs/{app_key}/uninstall"): ADMIN_APPS,
    # the template center: the listing answers without sign-in (other servers browse it); publishing needs a
    # publisher profile, deciding the reviewer role (the service checks both); rating an install of the org
    ("GET", V1 + "/market/templates"): OPEN,
    ("GET", V1 + "/market/templates/{template_key}"): OPEN,
    ("GET", V1 + "/market/templates/{template_key}/versions/{version}/package"): OPEN,
    ("GET", V1 + "/market/templates/{template_key}/screenshots/{index}"): OPEN,
    ("GET", V1 + "/market/templates/{template_key}/versions/{version}/signer"): OPEN,
    ("GET", V1 + "/admin/market/remotes"): Need("apps:read", "admin"),
    ("POST", V1 + "/admin/market/remotes"): ADMIN,
    ("DELETE", V1 + "/admin/market/remotes/{remote_id}"): ADMIN,
    ("GET", V1 + "/admin/market/remotes/{remote_id}/templates"): Need("apps:read", "admin"),
    ("GET", V1 + "/admin/market/remotes/{remote_id}/templates/{template_key}"): Need("apps:read", "admin"),
    ("GET", V1 + "/admin/market/remotes/{remote_id}/templates/{template_key}/screenshots/{index}"):
        Need("apps:read", "admin"),
    ("POST", V1 + "/admin/market/remotes/{remote_id}/install"): ADMIN_APPS,
    ("POST", V1 + "/market/templates/{template_key}/ratings"): ADMIN_APPS,
    ("POST", V1 + "/admin/market/center/install"): ADMIN_APPS,
    ("GET", V1 + "/market/me"): SIGNED_IN,
    ("PUT", V1 + "/market/me/publisher"): Need("apps:manage", "member"),
    ("POST", V1 + "/market/me/keys"): Need("apps:manage", "member"),
    ("POST", V1 + "/market/publisher/versions"): Need("apps:manage", "member"),
    ("GET", V1 + "/market/publisher/versions"): Need("apps:read", "member"),
    ("GET", V1 + "/market/versions/{version_id}"): Need("apps:read", "member"),
    ("POST", V1 + "/market/versions/{version_id}/act"): Need("apps:manage", "member"),
    ("GET", V1 + "/market/review/queue"): Need("apps:read", "member"),
    ("POST", V1 + "/market/versions/{version_id}/sandboxes"): Need("apps:manage", "member"),
    ("GET", V1 + "/market/versions/{version_id}/sandboxes"): Need("apps:read", "member"),
    ("GET", V1 + "/market/sandboxes/{sandbox_id}"): Need("apps:read", "member"),
    ("POST", V1 + "/market/sandboxes/{sandbox_id}/enter"): Need("apps:manage", "member"),
    ("DELETE", V1 + "/market/sandboxes/{sandbox_id}"): Need("apps:manage", "member"),
    ("GET", V1 + "/admin/webhook-allowlist"): ADMIN,
    ("PUT", V1 + "/admin/webhook-allowlist"): ADMIN,
    # app design: drafts, definitions, versions and exports may hold channel secrets
    ("GET", V1 + "/schema/app.json"): OPEN,
    ("GET", V1 + "/catalog"): Need("apps:read", "member"),  # the designer's palettes: same for everyone
    ("GET", V1 + "/apps"): SIGNED_IN,
    ("POST", V1 + "/apps"): ADMIN_APPS,
    ("POST", V1 + "/apps/import"): ADMIN_APPS,
    ("GET", _APP): DESIGN_READ,
    ("GET", _APP + "/navigation"): READ,  # the web UI's app home: forms by the caller's roles, dashboards
    ("GET", _APP + "/forms/{form_key}/definition"): READ,  # the record page: layout, linkage, my fields
    ("PUT", _APP + "/draft"): DESIGN,
    ("GET", _APP + "/draft/history"): DESIGN_READ,  # the designer's recent draft saves
    ("GET", _APP + "/draft/history/{entry_id}"): DESIGN_READ,
    ("POST", _APP + "/draft/history/{entry_id}/restore"): DESIGN,
    ("GET", _APP + "/draft/trash"): DESIGN_READ,  # the designer's recycle bin
    ("PUT", _APP + "/draft/trash"): DESIGN,
    ("POST", _APP + "/validate"): DESIGN_READ,
    ("POST", _APP + "/publish"): DESIGN,
    ("GET", _APP + "/versions"): DESIGN_READ,
    ("GET", _APP + "/versions/{number}"): DESIGN_READ,
    ("GET", _APP + "/export"): DESIGN_READ,
    ("GET", _APP + "/openapi.json"): READ,
    ("POST", _APP + "/flows/validate"): DESIGN,
    ("POST", _APP + "/draft/flows/{flow_key}/preview"): DESIGN,
    ("GET", _APP + "/rules/runs"): DESIGN,
    ("POST", _APP + "/rules/dry-run"): DESIGN,
    ("POST", _APP + "/draft/rules/dry-run"): DESIGN,  # the rule designer's rehearsals over the draft
    ("POST", _APP + "/draft/decision-tables/{table_key}/dry-run"): DESIGN,
    ("POST", _APP + "/draft/messages/preview"): DESIGN,
    ("POST", _APP + "/draft/webhooks/test"): DESIGN,  # sends one request: audited
    ("POST", _APP + "/draft/view-as"): DESIGN,  # a list as someone would see it under the draft's roles: audited
    ("GET", _APP + "/draft/members"): DESIGN,  # the view-as picker and each role's member count
    ("POST", _APP + "/rules/schedules/sync"): DESIGN,
    ("GET", _APP + "/webhooks"): DESIGN,
    ("GET", _APP + "/webhooks/deliveries"): DESIGN,
    ("POST", V1 + "/webhooks/deliveries/{delivery_id}/redeliver"): ADMIN_APPS,
    ("GET", _APP + "/channels"): DESIGN,
    ("POST", V1 + "/flows/instances/{instance_id}/migrate"): ADMIN_APPS,
    # records: the app's roles decide rows and fields
    ("POST", _RECORDS): WRITE,
    ("GET", _RECORDS): READ,
    ("POST", _RECORDS + "/preview"): WRITE,  # the form while it is being filled in
    ("POST", _RECORDS + "/bulk"): WRITE,
    ("POST", _RECORDS + "/query"): READ,
    ("GET", _RECORDS + "/{record_id}"): READ,
    ("PATCH", _RECORDS + "/{record_id}"): WRITE,
    ("DELETE", _RECORDS + "/{record_id}"): WRITE,
    ("POST", _RECORDS + "/{record_id}/restore"): WRITE,
    ("GET", _RECORDS + "/{record_id}/history"): READ,
    ("GET", _RECORDS + "/{record_id}/flows"): READ,
    ("GET", _RECORDS + "/{record_id}/related"): READ,
    ("GET", _RECORDS + "/{record_id}/backlinks"): READ,
    ("GET", _RECORDS + "/{record_id}/comments"): READ,
    # a comment changes no record data: whoever may read a record may discuss it (the service checks the read)
    ("POST", _RECORDS + "/{record_id}/comments"): READ,
    ("POST", _APP + "/forms/{form_key}/comments/files"): READ,
    ("GET", _RECORDS + "/{record_id}/comments/{comment_id}/files/{file_id}"): READ,
    ("GET", _APP + "/forms/{form_key}/search"): READ,
    # saved list views: the service lets only the owner change one
    # bulk changes from a list: the service checks each record as its own route would
    ("POST", _RECORDS + "/bulk-update"): WRITE,
    ("POST", _RECORDS + "/bulk-delete"): WRITE,
    ("GET", _APP + "/forms/{form_key}/views"): READ,
    ("GET", _APP + "/forms/{form_key}/columns"): READ,
    ("POST", _APP + "/forms/{form_key}/views"): READ,
    ("PATCH", _APP + "/forms/{form_key}/views/{view_id}"): READ,
    ("DELETE", _APP + "/forms/{form_key}/views/{view_id}"): READ,
    ("GET", _APP + "/forms/{form_key}/export.xlsx"): READ,
    ("POST", _APP + "/forms/{form_key}/import/preview"): WRITE,
    ("POST", _APP + "/forms/{form_key}/import"): WRITE,
    ("GET", _APP + "/forms/{form_key}/import/{import_id}/progress"): WRITE,
    ("POST", _APP + "/forms/{form_key}/fields/{field_key}/files"): WRITE,
    ("GET", V1 + "/files/{file_id}/meta"): READ,
    ("GET", V1 + "/files/{file_id}"): READ,
    # flows: the service checks initiators and assignees
    ("POST", _APP + "/flows/{flow_key}/start"): WRITE,
    ("POST", _APP + "/flows/{flow_key}/preview"): READ,
    ("GET", V1 + "/flows/instances/{instance_id}"): READ,
    ("POST", V1 + "/flows/tasks/{task_id}/act"): WRITE,
    ("POST", V1 + "/flows/instances/{instance_id}/act"): WRITE,
    ("GET", V1 + "/flows/inbox/{box}"): READ,
    # reports, rule buttons, decision tables, notifications
    ("POST", _APP + "/reports/preview"): READ,
    ("POST", _APP + "/reports/{report_key}/run"): READ,
    ("GET", _APP + "/reports/{report_key}/export.xlsx"): READ,
    ("GET", _APP + "/reports/{report_key}/export.csv"): READ,
    # print templates: the list, the print view and the PDF (records as the caller may read them)
    ("GET", _APP + "/prints"): READ,
    ("GET", _APP + "/prints/{template_key}/html"): READ,
    ("GET", _APP + "/prints/{template_key}/pdf"): READ,
    ("POST", _APP + "/prints/{template_key}/pdf-jobs"): READ,  # makes a file of the reader's, changes no record
    ("GET", _APP + "/prints/jobs/{job_id}"): READ,
    ("POST", _APP + "/dashboards/{dashboard_key}/run"): READ,
    ("POST", _APP + "/rules/{rule_key}/run"): WRITE,
    ("POST", _APP + "/decision-tables/{table_key}/evaluate"): READ,
    ("GET", V1 + "/notifications"): READ,
    ("GET", V1 + "/notifications/unread-count"): READ,
    ("POST", V1 + "/notifications/{notification_id}/read"): WRITE,
    ("POST", V1 + "/notifications/read-all"): WRITE,
    # public: no sign-in (rate limited, signed, or both)
    ("POST", V1 + "/public/{org_key}/{app_key}/forms/{form_key}"): OPEN,
    ("POST", V1 + "/public/{org_key}/{app_key}/forms/{form_key}/fields/{field_key}/files"): OPEN,
    ("GET", V1 + "/public/{org_key}/{app_key}/status"): OPEN,
    ("GET", V1 + "/public/{org_key}/{app_key}/forms/{form_key}"): OPEN,
    ("GET", V1 + "/public/{org_key}/{app_key}/surveys/{token}"): OPEN,
    ("POST", V1 + "/public/{org_key}/{app_key}/surveys/{token}"): OPEN,
    ("POST", V1 + "/inbound/{channel_id}"): OPEN,
}

for _need in ROUTES.values():  # a typo fails at import, not per request
    assert _need.scope is None or _need.scope in SCOPES, _need
    assert _need.role in ROLES, _need
    assert _need.role != "anonymous" or _need.scope is None, _need
del _need


def need_of(method: str, path: str) -> Need | None:
    return ROUTES.get(("GET" if method == "HEAD" else method, path))


async def enforce(request: Request) -> None:
    """The router-level dependency: scope first (no database), then role.

    A coroutine: only the database reads (authentication, the app-manager check) take a thread-pool job."""
    from dajian.platform.api.auth import (
        PRINCIPAL_KEY,
        current_principal,  # auth's router is itself enforced
        sign_in,
    )

    route = request.scope.get("route")
    need = need_of(request.method, getattr(route, "path_format", ""))
    if need is None:
        raise Forbidden("this route declares no access rule (dajian/platform/api/access.py)", reason="no_access_rule")
    if need.role == "anonymous":
        return
    if getattr(route, "defers_auth", False) and PRINCIPAL_KEY not in request.scope:
        # a sync endpoint: sign in and check in its own thread-pool job, not in one more before it
        # (each job is a hand-over between threads and a place in the queue behind every waiting request)
        def check() -> Principal:
            principal = sign_in(request)
            _check(request, need, principal)
            return principal

        defer_check(check)
        return
    principal = await current_principal(request)
    if need.role == "app_manager":
        await run_in_threadpool(_check, request, need, principal)
    else:
        _check(request, need, principal, manager=False)


def _check(request: Request, need: Need, principal: Principal, *, manager: bool = True) -> None:
    if need.scope is not None and not auth.permits(principal, need.scope):
        raise Forbidden(f"missing scope '{need.scope}'", reason="token_scope_missing", params={"scope": need.scope},
                        scope=need.scope)
    if need.role == "admin" and not principal.is_org_admin:
        raise Forbidden("only organisation administrators may do this", reason="admins_only")
    if need.role == "app_manager" and manager:
        _require_manager(request, principal)


def _require_manager(request: Request, principal: Principal) -> None:
    """In a connection of its own, not held until the endpoint runs (see ``api.auth``)."""
    with get_engine(request).connect() as conn:
        require_manager(conn, principal, get_app_row(conn, principal, request.path_params["app_key"]))
