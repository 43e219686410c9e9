"""CLI for the licensing authority: ``licences decide`` records a decision, ``licences history`` lists the periods
(and says who registered the agency).

Until the ministry's admin pages exist, this is how a licence is suspended, reinstated, renewed or cancelled; the
criteria judge every contract on the licence as it stood on the contract's own dates (docs/criteria-engine.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from pydantic import ValidationError

from recruitment_watch.cli.people import acting_person
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Agency
from recruitment_watch.models.vocab import LicenceDecision
from recruitment_watch.schemas.agencies import LicenceEventInput
from recruitment_watch.services.errors import ServiceError
from recruitment_watch.services.registry.agencies import decide_licence, who_registered
from recruitment_watch.services.registry.licence_history import history_of, status_on


@click.group("licences")
def licences_group() -> None:
    """Agency licences: record a decision, show the history."""


@licences_group.command("decide")
@click.argument("agency_id", type=click.IntRange(1))
@click.option("--decision", type=click.Choice([d.value for d in LicenceDecision]), required=True)
@click.option("--on", "decided_on", type=click.DateTime(["%Y-%m-%d"]), required=True, help="The day it takes effect.")
@click.option("--reason", required=True, help="Why (3-1000 characters); the public verification shows it.")
@click.option("--legal-basis", default=None, help="The order or article it rests on.")
@click.option("--valid-to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="New expiry (issue, renewal).")
@click.option("--by", "email", required=True, help="The ministry inspector or admin who decides (e-mail).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def licences_decide(agency_id: int, decision: str, decided_on, reason: str, legal_basis: str | None, valid_to,
                    email: str, yes: bool) -> None:  # fmt: skip
    """Record DECISION on AGENCY_ID's licence, in force from --on."""
    data = {"decision": decision, "decided_on": decided_on.date(), "reason": reason, "legal_basis": legal_basis,
            "valid_to": valid_to.date() if valid_to else None}  # fmt: skip
    try:
        checked = LicenceEventInput.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise click.UsageError(f"{'.'.join(map(str, error['loc'])) or 'decision'}: {error['msg']}") from exc
    with unit_of_work(get_engine()) as session:
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise click.BadParameter(f"agency {agency_id} does not exist", param_hint="AGENCY_ID")
        if not yes:
            click.confirm(f"Record '{decision}' on the licence of {agency.name} ({agency.licence_no}) from "
                          f"{checked.decided_on}?", abort=True)  # fmt: skip
        actor = acting_person(email, session=session)
        try:
            event = decide_licence(actor, agency_id, checked, session=session)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"licence {agency.licence_no}: {event.decision} from {event.decided_on} (status {event.status}), "
                   f"recorded by {email}")  # fmt: skip


@licences_group.command("history")
@click.argument("agency_id", type=click.IntRange(1))
@with_appcontext
def licences_history(agency_id: int) -> None:
    """AGENCY_ID's licence periods, oldest first, and its status today; who registered the agency, and when."""
    with unit_of_work(get_engine()) as session:
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise click.BadParameter(f"agency {agency_id} does not exist", param_hint="AGENCY_ID")
        periods = history_of(session, agency_id)
        registered_by = who_registered(agency, session=session)
    click.echo(f"{agency.name} — licence {agency.licence_no} ({agency.country}), {agency.licence_authority}")
    click.echo(f"registered on {agency.created_at.date()} by {registered_by}")
    for period in periods:
        until = f"to {period.next_starts_on - timedelta(days=1)}" if period.next_starts_on else "to date"
        valid = f", valid to {period.valid_to}" if period.valid_to else ""
        basis = f" [{period.legal_basis}]" if period.legal_basis else ""
        click.echo(f"  {period.starts_on} {until:<17} {period.decision:<11} {period.status}{valid}: "
                   f"{period.reason}{basis}")  # fmt: skip
    click.echo(f"status today ({date.today()}): {status_on(periods, date.today())}")
