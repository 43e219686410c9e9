"""CLI for findings an inspector works: ``findings disclose`` (until the inspector workspace exists)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from pydantic import ValidationError

from recruitment_watch.cli.people import acting_person
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.casework.findings import DisclosureInput, disclose_finding
from recruitment_watch.services.errors import ServiceError


@click.group("findings")
def findings_group() -> None:
    """Findings: put a complaint finding to the agency it concerns."""


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
