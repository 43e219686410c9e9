"""CLI for backups: ``backup --out FILE`` writes the database and the evidence files into one archive with a
manifest; ``restore FILE`` puts them back into an empty database and proves the result against the manifest."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine
from recruitment_watch.services.upkeep.backup import BackupError, create_backup
from recruitment_watch.services.upkeep.restore import restore_backup


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The archive to write (.tar.gz); replaced if it exists.")  # fmt: skip
@with_appcontext
def backup_command(out: str) -> None:
    """Back up the database (SQLite online backup or pg_dump) and the evidence files into one archive."""
    try:
        summary = create_backup(get_engine(), current_app.config["EVIDENCE_FOLDER"], out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {summary.path}: {summary.engine} at schema revision {summary.revision}, "
               f"{summary.rows} rows in {summary.tables} tables, {summary.files} evidence file(s)")  # fmt: skip


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(archive: str) -> None:
    """Restore ARCHIVE (from `recruitment-watch backup`) into this app's database, which must be empty."""
    try:
        summary = restore_backup(get_engine(), current_app.config["EVIDENCE_FOLDER"], archive)
    except BackupError as exc:
        raise click.ClickException(f"restore refused: {exc}") from exc
    click.echo(f"restored {summary.rows} rows in {summary.tables} tables ({summary.engine}, schema revision "
               f"{summary.revision}) and {summary.files} evidence file(s); every table matches the "
               "manifest")  # fmt: skip
