"""REST API v1 (APIFlask, OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs).

Thin edge: each operation authenticates the key, validates the body, calls one service and shapes the answer.
Errors are RFC 9457 problem documents (``problems.py``); the spec is post-processed so it says so.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import Response, request
from sqlalchemy.exc import IntegrityError, OperationalError

from recruitment_watch.api.problems import (
    PROBLEM_TYPES,
    ApiProblem,
    from_http_status,
    from_service_error,
    from_validation_detail,
    problem_response,
)
from recruitment_watch.db import get_session
from recruitment_watch.services.errors import FieldError, ServiceError

API_PREFIX = "/api/"
# Below gunicorn's request-line limit (4,094 bytes), so an over-long API URL gets the API's own problem document.
MAX_URL_BYTES = 2048
BUSY_RETRY_AFTER_S = 30


def init_app(app: APIFlask) -> None:
    """Register the API blueprint, error handling, rate limiting and the spec post-processing."""
    from recruitment_watch.api import (  # noqa: F401
        casework_views,
        docs_page,
        public_views,
        registry_views,
        risk_views,
        submissions_views,
    )
    from recruitment_watch.api.blueprint import SECURITY, bp
    from recruitment_watch.api.openapi import finish_spec
    from recruitment_watch.api.rate_limit import limiter

    app.config["SECURITY_SCHEMES"] = {
        SECURITY: {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key (`recruitment-watch keys create`): `Authorization: Bearer rwk_…`",
        }
    }
    app.config["RATELIMIT_STORAGE_URI"] = app.config["API_RATELIMIT_STORAGE_URI"]
    app.register_blueprint(bp)
    app.register_blueprint(docs_page.bp)
    limiter.init_app(app)
    app.errorhandler(ApiProblem)(problem_response)
    app.errorhandler(ServiceError)(_service_error)
    app.errorhandler(OperationalError)(_database_busy)
    app.errorhandler(IntegrityError)(_integrity_error)
    app.errorhandler(RecursionError)(_too_deep)
    app.error_processor(_http_error)
    app.before_request(_url_not_too_long)
    app.before_request(_json_bodies_only)
    app.before_request(_single_query_values)
    app.spec_processor(finish_spec)


def _service_error(exc: ServiceError) -> Any:
    """A service error that reached the edge: NotFound → 404, Conflict → 409, others 422 (API only)."""
    if not request.path.startswith(API_PREFIX):
        raise exc
    return problem_response(from_service_error(exc))


def _url_not_too_long() -> Any:
    """Refuse an API URL over ``MAX_URL_BYTES`` with a 414 problem before any work."""
    if request.path.startswith(API_PREFIX) and len(request.full_path.encode()) > MAX_URL_BYTES:
        return problem_response(ApiProblem(414, "uri-too-long", PROBLEM_TYPES["uri-too-long"][1]))
    return None


def _json_bodies_only() -> Any:
    """Refuse an API body that is not declared JSON (415) before anything parses it."""
    if (
        request.path.startswith(API_PREFIX)
        and request.method in ("POST", "PUT", "PATCH")
        and (request.content_length or request.headers.get("Transfer-Encoding"))
        and request.mimetype != "application/json"
    ):
        detail = f"send JSON with 'Content-Type: application/json' (got {request.mimetype or 'none'!r})"
        return problem_response(ApiProblem(415, "unsupported-media-type", detail))
    return None


def _single_query_values() -> Any:
    """Every query parameter of the API takes one value: a repeated one is refused (422), not half-read."""
    if request.path.startswith(API_PREFIX):
        repeated = sorted(name for name, values in request.args.lists() if len(values) > 1)
        if repeated:
            errors = [FieldError(f"query:{name}", "give this parameter once") for name in repeated]
            return problem_response(
                ApiProblem(422, "validation-error", f"repeated query parameter: {', '.join(repeated)}", errors=errors)
            )
    return None


def _too_deep(exc: RecursionError) -> Any:
    """A JSON body nested deeper than the parser's recursion allows: the client's error (400), not the server's."""
    if not request.path.startswith(API_PREFIX):
        raise exc
    return problem_response(ApiProblem(400, "malformed-request", "the JSON body is nested too deeply"))


def _integrity_error(exc: IntegrityError) -> Any:
    """A constraint the services did not foresee (or a concurrent twin got there first): 409, never a 500 that
    would tell a client which ids exist. The transaction is rolled back; nothing of the request was stored."""
    get_session().rollback()
    if not request.path.startswith(API_PREFIX):
        raise exc
    return problem_response(
        ApiProblem(409, "conflict", "the request clashes with stored records (a duplicate or a missing reference)")
    )


def _database_busy(exc: OperationalError) -> Any:
    """SQLite's write lock still held after the busy timeout (a sweep recording findings): 503 with Retry-After,
    not a server error — the request changed nothing and can simply be sent again. Other database errors stay 500."""
    if "database is locked" not in str(exc.orig):
        raise exc
    headers = {"Retry-After": str(BUSY_RETRY_AFTER_S)}
    if not request.path.startswith(API_PREFIX):
        return Response(f"503 {PROBLEM_TYPES['database-busy'][1]}\n", status=503, mimetype="text/plain",
                        headers=headers)  # fmt: skip
    return problem_response(ApiProblem(503, "database-busy", PROBLEM_TYPES["database-busy"][1], headers=headers))


def _http_error(error: HTTPError) -> Any:
    """APIFlask's errors: problem documents under /api/, a plain page elsewhere."""
    if not request.path.startswith(API_PREFIX):
        return Response(
            f"{error.status_code} {error.message}\n",
            status=error.status_code,
            mimetype="text/plain",
            headers=error.headers,
        )
    if error.status_code in (400, 422) and isinstance(error.detail, dict) and error.detail:
        problem = from_validation_detail(error.status_code, error.detail)
    else:
        problem = from_http_status(error.status_code, _message(error), headers=error.headers)
    return problem_response(problem)


def _message(error: HTTPError) -> str | None:
    generic = {"Not Found", "Method Not Allowed", "Bad Request", "Internal Server Error"}
    return None if error.message in generic else error.message
