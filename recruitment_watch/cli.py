"""The ``recruitment-watch`` command: a Flask CLI group bound to ``create_app``.

Each command parses its options, opens one unit of work, calls services, and commits once.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

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


def init_app(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from recruitment_watch.checks_cli import agencies_group, checks_group, packs_group
    from recruitment_watch.demo.command import demo_command
    from recruitment_watch.devtools.command import bench_group
    from recruitment_watch.keys_cli import keys_group
    from recruitment_watch.scheduler_cli import jobs_group, notifications_group, scheduler_group

    app.cli.add_command(db_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(packs_group)
    app.cli.add_command(checks_group)
    app.cli.add_command(agencies_group)
    app.cli.add_command(bench_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(notifications_group)
    app.cli.add_command(keys_group)


def _create_app(*_args: object) -> Flask:
    from recruitment_watch import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=True)
def main() -> None:
    """Fair-recruitment monitoring and compliance (recruitment_watch)."""
