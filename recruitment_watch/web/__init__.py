"""Server-rendered pages, one thin blueprint per area, on one shell: Flask-Login sessions kept in the database,
CSRF on every form (Flask-WTF), six languages (Flask-Babel), and a declared access rule on every view."""

from __future__ import annotations

from apiflask import HTTPError
from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Install the shell and register every web blueprint."""
    from recruitment_watch.web import account, admin, auth, dashboard, i18n, listing, login_manager, public, vocabulary

    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    listing.init_app(app)
    vocabulary.init_app(app)
    for blueprint in (public.bp, auth.bp, account.bp, dashboard.bp, *admin.blueprints()):
        app.register_blueprint(blueprint)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(404, _not_found)


def _csrf_refused(error: CSRFError):
    return render_template("errors/csrf.html", reason=error.description), 400


def _not_found(error):
    """The web's own 404 page; under /api/ the API's problem document, as APIFlask answers every HTTP error."""
    if request.path.startswith("/api/"):
        return current_app.error_callback(HTTPError(404, message=error.name))
    return render_template("errors/not_found.html"), 404
