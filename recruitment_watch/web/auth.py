"""Signing in and out: password, then (for staff, and anyone enrolled) a TOTP code or a recovery code; first-time
enrolment with a QR code; setting a password through an invitation link.

Between the password and the code, the signed cookie holds only "user N passed the password at T" for
``PENDING_SECONDS``; the session record is opened when every step has passed, with a new token (no fixation).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from recruitment_watch.db import get_session
from recruitment_watch.models import User
from recruitment_watch.services.accounts import invitations, login_sessions, second_factor
from recruitment_watch.services.accounts.login import LoginState, check_password
from recruitment_watch.services.accounts.passwords import MIN_LENGTH
from recruitment_watch.services.accounts.security_events import EventKind, Outcome, record
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.web.access import public, signed_in, writing
from recruitment_watch.web.forms import ButtonForm, CodeForm, LoginForm, RecoveryForm, SetPasswordForm
from recruitment_watch.web.login_manager import load_user, session_policy

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300
PENDING = "pending_login"


def _client_ip() -> str | None:
    return request.remote_addr


def _safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, the dashboard otherwise (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The password step."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        db = writing()
        result = check_password(form.email.data, form.password.data, session=db, ip=_client_ip())
        db.commit()
        if result.state is LoginState.signed_in:
            return _finish(result.user, form.next.data)
        if result.state in (LoginState.second_factor, LoginState.enrol):
            session[PENDING] = {"user_id": result.user.id, "at": time.time(), "next": form.next.data or ""}
            step = "auth.second_factor_step" if result.state is LoginState.second_factor else "auth.enrol"
            return redirect(url_for(step))
        if result.state is LoginState.locked:
            flash(_("Too many failed sign-ins: this account is locked for now. Try again later or ask an admin."),
                  "error")  # fmt: skip
        else:
            flash(_("The e-mail address or the password is wrong."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = get_session().get(User, pending["user_id"])
    return user if user is not None and user.is_active else None


def _finish(user: User, next_url: str | None):
    """Open the session record and sign the browser in."""
    db = writing()
    token = login_sessions.open_session(
        user, session=db, policy=session_policy(), ip=_client_ip(), user_agent=request.user_agent.string
    )
    record(db, EventKind.login, user_id=user.id, ip=_client_ip())
    language = session.get("lang") or user.locale  # a language chosen before signing in stays
    db.commit()
    session.clear()
    if language:
        session["lang"] = language
    login_user(load_user(token))  # the same loader every later request goes through
    return redirect(_safe_next(next_url))


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor_step():
    """The code step: a TOTP code, or a recovery code."""
    user = _pending_user()
    if user is None or user.totp_confirmed_at is None:
        return redirect(url_for("auth.login"))
    form, recovery = CodeForm(), RecoveryForm()
    status = 200
    if request.method == "POST":
        db = writing()
        if "recovery_code" in request.form and recovery.validate_on_submit():
            ok = second_factor.use_recovery_code(user, recovery.recovery_code.data, session=db, ip=_client_ip())
        elif "code" in request.form and form.validate_on_submit():
            ok = second_factor.accept_code(user, form.code.data, session=db)
            if not ok:
                record(db, EventKind.second_factor_failed, Outcome.failure, user_id=user.id, ip=_client_ip(),
                       detail="login code")  # fmt: skip
        else:
            ok = None
        db.commit()
        if ok:
            return _finish(user, session.get(PENDING, {}).get("next"))
        if ok is False:
            flash(_("That code is not right, or it was already used. Wait for the next code and try again."), "error")
        status = 400
    return render_template("auth/code.html", form=form, recovery=recovery), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol():
    """First sign-in of someone whose role needs a second factor: scan the QR code, type the first code."""
    user = _pending_user()
    if user is None or user.totp_confirmed_at is not None:
        return redirect(url_for("auth.login"))
    if user.totp_secret is None:  # kept across reloads, so a code app that scanned it stays right
        db = writing()
        second_factor.start_enrolment(user, session=db)
        db.commit()
    form = CodeForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            db = writing()
            codes = second_factor.confirm_enrolment(user, form.code.data, session=db, ip=_client_ip())
            db.commit()
            if codes is not None:
                next_url = session.get(PENDING, {}).get("next")
                response = _finish(user, url_for("auth.recovery_codes"))
                session["fresh_recovery_codes"] = codes
                session["after_codes"] = _safe_next(next_url)
                return response
            flash(_("That code is not right. Check the time on your phone and type the newest code."), "error")
    return render_template(
        "auth/enrol.html", form=form, qr=second_factor.qr_svg(user), secret=user.totp_secret
    ), status


@bp.get("/login/recovery-codes")
@signed_in
def recovery_codes():
    """The recovery codes, shown once right after enrolment."""
    codes = session.pop("fresh_recovery_codes", None)
    if not codes:
        abort(404)
    return render_template("auth/recovery_codes.html", codes=codes, next_url=session.pop("after_codes", None))


@bp.post("/logout")
@signed_in
def logout():
    """End this session (the record, not only the cookie)."""
    if ButtonForm().validate_on_submit():
        db = writing()
        login_sessions.end(current_user.record, "logout", session=db)
        record(db, EventKind.logout, user_id=current_user.user.id, ip=_client_ip())
        db.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    """Set a password through a one-time link from an admin."""
    db = get_session()
    found = invitations.invitation_for(token, session=db)
    form = SetPasswordForm()
    if found is None:
        if request.method == "POST":
            db = writing()
            record(db, EventKind.invitation_refused, ip=_client_ip(), detail="unknown, used or expired link")
            db.commit()
        return render_template("auth/invitation_invalid.html"), 404
    user = found[1]
    status = 200
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            form.confirm.errors.append(_("The two passwords differ."))
            status = 400
        else:
            db = writing()
            try:
                invitations.accept(token, form.password.data, session=db, ip=_client_ip())
            except ServiceError as exc:
                db.rollback()
                form.password.errors.append(_(str(exc)))
                status = 400
            else:
                db.commit()
                flash(_("Your password is set. Sign in with it now."), "info")
                return redirect(url_for("auth.login"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/invitation.html", form=form, user=user, minimum=MIN_LENGTH), status
