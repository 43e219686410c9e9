"""Admin: criteria packs — version, digest, criteria count, and the switch (with who changed it and why)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from recruitment_watch.db import get_session
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.criteria.pack_switches import pack_rows, switch
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.forms import PackSwitchForm

bp = Blueprint("admin_packs", __name__, url_prefix="/admin/packs")


@bp.get("")
@for_roles(Role.admin)
def index():
    """Every shipped pack with its switch."""
    return render_template("admin/packs.html", rows=pack_rows(get_session()), form=PackSwitchForm())


@bp.post("/<pack_id>/<state>")
@for_roles(Role.admin)
def set_state(pack_id: str, state: str):
    """Switch a pack ``on`` or ``off``; a reason is required."""
    if state not in ("on", "off"):
        abort(404)
    form = PackSwitchForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the switch."), "error")
        return redirect(url_for("admin_packs.index"))
    db = writing()
    try:
        switch(actor(), pack_id, state == "on", form.reason.data, session=db)
    except ServiceError:
        abort(404)
    db.commit()
    flash(_("Pack %(pack)s is switched %(state)s.", pack=pack_id, state=_("on") if state == "on" else _("off")),
          "info")  # fmt: skip
    return redirect(url_for("admin_packs.index"))
