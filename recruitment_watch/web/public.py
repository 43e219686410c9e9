"""Pages anyone can open without logging in, and the health endpoint."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from recruitment_watch.db import get_session
from recruitment_watch.services.oversight import overview
from recruitment_watch.web.access import public

bp = Blueprint("public", __name__)


@bp.get("/")
@public
def home() -> str:
    """What the system is, who it serves, and live public figures."""
    return render_template("public/home.html", figures=overview.public_figures(session=get_session()))


@bp.get("/healthz")
@public
def healthz():
    """Liveness plus database connectivity: 200 when the database answers, 503 when it does not."""
    try:
        database = overview.database_status(session=get_session())
    except SQLAlchemyError as exc:
        return jsonify(status="error", database={"ok": False, "error": type(exc).__name__}), 503
    return jsonify(status="ok", database=database)
