"""Who acts at the console: commands that decide or register something name the person with ``--by EMAIL``."""

from __future__ import annotations

import click
from sqlmodel import Session

from recruitment_watch.services.access.actor import Actor, actor_for_user
from recruitment_watch.services.access.users import user_by_email
from recruitment_watch.services.errors import ServiceError


def acting_person(email: str, *, session: Session) -> Actor:
    """The actor of the person with ``email``; a usage error (exit 2) when unknown or disabled."""
    try:
        user = user_by_email(email, session=session)
    except ServiceError as exc:
        raise click.UsageError(str(exc)) from exc
    actor = actor_for_user(user.id, session=session)
    if actor is None:
        raise click.UsageError(f"the user {email} is disabled")
    return actor
