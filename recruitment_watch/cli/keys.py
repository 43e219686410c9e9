"""``recruitment-watch keys create|list|revoke``: API keys per organisation (the admin pages reuse the service)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Organisation
from recruitment_watch.services.access.api_keys import issue_key, list_keys, organisation_named, revoke_key
from recruitment_watch.services.errors import NotFound, ServiceError


@click.group("keys")
def keys_group() -> None:
    """API keys: issue (shown once), list, revoke."""


def _organisation(session, name: str) -> Organisation:
    try:
        return organisation_named(name, session=session)
    except NotFound as exc:
        raise click.UsageError(str(exc)) from exc


@keys_group.command("create")
@click.option("--org", "org_name", required=True, help="The organisation's exact name.")
@click.option("--scopes", default="", help="Comma-separated scopes; empty = every scope the organisation may hold.")
@click.option("--name", default="api key", show_default=True, help="A label to recognise the key by.")
@with_appcontext
def keys_create(org_name: str, scopes: str, name: str) -> None:
    """Issue a key for an organisation. The key is printed once; only its hash is stored."""
    with unit_of_work(get_engine()) as session:
        organisation = _organisation(session, org_name)
        try:
            key, raw = issue_key(organisation, name=name, scopes=scopes, session=session)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"key {key.prefix} for {organisation.name} ({organisation.kind}); scopes: {key.scopes.strip(',')}")
        click.echo("store it now; it cannot be shown again:")
        click.echo(raw)


@keys_group.command("list")
@click.option("--org", "org_name", default=None, help="Only this organisation's keys.")
@with_appcontext
def keys_list(org_name: str | None) -> None:
    """Every key: prefix, organisation, name, scopes, created, last used, revoked."""
    with unit_of_work(get_engine()) as session:
        organisation_id = _organisation(session, org_name).id if org_name else None
        rows = list_keys(session, organisation_id)
        if not rows:
            click.echo("no API keys")
        for key, owner in rows:
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            click.echo(
                f"{key.prefix}  {owner}  {key.name!r}  [{key.scopes.strip(',')}]  "
                f"created {key.created_at:%Y-%m-%d}  last used {used}  {state}"
            )


@keys_group.command("revoke")
@click.argument("prefix")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def keys_revoke(prefix: str, yes: bool) -> None:
    """Revoke the key with PREFIX; requests with it fail from the next one on."""
    if not yes:
        click.confirm(f"Revoke API key {prefix}? Clients using it stop working at once", abort=True)
    with unit_of_work(get_engine()) as session:
        try:
            key = revoke_key(prefix, session=session)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"key {key.prefix} revoked at {key.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
