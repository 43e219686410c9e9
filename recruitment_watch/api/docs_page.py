"""The API docs page: Swagger UI 5 served from the app itself (the files of the flask-swagger-ui package; its
blueprint, which inlines a script, is not used), so the page loads nothing from outside and runs no inline script.
A plain blueprint: it is not an API operation and stays out of the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, abort, render_template, send_from_directory

from recruitment_watch.api.guards import public

bp = Blueprint("api_docs", __name__)

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js"})
# Swagger UI sets style attributes as it renders: the docs page (and only it) allows inline styles.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.get("/api/v1/docs")
@public
def docs() -> Response:
    """Interactive API documentation (Swagger UI) over /api/v1/openapi.json."""
    response = Response(render_template("api/docs.html", spec_url="/api/v1/openapi.json"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.get("/api/v1/docs/assets/<name>")
@public
def asset(name: str) -> Response:
    """One of the Swagger UI files the docs page loads."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_UI_DIST, name, max_age=86400)
