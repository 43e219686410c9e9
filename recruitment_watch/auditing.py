"""Who the audit trail names, set at the app's edges: one ``before_request`` hook for web pages and the API, one
fallback for CLI commands. The capture itself is in ``services.trust`` (installed with every engine).

A request's actor is read when its changes are flushed, from what the request's own access checks found: the API
key's Actor (``g.api_actor``) or the signed-in person's (Flask-Login's user, only if already loaded: loading it
inside a flush could commit). A request with neither is ``public (web)``: a worker filing a complaint.
"""

from __future__ import annotations

import getpass

from flask import Flask, g, has_app_context, has_request_context

from recruitment_watch.db import get_engine
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.trust import actor_context
from recruitment_watch.services.trust.actor_context import AuditActor
from recruitment_watch.services.trust.capture import set_enabled

PUBLIC = AuditActor(label="public (web)")


def request_actor() -> Actor | AuditActor:
    """The actor of the current request: its API key, its signed-in person, or the public."""
    api_actor = g.get("api_actor")
    if api_actor is not None:
        return api_actor
    person = getattr(g.get("_login_user"), "actor", None)
    return person if person is not None else PUBLIC


def cli_actor() -> AuditActor | None:
    """A CLI command (an app context without a request) acts as the operating-system user who ran it."""
    if has_app_context() and not has_request_context():
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        return AuditActor(label=f"cli ({who})"[:200])
    return None


def _bind_request_actor() -> None:
    g.audit_actor_token = actor_context.bind(request_actor)


def _unbind_request_actor(_exc: BaseException | None) -> None:
    token = g.pop("audit_actor_token", None)
    if token is not None:
        actor_context.unbind(token)


def init_app(app: Flask) -> None:
    """Bind the actor per request and per CLI command; switch auditing off only when ``AUDIT_ENABLED`` says so."""
    set_enabled(get_engine(app), bool(app.config["AUDIT_ENABLED"]))
    actor_context.set_fallback(cli_actor)
    app.before_request(_bind_request_actor)
    app.teardown_request(_unbind_request_actor)
