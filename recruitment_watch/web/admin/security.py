"""Admin: security events — logins, failures, lockouts, second-factor changes, ended sessions, keys."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from recruitment_watch.db import get_session
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.accounts.security_events import EventKind, list_events
from recruitment_watch.web.access import for_roles
from recruitment_watch.web.listing import csv_download, listed, wants_csv, whole_list

bp = Blueprint("admin_security", __name__, url_prefix="/admin/security-events")


@bp.get("")
@for_roles(Role.admin)
def index():
    """Newest first; filter by kind, search by e-mail; CSV of the whole list."""
    kind = request.args.get("kind", "")
    kind = kind if kind in {k.value for k in EventKind} else ""
    search = request.args.get("q", "").strip()

    def fetch(offset: int, limit: int):
        return list_events(get_session(), kind=kind or None, search=search or None, offset=offset, limit=limit)

    if wants_csv():
        header = ["id", "occurred_at", "kind", "outcome", "user", "by", "ip", "detail"]
        return csv_download("security-events.csv", header, whole_list(fetch), lambda e: [
            e.id, e.occurred_at, e.kind, e.outcome, e.user_email, e.actor_email, e.ip, e.detail])  # fmt: skip
    rows, page = listed(fetch)
    return render_template("admin/security.html", rows=rows, page=page, kinds=[k.value for k in EventKind],
                           kind=kind, search=search)  # fmt: skip
