"""Server-rendered pages, one thin blueprint per area, on one shell: Flask-Login sessions kept in the database,
CSRF on every form (Flask-WTF), six languages (Flask-Babel), and a declared access rule on every view."""

from __future__ import annotations

from apiflask import HTTPError
from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Install the shell and register every web blueprint."""
    from recruitment_watch.web import (
        account,
        admin,
        agency_files,
        agency_index,
        agency_portal,
        auth,
        cases,
        complaints_public,
        dashboard,
        findings,
        i18n,
        imports,
        listing,
        login_manager,
        ngo_complaints,
        public,
        reports,
        vocabulary,
        worker_pages,
        workspace,
    )

    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.before_request(_evidence_body_limit)  # before CSRF, which reads the form (and so the body)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    listing.init_app(app)
    vocabulary.init_app(app)
    pages = (public.bp, auth.bp, account.bp, dashboard.bp, complaints_public.bp, worker_pages.bp, ngo_complaints.bp,
             cases.bp, workspace.bp, agency_portal.bp, agency_files.bp, agency_index.bp, findings.bp, reports.bp,
             imports.bp)  # fmt: skip
    for blueprint in (*pages, *admin.blueprints()):
        app.register_blueprint(blueprint)
    app.register_error_handler(CSRFError, _csrf_refused)


def init_error_pages(app: Flask) -> None:
    """Answer HTTP errors with pages (and with the API's problem documents under /api/). Called after the API is
    set up: APIFlask registers its own handler for every HTTP error when the API sets its error processor."""
    app.register_error_handler(HTTPException, _http_error)


def _evidence_body_limit() -> None:
    """A form that may carry evidence files may be as large as one complaint's files (plus its text fields); every
    other request keeps ``MAX_CONTENT_LENGTH``."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_evidence", False):
        request.max_content_length = current_app.config["EVIDENCE_MAX_COMPLAINT_BYTES"] + 1024 * 1024


def _csrf_refused(error: CSRFError):
    return render_template("errors/csrf.html", reason=error.description), 400


def _http_error(error: HTTPException):
    """Web pages answer HTTP errors with a page in the reader's language; under /api/ the API's problem document, as
    APIFlask answers every HTTP error there (its own handler, which this one replaces for the whole app)."""
    if request.path.startswith("/api/"):
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        return current_app.error_callback(HTTPError(error.code, message=error.name, headers=headers))
    if error.code == 404:
        return render_template("errors/not_found.html"), 404
    return render_template("errors/http_error.html", code=error.code), error.code, _kept_headers(error)


def _kept_headers(error: HTTPException) -> dict[str, str]:
    """The headers an error must keep (``Allow`` on 405, ``Retry-After`` on 429/503)."""
    return {name: value for name, value in error.get_headers() if name in ("Allow", "Retry-After")}
