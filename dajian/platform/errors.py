"""Client errors: every one becomes a 4xx with a message and, where it has
one, the JSON path of what is wrong. Nothing a client sends becomes a 500."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field


class DajianError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.message}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(DajianError):
    pass


class Unauthorized(DajianError):
    status_code = 401
    code = "unauthorized"


ForbiddenReason = Literal[
    "admins_only", "csrf", "destination_refused", "fields_locked_at_step", "fields_not_readable",
    "fields_not_writable", "filter_fields_not_readable", "flow_action_denied", "flow_step_assignees_only",
    "form_create_denied", "form_delete_denied", "form_export_denied", "form_manage_denied", "form_read_denied",
    "form_update_denied", "no_access_rule", "not_app_manager", "not_in_flow", "publisher_profile_missing",
    "rating_needs_install", "report_fields_not_readable", "review_action_denied", "sort_fields_not_readable",
    "template_key_taken", "token_beyond_creator", "token_needs_session", "token_not_for_app", "token_scope_missing",
    "view_owner_only",
]
FORBIDDEN_REASONS: frozenset[str] = frozenset(get_args(ForbiddenReason))


class Forbidden(DajianError):
    """Not allowed, and why as a ``reason`` code with its ``params`` (field keys, app, scope), so the web
    app says it in the reader's language (catalogue ``denied.<reason>``); ``detail`` stays English."""

    status_code = 403
    code = "forbidden"

    def __init__(self, message: str, *, reason: ForbiddenReason, params: dict[str, str] | None = None,
                 errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(message, errors=errors, reason=reason, params=params or {}, **extra)


class NotFound(DajianError):
    status_code = 404
    code = "not_found"


class Conflict(DajianError):
    status_code = 409
    code = "conflict"


class Gone(DajianError):
    """It existed and will not come back: an expired link."""

    status_code = 410
    code = "gone"


class PayloadTooLarge(DajianError):
    status_code = 413
    code = "payload_too_large"


class Invalid(DajianError):
    """The input is well-formed JSON but breaks the rules; ``errors`` lists every problem."""

    status_code = 422
    code = "invalid"


class TooManyRequests(DajianError):
    status_code = 429
    code = "too_many_requests"


class BadGateway(DajianError):
    """Another server this one asked on the caller's behalf (a remote template center) did not answer, or not
    with what it should have: nothing was stored."""

    status_code = 502
    code = "bad_gateway"


class Unavailable(DajianError):
    """Nothing was stored because the database refused for a passing reason (a lock, a serialization
    failure): the same request may well succeed when retried, after ``retry_after`` seconds."""

    status_code = 503
    code = "unavailable"


def error(path: str, message: str) -> dict[str, Any]:
    return {"path": path, "message": message}


class ErrorItem(BaseModel):
    """One problem: ``path`` is a JSON path into the request (``/items/0/qty``, ``/record_id``), or ``""``."""

    path: str
    message: str


class ErrorBody(BaseModel):
    """The body of every 4xx answer, as documented in the OpenAPI (422 and 4XX on every operation).

    Some answers add keys: ``retry_after`` (429), ``current`` (409, the record as it is now).
    """

    model_config = ConfigDict(extra="allow")
    code: str = Field(description="invalid, not_found, forbidden, conflict, …")
    detail: str
    reason: str | None = Field(default=None, description="403: why, as a code (fields_not_writable, admins_only, …)")
    params: dict[str, str] | None = Field(default=None, description="403: what the reason names (fields, app, scope)")
    errors: list[ErrorItem] = Field(default_factory=list, description="every problem, when there are several")


ERROR_CONTENT: dict[str, Any] = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
ERROR_RESPONSES: dict[str, Any] = {
    "422": {"description": "Invalid input: every problem with its JSON path", "content": ERROR_CONTENT},
    "4XX": {"description": "Refused: not signed in, not allowed, not found, conflict, too large, too many",
            "content": ERROR_CONTENT},
    "503": {"description": "Nothing was stored: the database was busy (a lock, a serialization failure); "
                           "retry after Retry-After seconds", "content": ERROR_CONTENT},
}
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def document_errors(doc: dict[str, Any]) -> dict[str, Any]:
    """Document the 4xx bodies the API really answers (``ErrorBody``) on every operation of an OpenAPI
    ``doc``: 422, in place of FastAPI's ``HTTPValidationError``, which this API never sends, and 4XX."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas["ErrorBody"] = body
    for item in doc.get("paths", {}).values():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                _document(operation, takes_input="parameters" in operation or "requestBody" in operation)
    return doc


def _document(operation: dict[str, Any], *, takes_input: bool) -> None:
    """The route's own 4xx entries stay (``responses=`` on the route documents its statuses and codes);
    FastAPI's 422 is replaced, the catch-all 4XX and the 503 added, and every 4xx and 5xx answers
    ``ErrorBody``."""
    responses = operation.setdefault("responses", {})
    fastapi_422 = "HTTPValidationError" in str(responses.get("422", ""))
    if takes_input and ("422" not in responses or fastapi_422):
        responses["422"] = ERROR_RESPONSES["422"]
    elif fastapi_422:
        del responses["422"]
    for status in ("4XX", "503"):
        responses.setdefault(status, ERROR_RESPONSES[status])
    for status, response in responses.items():
        if status[0] in "45":
            response.setdefault("content", ERROR_CONTENT)
