"""CLI for findings an inspector works: ``findings disclose``, ``findings verify`` and ``findings dismiss`` — the same
services the web queue's bulk actions call (``casework.findings``), so a rule is written once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from pydantic import ValidationError

from recruitment_watch.cli.people import acting_person
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.casework.findings import BulkAction, DisclosureInput, bulk_act, disclose_finding
from recruitment_watch.services.errors import ServiceError


@click.group("findings")
def findings_group() -> None:
    """Findings: put a complaint finding to its agency, verify a remedy, dismiss a finding."""


@findings_group.command("disclose")
@click.argument("finding_id", type=click.IntRange(1))
@click.option("--by", "email", required=True, help="The inspector's e-mail address: the person who decides.")
@click.option("--text", required=True, help="What the agency will read instead of the complaint (10-2000 chars).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def findings_disclose(finding_id: int, email: str, text: str, yes: bool) -> None:
    """Let the agency see complaint finding FINDING_ID, reading only TEXT (never the complainant's words)."""
    try:
        checked = DisclosureInput.model_validate({"text": text})
    except ValidationError as exc:
        raise click.BadParameter(exc.errors()[0]["msg"], param_hint="--text") from exc
    if not yes:
        click.confirm(f"The agency will see finding {finding_id} with this text:\n  {text}\nDisclose it?", abort=True)
    with unit_of_work(get_engine()) as session:
        actor = acting_person(email, session=session)
        try:
            finding = disclose_finding(actor, finding_id, checked, session=session)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        when = f"{finding.disclosed_at:%Y-%m-%d %H:%M}"
        click.echo(f"finding {finding.id} disclosed to agency {finding.agency_id} at {when} UTC")


def _act(action: BulkAction, finding_ids: tuple[int, ...], email: str, reason: str = "") -> None:
    """Carry out ``action`` on every finding as the person ``email``; one refusal changes none of them."""
    with unit_of_work(get_engine()) as session:
        actor = acting_person(email, session=session)
        try:
            count = bulk_act(actor, list(finding_ids), action, session=session, now=utc_now(), reason=reason)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
    click.echo(f"{count} finding(s) {'verified as remedied' if action is BulkAction.verify else 'dismissed'}")


@findings_group.command("verify")
@click.argument("finding_ids", nargs=-1, required=True, type=click.IntRange(1))
@click.option("--by", "email", required=True, help="The inspector's e-mail address: the person who decides.")
@with_appcontext
def findings_verify(finding_ids: tuple[int, ...], email: str) -> None:
    """Close open findings FINDING_IDS as remedied (the inspector checked the agency's remedy)."""
    _act(BulkAction.verify, finding_ids, email)


@findings_group.command("dismiss")
@click.argument("finding_ids", nargs=-1, required=True, type=click.IntRange(1))
@click.option("--by", "email", required=True, help="The inspector's e-mail address: the person who decides.")
@click.option("--reason", required=True, help="Why the findings are wrong or do not apply (the agency reads it).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def findings_dismiss(finding_ids: tuple[int, ...], email: str, reason: str, yes: bool) -> None:
    """Close open findings FINDING_IDS as dismissed, with REASON."""
    if not yes:
        click.confirm(f"Dismiss {len(set(finding_ids))} finding(s) with this reason?\n  {reason}", abort=True)
    _act(BulkAction.dismiss, finding_ids, email, reason)
