"""Admin: API keys — the list (search, CSV), issuing a key (shown once, stored hashed), revoking one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from recruitment_watch.db import get_session
from recruitment_watch.models import Organisation
from recruitment_watch.models.base import unpack_list
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.access import api_keys
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.admin.people import organisation_choices
from recruitment_watch.web.forms import ConfirmForm, KeyForm
from recruitment_watch.web.listing import csv_download, listed, wants_csv, whole_list

bp = Blueprint("admin_keys", __name__, url_prefix="/admin/keys")
admin_only = for_roles(Role.admin)


@bp.get("")
@admin_only
def index():
    """Every key: organisation, name, prefix, scopes, issued, last used, revoked."""
    search = request.args.get("q", "").strip()

    def fetch(offset: int, limit: int):
        return api_keys.key_page(get_session(), search=search or None, offset=offset, limit=limit)

    if wants_csv():
        header = ["prefix", "organisation", "name", "scopes", "created_at", "last_used_at", "revoked_at"]
        return csv_download("api-keys.csv", header, whole_list(fetch), lambda row: [
            row[0].prefix, row[1], row[0].name, row[0].scopes, row[0].created_at, row[0].last_used_at,
            row[0].revoked_at])  # fmt: skip
    rows, page = listed(fetch)
    return render_template("admin/keys.html", rows=rows, page=page, search=search, form=ConfirmForm(),
                           unpack_list=unpack_list)  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def issue():
    """Issue a key for an organisation; the key is shown on the next page once and never again."""
    form = KeyForm()
    form.organisation_id.choices = organisation_choices()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        organisation = db.get(Organisation, form.organisation_id.data)
        db = writing()
        try:
            key, raw = api_keys.issue_key(organisation, name=form.name.data, scopes=form.scopes.data or "",
                                          session=db, issued_by_user_id=actor().user_id)  # fmt: skip
        except ServiceError as exc:
            db.rollback()
            form.scopes.errors.append(str(exc))
            status = 400
        else:
            db.commit()
            return render_template("admin/key_issued.html", key=key, raw=raw, organisation=organisation)
    elif request.method == "POST":
        status = 400
    return render_template("admin/key_new.html", form=form), status


@bp.post("/<prefix>/revoke")
@admin_only
def revoke(prefix: str):
    """Revoke a key (effective on its next request), after confirmation."""
    if not ConfirmForm().validate_on_submit():
        flash(_("Tick “Yes, I am sure” to confirm."), "error")
        return redirect(url_for("admin_keys.index"))
    db = writing()
    try:
        api_keys.revoke_key(prefix, session=db, revoked_by_user_id=actor().user_id)
    except ServiceError:
        abort(404)
    db.commit()
    flash(_("The key is revoked."), "info")
    return redirect(url_for("admin_keys.index"))
