"""Who each operation of the platform API is for, and how operations are named in the OpenAPI.

Every operation carries exactly one audience tag (set on its router, or on the route where a module
serves several audiences), so /docs groups the API by reader and a generated client can split by it.
Operation ids come from ``operation_id`` alone: the router module and the endpoint function, e.g.
``records_create``, so a generated TypeScript client gets short, stable method names.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute

DESIGNER = "designer"
RUNTIME = "runtime"
ADMIN = "admin"
PUBLIC = "public"
INTEGRATIONS = "integrations"
AUTH = "auth"

DESCRIPTIONS: dict[str, tuple[str, str]] = {  # audience: (zh-CN, English)
    DESIGNER: ("设计器：应用草稿、校验、发布、版本、导入导出、预览、规则试运行与定义的 JSON Schema。",
               "Designer: app drafts, validation, publishing, versions, import and export, previews, "
               "rule dry-runs and the definition's JSON Schema."),
    RUNTIME: ("运行时：记录、搜索、文件、Excel 导入导出、流程任务与待办、通知、报表与仪表盘。",
              "Runtime: records, search, files, Excel import and export, flow tasks and inbox, "
              "notifications, reports and dashboards."),
    ADMIN: ("管理：用户、部门、应用成员、审计日志、Webhook 白名单、流程实例迁移。",
            "Administration: users, departments, app memberships, the audit log, the webhook allow-list "
            "and flow instance migration."),
    PUBLIC: ("公开：无需登录的公开表单与状态查询（限流）以及健康检查。",
             "Public, no sign-in: public forms and status look-ups (rate limited) and the health check."),
    INTEGRATIONS: ("集成：入站通道、Webhook 订阅与投递、每个应用的 OpenAPI 文档。",
                   "Integrations: inbound channels, webhook subscriptions and deliveries, each app's own "
                   "OpenAPI document."),
    AUTH: ("认证：登录、登出、当前用户与 API 令牌。",
           "Authentication: sign-in, sign-out, the current user and API tokens."),
}
OPENAPI_TAGS: list[dict[str, Any]] = [{"name": name, "description": f"{zh} / {en}"}
                                      for name, (zh, en) in DESCRIPTIONS.items()]
AUDIENCES = frozenset(tag["name"] for tag in OPENAPI_TAGS)

NOUNS = {"app": "platform"}  # routes declared on the app itself (the health check)


def operation_id(route: APIRoute) -> str:
    """The endpoint's module and function name, less the words that repeat the module:
    ``records.create`` → ``records_create``, ``apps.list_apps`` → ``apps_list``,
    ``search.search`` → ``search``. Stable across path changes (the /api/v1 move); the OpenAPI test
    checks that they stay unique."""
    module = route.endpoint.__module__.rsplit(".", 1)[-1]
    noun = NOUNS.get(module, module)
    words = [w for w in route.name.split("_") if w not in (noun, noun.removesuffix("s"))]
    return "_".join([noun, *words])
