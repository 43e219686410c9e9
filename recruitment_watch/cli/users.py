"""``recruitment-watch users``: people's accounts at the console, through the same services as the admin pages.

Accounts get a one-time link to set their password (printed here, to hand over; no mail server is needed). Every
change names the admin who makes it with ``--by EMAIL``; only the very first admin of a new installation is created
without one.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.cli.people import acting_person
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Organisation, User
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.access.api_keys import organisation_named
from recruitment_watch.services.access.users import user_by_email
from recruitment_watch.services.accounts import invitations, people, second_factor
from recruitment_watch.services.errors import ServiceError


@click.group("users")
def users_group() -> None:
    """People's accounts: create (with a password link), list, new link, disable, enable, reset the second step."""


def _link(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/invitation/{token}"


def _admin(session: Session, by: str | None, organisation: Organisation | None = None) -> Actor:
    """The acting admin; without ``--by``, the installation's first admin is being made (no admin exists yet)."""
    if by:
        actor = acting_person(by, session=session)
        if actor.role is not Role.admin:
            raise click.UsageError(f"{by} is not an admin; only admins manage accounts")
        return actor
    if session.scalar(select(User.id).where(User.role == Role.admin.value, User.is_active)) is not None:
        raise click.UsageError("name the admin who makes this change with --by EMAIL")
    if organisation is None or organisation.kind != OrganisationKind.ministry.value:
        raise click.UsageError("the first admin belongs to a ministry organisation (--org)")
    return Actor(
        organisation_id=organisation.id, organisation_kind=OrganisationKind.ministry,
        organisation_name=organisation.name, role=Role.admin, scopes=frozenset(), key_prefix="console",
    )  # fmt: skip


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--org", "org_name", required=True, help="The organisation's exact name.")
@click.option("--by", "by", default=None, help="The admin making the account (not needed for the first admin).")
@with_appcontext
def users_create(email: str, full_name: str, role: str, org_name: str, by: str | None) -> None:
    """Create an account and print its one-time link to set a password (valid 72 hours)."""
    with unit_of_work(get_engine()) as session:
        try:
            organisation = organisation_named(org_name, session=session)
            actor = _admin(session, by, organisation)
            user, token = invitations.invite_user(actor, email=email, full_name=full_name, role=Role(role),
                                                  organisation_id=organisation.id, session=session)  # fmt: skip
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"user {user.id} {user.email} ({user.role}, {organisation.name}) created.")
        click.echo("hand over this link to set the password (works once, for 72 hours):")
        click.echo(_link(token))


@users_group.command("list")
@click.option("--search", default="", help="Part of an e-mail, name or organisation.")
@click.option("--by", "by", required=True, help="The admin asking.")
@with_appcontext
def users_list(search: str, by: str) -> None:
    """Everyone with an account: e-mail, role, organisation, state."""
    with unit_of_work(get_engine()) as session:
        rows, total = people.list_people(_admin(session, by), session=session, search=search or None, limit=10_000)
    for row in rows:
        state = "disabled" if not row.is_active else "locked" if row.locked else \
            "invited" if not row.has_password else "active"  # fmt: skip
        second = " 2FA" if row.second_factor else ""
        click.echo(f"{row.id:>5} {row.email:<40} {row.role:<9} {state:<8}{second:<4} {row.organisation}")
    click.echo(f"{total} people")


def _person(session: Session, actor: Actor, email: str) -> User:
    try:
        return people.person(actor, user_by_email(email, session=session).id, session=session)
    except ServiceError as exc:
        raise click.UsageError(str(exc)) from exc


@users_group.command("link")
@click.argument("email")
@click.option("--by", "by", required=True, help="The admin making the link.")
@with_appcontext
def users_link(email: str, by: str) -> None:
    """A new one-time password link for EMAIL (a lost invitation, a forgotten password); older links stop working."""
    with unit_of_work(get_engine()) as session:
        actor = _admin(session, by)
        token = invitations.reissue(actor, _person(session, actor, email), session=session)
        click.echo(_link(token))


@users_group.command("disable")
@click.argument("email")
@click.option("--by", "by", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def users_disable(email: str, by: str, yes: bool) -> None:
    """Disable EMAIL's account: every session of theirs ends at once."""
    if not yes:
        click.confirm(f"Disable {email} and end all their sessions?", abort=True)
    with unit_of_work(get_engine()) as session:
        actor = _admin(session, by)
        try:
            people.set_active(actor, _person(session, actor, email), False, session=session)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"{email} is disabled")


@users_group.command("enable")
@click.argument("email")
@click.option("--by", "by", required=True)
@with_appcontext
def users_enable(email: str, by: str) -> None:
    """Enable EMAIL's account again."""
    with unit_of_work(get_engine()) as session:
        actor = _admin(session, by)
        people.set_active(actor, _person(session, actor, email), True, session=session)
        click.echo(f"{email} is enabled")


@users_group.command("reset-2fa")
@click.argument("email")
@click.option("--by", "by", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def users_reset_second_factor(email: str, by: str, yes: bool) -> None:
    """Clear EMAIL's second step (a lost phone): they set it up again at their next sign-in."""
    if not yes:
        click.confirm(f"Reset {email}'s second step and end their sessions?", abort=True)
    with unit_of_work(get_engine()) as session:
        actor = _admin(session, by)
        second_factor.reset(_person(session, actor, email), session=session, actor_user_id=actor.user_id)
        click.echo(f"{email} sets up a new second step at the next sign-in")
