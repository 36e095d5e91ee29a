"""Client errors: every one becomes a 4xx with a message and, where it has
one, the JSON path of what is wrong. Nothing a client sends becomes a 500."""

from __future__ import annotations

from typing import Any


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


class Forbidden(DajianError):
    status_code = 403
    code = "forbidden"


class NotFound(DajianError):
    status_code = 404
    code = "not_found"


class Conflict(DajianError):
    status_code = 409
    code = "conflict"


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


def error(path: str, message: str) -> dict[str, Any]:
    return {"path": path, "message": message}
