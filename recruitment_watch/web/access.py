"""Who may open which page: every view is declared ``public`` or ``for_roles(...)``; nothing is open by default.

A signed-in person whose role may not open a page gets 404, as for a record that does not exist, so the answer
tells nothing about what is there. A person not signed in is sent to the login page (and back after it). The
role × route test (tests/web/test_route_matrix.py) walks the URL map and fails on a view without a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlmodel import Session

from recruitment_watch.db import begin_writing, get_session
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.access.actor import Actor

PUBLIC = "public"
STAFF = (Role.admin, Role.inspector)


def public(view: Callable) -> Callable:
    """Mark ``view`` as open to anyone, signed in or not."""
    view.access = PUBLIC
    return view


def for_roles(*roles: Role) -> Callable:
    """Open the view to people signed in with one of ``roles`` only."""
    allowed = frozenset(role.value for role in roles)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.actor.role.value not in allowed:
                abort(404)
            return view(*args, **kwargs)

        guarded.access = allowed
        return guarded

    return decorate


signed_in = for_roles(*Role)


def actor() -> Actor:
    """The signed-in person's actor (the same Actor the API's key guard builds), for the scoped services."""
    return current_user.actor


def writing() -> Session:
    """The request's session, now in a writing transaction (BEGIN IMMEDIATE on SQLite, so two writers queue
    instead of failing): what was read before is committed first (it wrote nothing)."""
    session = get_session()
    if session.in_transaction():
        session.commit()
    begin_writing(session)
    return session
