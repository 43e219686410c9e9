"""CLI for the database schema: ``db upgrade|current|check``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from recruitment_watch import migrate
from recruitment_watch.db import get_engine


@click.group("db")
def db_group() -> None:
    """Database schema: apply migrations, show the revision, check for drift."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (creates the schema on an empty database)."""
    engine = get_engine()
    migrate.upgrade(engine, revision)
    click.echo(f"database at revision {migrate.current_revision(engine)} ({engine.url.get_backend_name()})")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the revision the database is at."""
    click.echo(migrate.current_revision(get_engine()) or "empty (run: recruitment-watch db upgrade)")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models and the migrated database disagree (a migration is missing)."""
    differences = migrate.drift(get_engine())
    if differences:
        for difference in differences:
            click.echo(f"drift: {difference}", err=True)
        raise click.exceptions.Exit(1)
    click.echo("no drift: models and migrations agree")
