"""What a route declares about its answers: the model of its 2xx body, its 4xx statuses (each with the
shared ``ErrorBody`` and the ``code`` it carries) and, for routes that stream files, their media types.

``@router.get("/x", **answers(Page, *SIGNED_IN, 404, 422))`` documents exactly what the route can answer;
``document_errors`` (``dajian.platform.errors``) adds the catch-all ``4XX`` and the ``503`` to every operation.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import StreamingResponse

from dajian.platform.errors import (
    BadGateway,
    BadRequest,
    Conflict,
    DajianError,
    ErrorBody,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
)

Responses = dict[int | str, dict[str, Any]]

REFUSALS: dict[int, tuple[type[DajianError], str]] = {
    400: (BadRequest, "The request cannot be taken as sent"),
    401: (Unauthorized, "Not signed in, or the session or token has expired"),
    403: (Forbidden, "Not allowed: a token scope, a role or the CSRF token is missing"),
    404: (NotFound, "Not found, or not visible to you"),
    409: (Conflict, "Conflicts with what is stored: a value that must be unique is taken, a stale row_version "
                    "(the body's current holds the record as it is now), a flow changed meanwhile, "
                    "a retry while the first request with its Idempotency-Key is still running"),
    410: (Gone, "Gone for good: the link has expired"),
    413: (PayloadTooLarge, "The body or the file is larger than allowed"),
    422: (Invalid, "Invalid input: every problem with its JSON path"),
    429: (TooManyRequests, "Too many attempts: wait retry_after seconds (also sent as Retry-After)"),
    502: (BadGateway, "A remote server (a remote template center) did not answer as it should; nothing was stored"),
}
SIGNED_IN = (401, 403)  # the refusals of every route that needs a sign-in


def code_of(status: int) -> str:
    return REFUSALS[status][0].code


def errors(*statuses: int, **notes: str) -> Responses:
    """The documented refusals of a route: ``errors(401, 403, 409, e409="a stale row_version")``; a note
    replaces the status's general description."""
    return {status: {"model": ErrorBody,
                     "description": f"{notes.get(f'e{status}', REFUSALS[status][1])} (code: {code_of(status)})"}
            for status in sorted(set(statuses))}


def binary(description: str, *media_types: str) -> Responses:
    """The 200 answer of a route that streams a file (its ``response_class`` is a ``StreamingResponse``)."""
    return {200: {"description": description,
                  "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}}}


def answers(model: Any, *statuses: int, **notes: str) -> dict[str, Any]:
    """A JSON route's keyword arguments: its model, its refusals. Keys a service leaves out stay out of
    the answer (``exclude_unset``) rather than coming back as ``null``: ``total`` on a later page,
    ``_warnings`` on a create, the columns ``?fields=`` did not ask for."""
    return {"response_model": model, "response_model_exclude_unset": True, "responses": errors(*statuses, **notes)}


def streams(description: str, media_types: tuple[str, ...], *statuses: int) -> dict[str, Any]:
    """A file-streaming route's keyword arguments: its media types and its refusals."""
    return {"response_class": StreamingResponse, "responses": {**binary(description, *media_types),
                                                               **errors(*statuses)}}
