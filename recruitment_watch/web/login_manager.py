"""Flask-Login on server-side session records: the signed cookie carries a random session token (Flask-Login's
alternative id), each request resolves it against ``user_session`` and builds the person's Actor from their user
record. Ending the record (logout, an admin, a disabled account) signs the browser out on its next request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, g
from flask_login import LoginManager, UserMixin

from recruitment_watch.db import get_session
from recruitment_watch.models import User, UserSession
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.accounts import login_sessions
from recruitment_watch.services.accounts.login_sessions import SessionPolicy

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "basic"


@dataclass(eq=False)
class WebUser(UserMixin):
    """The signed-in person for this request."""

    token: str
    user: User
    record: UserSession
    actor: Actor

    def get_id(self) -> str:
        return self.token


def session_policy() -> SessionPolicy:
    """The idle and absolute session lifetimes from the configuration."""
    return SessionPolicy(
        idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=current_app.config["SESSION_MAX_HOURS"]),
    )


@login_manager.user_loader
def load_user(token: str) -> WebUser | None:
    session = get_session()
    found = login_sessions.resolve(token, session=session, policy=session_policy())
    if found is None:
        session.commit()  # an idle session ended on the way is recorded as such
        return None
    record, user, actor = found
    if session.dirty:
        session.commit()
    g.web_session_id = record.id
    return WebUser(token=token, user=user, record=record, actor=actor)


def init_app(app: Flask) -> None:
    """Install Flask-Login on ``app``."""
    login_manager.init_app(app)
