"""Every API error is ``application/problem+json`` (RFC 9457) with a stable type and the offending fields.

Views raise ``ApiProblem``; service errors, APIFlask validation errors and plain HTTP errors (404 route, 405,
413, 429 from the rate limiter, 500) are turned into the same shape. Types are stable relative URIs listed at
``/api/v1/problems``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, request

from recruitment_watch.services.errors import Conflict, FieldError, Forbidden, NotFound, Rejected, ServiceError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

# slug → (title, what it means). The slugs are part of the API contract: never rename one.
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "malformed-request": ("Malformed request", "The body is not valid JSON, or a header or parameter is unreadable."),
    "unauthorized": ("API key required", "Send a valid, unrevoked key as 'Authorization: Bearer <key>'."),
    "forbidden": (
        "Not allowed",
        "The caller is known but may not do this: the key lacks the scope, or the action is an inspector's.",
    ),
    "not-found": ("Not found", "No such resource, or it belongs to another organisation."),
    "method-not-allowed": ("Method not allowed", "The resource does not support this HTTP method."),
    "conflict": ("Conflict", "The request clashes with the stored state (a duplicate reference, a closed finding)."),
    "payload-too-large": ("Payload too large", "The body exceeds the size limit."),
    "unsupported-media-type": ("Unsupported media type", "Send JSON with 'Content-Type: application/json'."),
    "validation-error": ("Invalid request", "One or more fields are invalid; see errors[] for each field."),
    "idempotency-key-reused": (
        "Idempotency-Key reused",
        "This Idempotency-Key was first used with another request; use a new key for a new request.",
    ),
    "rate-limited": ("Too many requests", "Slow down; retry after the number of seconds in Retry-After."),
    "server-error": ("Server error", "Something failed on our side; the request changed nothing. Try again later."),
    "database-busy": (
        "Database busy",
        "A long write (such as a compliance sweep recording findings) holds the database; the request changed "
        "nothing. Retry after the number of seconds in Retry-After.",
    ),
    "uri-too-long": ("URI too long", "The path and query exceed 2,048 bytes; page with the cursor, filter less."),
}
SLUG_BY_STATUS = {
    400: "malformed-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "rate-limited",
}


class ApiProblem(Exception):
    """Raise from a view to answer with a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})


def problem_body(status: int, slug: str, detail: str, errors: Iterable[FieldError] = ()) -> dict[str, Any]:
    """The JSON document of a problem."""
    title = PROBLEM_TYPES[slug][0]
    return {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path if request else None,
        "errors": [{"field": error.field, "message": error.message} for error in errors],
    }


def problem_response(problem: ApiProblem) -> Response:
    """The HTTP response for a problem."""
    body = problem_body(problem.status, problem.slug, problem.detail, problem.errors)
    response = Response(json.dumps(body), status=problem.status, mimetype=MEDIA_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def from_service_error(exc: ServiceError) -> ApiProblem:
    """NotFound → 404, Conflict → 409, Forbidden → 403, other service errors → 422, each naming the field."""
    errors = [FieldError(exc.field, str(exc))]
    if isinstance(exc, NotFound):
        return ApiProblem(404, "not-found", str(exc), errors=errors)
    if isinstance(exc, Conflict):
        return ApiProblem(409, "conflict", str(exc), errors=errors)
    if isinstance(exc, Forbidden):
        return ApiProblem(403, "forbidden", str(exc), errors=errors)
    return ApiProblem(422, "validation-error", str(exc), errors=errors)


def from_rejected(exc: Rejected) -> ApiProblem:
    """A rejected single item: the status follows the kind of its first reason."""
    status, slug = {
        "not_found": (404, "not-found"),
        "conflict": (409, "conflict"),
        "forbidden": (403, "forbidden"),
    }.get(exc.kind, (422, "validation-error"))
    return ApiProblem(status, slug, str(exc), errors=exc.errors)


def from_validation_detail(status: int, detail: Mapping[str, Any]) -> ApiProblem:
    """APIFlask's validation detail ``{location: {field: [messages]}}`` as a problem with one error per message."""
    errors = []
    for location, fields in (detail or {}).items():
        for name, messages in (fields or {}).items():
            prefix = "" if location == "json" else f"{location}:"
            for message in messages if isinstance(messages, list) else [messages]:
                errors.append(FieldError(prefix + str(name) if name != "_schema" else None, str(message)))
    summary = "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in errors) or "invalid request"
    return ApiProblem(status if status != 400 else 422, "validation-error", summary, errors=errors)


def from_http_status(status: int, message: str | None, headers: Mapping[str, str] | None = None) -> ApiProblem:
    """A plain HTTP error (route not found, method not allowed, rate limited, server error) as a problem."""
    slug = SLUG_BY_STATUS.get(status, "server-error" if status >= 500 else "malformed-request")
    detail = message or PROBLEM_TYPES[slug][1]
    if status >= 500:
        detail = PROBLEM_TYPES["server-error"][1]
    return ApiProblem(status, slug, detail, headers=headers)
