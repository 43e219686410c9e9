"""Admin: people's accounts — the list (search, role, CSV), inviting someone, and per person: disable or enable,
a new password link, reset the second factor, lift a lockout, end their sessions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from recruitment_watch.db import get_session
from recruitment_watch.models import Organisation, User
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.accounts import invitations, login_sessions, people, second_factor
from recruitment_watch.services.accounts.security_events import EventKind, list_events, record
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import actor, for_roles, writing
from recruitment_watch.web.forms import ConfirmForm, InviteForm, RoleForm, choices
from recruitment_watch.web.listing import csv_download, listed, wants_csv, whole_list
from recruitment_watch.web.login_manager import session_policy

bp = Blueprint("admin_people", __name__, url_prefix="/admin/people")
admin_only = for_roles(Role.admin)
ACTIONS = ("disable", "enable", "password-link", "reset-second-factor", "lift-lockout", "end-sessions")


@bp.get("")
@admin_only
def index():
    """Everyone with an account."""
    search, role = request.args.get("q", "").strip(), request.args.get("role", "")
    role = role if role in {r.value for r in Role} else ""

    def fetch(offset: int, limit: int):
        return people.list_people(actor(), session=get_session(), search=search, role=role or None,
                                  offset=offset, limit=limit)  # fmt: skip

    if wants_csv():
        header = ["id", "email", "full_name", "role", "organisation", "active", "password_set", "second_factor",
                  "locked_until", "last_login_at"]  # fmt: skip
        return csv_download("people.csv", header, whole_list(fetch), lambda p: [
            p.id, p.email, p.full_name, p.role, p.organisation, p.is_active, p.has_password, p.second_factor,
            p.locked_until, p.last_login_at])  # fmt: skip
    rows, page = listed(fetch)
    return render_template("admin/people.html", rows=rows, page=page, search=search, role=role, roles=list(Role))


def organisation_choices() -> list:
    rows = get_session().execute(select(Organisation.id, Organisation.name, Organisation.kind)
                                 .order_by(Organisation.name)).all()  # fmt: skip
    return choices((row.id, f"{row.name} ({row.kind})") for row in rows)


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def invite():
    """Create an account; the one-time link to set its password is shown once, to hand over."""
    form = InviteForm()
    form.organisation_id.choices = organisation_choices()
    status = 200
    if form.validate_on_submit():
        db = writing()
        try:
            user, token = invitations.invite_user(
                actor(), email=form.email.data, full_name=form.full_name.data, role=Role(form.role.data),
                organisation_id=form.organisation_id.data, session=db,
            )  # fmt: skip
        except ServiceError as exc:
            db.rollback()
            getattr(form, exc.field or "email").errors.append(str(exc))
            status = 400
        else:
            db.commit()
            link = url_for("auth.invitation", token=token, _external=True)
            return render_template("admin/invitation_link.html", user=user, link=link)
    elif request.method == "POST":
        status = 400
    return render_template("admin/invite.html", form=form), status


@bp.get("/<int:user_id>")
@admin_only
def detail(user_id: int):
    """One person: their account, live sessions and latest security events, with the actions."""
    db = get_session()
    user = _person_or_404(user_id)
    events, _total = list_events(db, search=user.email, limit=20)
    return render_template(
        "admin/person.html", user=user, organisation=db.get(Organisation, user.organisation_id),
        sessions=login_sessions.live_sessions(user.id, session=db, policy=session_policy()),
        events=events, form=ConfirmForm(), actions=ACTIONS, role_form=RoleForm(role=user.role),
    )  # fmt: skip


@bp.post("/<int:user_id>/role")
@admin_only
def change_role(user_id: int):
    """Give a person another role that fits their organisation; their sessions end."""
    user = _person_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        db = writing()
        try:
            people.change_role(actor(), user, Role(form.role.data), session=db)
        except ServiceError as exc:
            db.rollback()
            flash(_(str(exc)), "error")
        else:
            db.commit()
            flash(_("Done."), "info")
    return redirect(url_for("admin_people.detail", user_id=user_id))


@bp.post("/<int:user_id>/<action>")
@admin_only
def act(user_id: int, action: str):
    """Carry out one of ``ACTIONS`` after the admin ticked the confirmation."""
    if action not in ACTIONS:
        abort(404)
    user = _person_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Tick “Yes, I am sure” to confirm."), "error")
        return redirect(url_for("admin_people.detail", user_id=user_id))
    db = writing()
    try:
        link = _carry_out(action, user, db)
    except ServiceError as exc:
        db.rollback()
        flash(_(str(exc)), "error")
        return redirect(url_for("admin_people.detail", user_id=user_id))
    db.commit()
    if link:
        return render_template("admin/invitation_link.html", user=user, link=link)
    flash(_("Done."), "info")
    return redirect(url_for("admin_people.detail", user_id=user_id))


def _person_or_404(user_id: int) -> User:
    try:
        return people.person(actor(), user_id, session=get_session())
    except ServiceError:
        abort(404)


def _carry_out(action: str, user, db) -> str | None:
    acting = actor()
    if action in ("disable", "enable"):
        people.set_active(acting, user, action == "enable", session=db)
    elif action == "password-link":
        token = invitations.reissue(acting, user, session=db)
        return url_for("auth.invitation", token=token, _external=True)
    elif action == "reset-second-factor":
        second_factor.reset(user, session=db, actor_user_id=acting.user_id)
    elif action == "lift-lockout":
        people.lift_lockout(acting, user, session=db)
    else:
        ended = login_sessions.end_all(user.id, "revoked by an admin", session=db)
        record(db, EventKind.session_revoked, user_id=user.id, actor_user_id=acting.user_id,
               detail=f"{ended} sessions")  # fmt: skip
    return None
