"""Who each operation of the platform API is for, and how operations are named in the OpenAPI.

Every operation carries exactly one audience tag (set on its router, or on the route where a module
serves several audiences), so /docs groups the API by reader and a generated client can split by it.
Operation ids come from ``operation_id`` alone: ``<module>_<function>``, e.g. ``records_create``.
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

OPENAPI_TAGS: list[dict[str, Any]] = [
    {"name": DESIGNER, "description": "设计器：应用草稿、校验、发布、版本、预览与定义的 JSON Schema。"
                                      " / Designer: app drafts, validation, publishing, versions, previews "
                                      "and the definition's JSON Schema."},
    {"name": RUNTIME, "description": "运行时：记录、搜索、文件、Excel 导入导出、流程任务与待办、通知、报表与仪表盘。"
                                     " / Runtime: records, search, files, Excel import and export, flow tasks "
                                     "and inbox, notifications, reports and dashboards."},
    {"name": ADMIN, "description": "管理：用户、部门、应用成员、审计日志、Webhook 白名单、流程实例迁移。"
                                   " / Administration: users, departments, app memberships, the audit log, "
                                   "the webhook allow-list and flow instance migration."},
    {"name": PUBLIC, "description": "公开：无需登录的公开表单、状态查询与健康检查（有限流）。"
                                    " / Public: anonymous public forms, status look-ups and the health check "
                                    "(rate limited)."},
    {"name": INTEGRATIONS, "description": "集成：入站通道、Webhook 订阅与投递、每个应用的 OpenAPI 文档。"
                                          " / Integrations: inbound channels, webhook subscriptions and "
                                          "deliveries, each app's own OpenAPI document."},
    {"name": AUTH, "description": "认证：登录、登出、当前用户与 API 令牌。"
                                  " / Authentication: sign-in, sign-out, the current user and API tokens."},
]
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
