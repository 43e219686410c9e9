"""A person's own account: their live sessions (end one, or all the others), and the language switcher."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recruitment_watch.db import get_session
from recruitment_watch.services.accounts import login_sessions, second_factor
from recruitment_watch.services.accounts.security_events import EventKind, record
from recruitment_watch.web.access import public, signed_in, writing
from recruitment_watch.web.auth import _safe_next
from recruitment_watch.web.forms import ButtonForm, LanguageForm, choices
from recruitment_watch.web.i18n import LANGUAGES
from recruitment_watch.web.login_manager import session_policy

bp = Blueprint("account", __name__)


@bp.get("/account")
@signed_in
def overview():
    """Who I am, my sessions, my second factor."""
    db = get_session()
    user = current_user.user
    return render_template(
        "account/overview.html",
        user=user,
        sessions=login_sessions.live_sessions(user.id, session=db, policy=session_policy()),
        current_id=g.web_session_id,
        codes_left=second_factor.recovery_codes_left(user, session=db) if user.totp_confirmed_at else None,
        form=ButtonForm(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@signed_in
def end_session(session_id: int):
    """End one of my sessions (another browser, a lost phone)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = get_session()
    target = login_sessions.session_of(current_user.user.id, session_id, session=db)
    if target is None:
        abort(404)
    db = writing()
    login_sessions.end(target, "revoked by its user", session=db)
    return _ended(db, f"session {session_id}", _("The session is ended."))


@bp.post("/account/sessions/end-others")
@signed_in
def end_other_sessions():
    """Sign out everywhere but here."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = writing()
    ended = login_sessions.end_all(current_user.user.id, "revoked by its user", session=db, keep_id=g.web_session_id)
    return _ended(db, f"{ended} other sessions", _("Your other sessions are ended."))


def _ended(db, detail: str, message: str):
    """Record that the person ended sessions of theirs, commit, and go back to their account page."""
    me = current_user.user.id
    record(db, EventKind.session_revoked, user_id=me, actor_user_id=me, ip=request.remote_addr, detail=detail)
    db.commit()
    flash(message, "info")
    return redirect(url_for("account.overview"))


@bp.post("/language")
@public
def choose_language():
    """Remember the language chosen with the switcher (and on the account, when signed in)."""
    form = LanguageForm()
    form.language.choices = choices(LANGUAGES.items())
    if not form.validate_on_submit():
        abort(400)
    session["lang"] = form.language.data
    if current_user.is_authenticated:
        db = writing()
        current_user.user.locale = form.language.data
        db.add(current_user.user)
        db.commit()
    return redirect(_safe_next(form.next.data))
