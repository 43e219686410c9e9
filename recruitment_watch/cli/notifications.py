"""CLI for in-app notifications: ``notifications list`` (until the web inbox exists)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.access.users import user_by_email
from recruitment_watch.services.casework.notifications import inbox, mark_read
from recruitment_watch.services.errors import NotFound


@click.group("notifications")
def notifications_group() -> None:
    """In-app notifications (SLA reminders, escalations, licence warnings) until the web inbox exists."""


@notifications_group.command("list")
@click.option("--user", "email", required=True, help="The user's e-mail address.")
@click.option("--unread", is_flag=True, help="Only unread notifications.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--mark-read", "mark_as_read", is_flag=True, help="Mark the listed notifications read.")
@with_appcontext
def notifications_list(email: str, unread: bool, limit: int, mark_as_read: bool) -> None:
    """A user's notifications, newest first."""
    with unit_of_work(get_engine()) as session:
        try:
            user = user_by_email(email, session=session)
        except NotFound as exc:
            raise click.UsageError(str(exc)) from exc
        rows = inbox(session, user.id, unread_only=unread, limit=limit)
        if not rows:
            click.echo("no notifications")
        for row in rows:
            state = "read" if row.read_at else "new "
            click.echo(f"{row.id:>6} {row.created_at:%Y-%m-%d %H:%M} {state} {row.kind:<16} {row.message}")
        if mark_as_read and rows:
            changed = mark_read(session, user.id, [row.id for row in rows])
            click.echo(f"{changed} marked read")
