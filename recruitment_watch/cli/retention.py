"""CLI for worker-data retention: ``retention run [--dry-run]`` applies the rule now (the daily ``retention`` job does
the same on its schedule) and prints what it did, or would do."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.upkeep.retention import RetentionRules, run_retention


@click.group("retention")
def retention_group() -> None:
    """Worker-data retention: pseudonymise decided complaints after their period, delete their evidence files."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only say what would be done; change nothing.")
@with_appcontext
def retention_run(dry_run: bool) -> None:
    """Pseudonymise the worker data of complaints decided longer ago than their period (RETENTION_* settings)."""
    config = current_app.config
    try:
        rules = RetentionRules.from_config(config)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    overrides = ", ".join(f"{name} {days}" for name, days in sorted(rules.days_by_category.items()))
    click.echo(f"retention: {rules.closed_days} days after the decision" + (f" ({overrides})" if overrides else ""))
    run = run_retention(get_engine(), config, now=utc_now(), dry_run=dry_run)
    for reference in run.references:
        click.echo(f"  {'would pseudonymise' if dry_run else 'pseudonymised'} {reference}")
    click.echo(run.summary())
