"""CLI for the audit trail: ``audit verify`` walks the event chain and every contract's version chain; ``audit show``
prints one record's history. Both read only; the inspector pages call the same services."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.contracts.version_chain import broken_chains, count_versions
from recruitment_watch.services.trust.verification import count_events, history, verify_audit_chain

# Broken contract chains named one by one; beyond this only their number is printed.
MAX_LISTED = 50


@click.group("audit")
def audit_group() -> None:
    """The audit trail: verify its hash chains, show a record's history."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute the audit chain and every contract's version chain; exit 1 naming the first broken links."""
    with unit_of_work(get_engine()) as session:
        with click.progressbar(length=count_events(session), label="audit events", show_pos=True) as bar:
            trail = verify_audit_chain(session, progress=bar.update)
        broken: list[tuple[int, int]] = []
        with click.progressbar(length=count_versions(session), label="contract versions", show_pos=True) as bar:
            broken = list(broken_chains(session, progress=bar.update))
        versions = count_versions(session)
    if trail.intact:
        click.echo(f"audit trail intact: {trail.events} events")
    else:
        click.echo(f"audit trail BROKEN at event {trail.first_broken_id}: {trail.reason}", err=True)
    for contract_id, seq in broken[:MAX_LISTED]:
        click.echo(f"contract {contract_id}: version chain BROKEN at version {seq}", err=True)
    if len(broken) > MAX_LISTED:
        click.echo(f"... and {len(broken) - MAX_LISTED} more contracts with a broken version chain", err=True)
    if not broken:
        click.echo(f"contract version chains intact: {versions} versions")
    if broken or not trail.intact:
        raise SystemExit(1)


@audit_group.command("show")
@click.argument("object_type")
@click.argument("object_id")
@with_appcontext
def audit_show(object_type: str, object_id: str) -> None:
    """Print the history of record OBJECT_ID of OBJECT_TYPE (a table name: contract, complaint, app_user ...)."""
    with unit_of_work(get_engine()) as session:
        events = history(session, object_type, object_id)
    if not events:
        raise click.UsageError(f"no audit events for {object_type} {object_id}")
    for found in events:
        click.echo(f"#{found.id} {found.occurred_at:%Y-%m-%d %H:%M:%S} UTC  {found.action}  by {found.actor_label}")
        for name in sorted({*(found.before or {}), *(found.after or {})}):
            before = _shown((found.before or {}).get(name))
            after = _shown((found.after or {}).get(name))
            if found.action == "update":
                click.echo(f"    {name}: {before} -> {after}")
            else:
                click.echo(f"    {name}: {before if found.action == 'delete' else after}")


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
