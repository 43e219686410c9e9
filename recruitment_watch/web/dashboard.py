"""The first page after signing in: what needs attention, scoped to the person's organisation."""

from __future__ import annotations

from flask import Blueprint, render_template

from recruitment_watch.db import get_session
from recruitment_watch.services.oversight.dashboard import dashboard_for
from recruitment_watch.web.access import actor, signed_in

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@signed_in
def home():
    """Open findings by severity, the newest ones, complaints by status, and the last sweep (staff)."""
    return render_template("dashboard.html", board=dashboard_for(actor(), session=get_session()))
