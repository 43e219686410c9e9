"""CLI for the criteria: ``packs list|validate`` and ``checks run|runs|preview``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from recruitment_watch.checks import PackLoadError, load_packs
from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.access.actor import previewing_as_agency
from recruitment_watch.services.contracts.submissions import prepare_agency_contract
from recruitment_watch.services.criteria import packs as pack_service
from recruitment_watch.services.errors import Rejected
from recruitment_watch.services.sweeps.run import recent_check_runs, start_sweep


@click.group("packs")
def packs_group() -> None:
    """Criteria packs: list them, validate them."""


@packs_group.command("list")
@click.option("--criteria", is_flag=True, help="Also list every criterion with its citation.")
def packs_list(criteria: bool) -> None:
    """Every pack with its version, digest and criteria count."""
    for pack in pack_service.active_packs():
        click.echo(
            f"{pack.id:<26} {pack.version:<8} {pack.digest[:12]}  {len(pack.criteria):>3} criteria  {pack.title}"
        )
        if criteria:
            for criterion in pack.criteria:
                spec = criterion.spec
                click.echo(
                    f"    {spec.id:<14} {spec.severity:<8} {spec.subject:<16} {spec.title}"
                    f"  [{spec.citation.instrument}, {spec.citation.article}]"
                )


@packs_group.command("validate")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of packs to validate (default: the shipped audits/).")  # fmt: skip
def packs_validate(root: Path | None) -> None:
    """Load every pack strictly; on any problem print each (file: criterion: field: message) and fail."""
    try:
        loaded = load_packs(root or pack_service.packs_root())
    except PackLoadError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from exc
    total = sum(len(pack.criteria) for pack in loaded)
    click.echo(f"{len(loaded)} packs, {total} criteria: all valid")


@click.group("checks")
def checks_group() -> None:
    """Compliance sweeps over the database."""


@checks_group.command("run")
@click.option("--full", is_flag=True, help="Judge every subject, not only those changed since the last run.")
@click.option("--pack", "pack_ids", multiple=True, help="Only this pack (repeatable).")
@click.option("--engine", "engine_name", type=click.Choice(["sql", "python"]), default="sql", show_default=True,
              help="Set-based SQL sweep, or the naive one-subject-at-a-time Python path.")  # fmt: skip
@with_appcontext
def checks_run(full: bool, pack_ids: tuple[str, ...], engine_name: str) -> None:
    """Judge the database against the packs and record findings (no duplicates; fixed data auto-resolves)."""
    from flask import current_app

    from recruitment_watch.services.sweeps.lock import SweepInProgress

    try:
        run = start_sweep(
            get_engine(), current_app.config, full=full, trigger="cli", only_packs=set(pack_ids) or None,
            strategy=engine_name,
        )  # fmt: skip
    except (PackLoadError, SweepInProgress) as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from exc
    counts = run.counts
    click.echo(
        f"check run {run.id} ({run.mode}, {counts['strategy']}): {counts['new']} new findings, "
        f"{counts['still_open']} still open, {counts['auto_resolved']} auto-resolved in {run.duration_ms / 1000:.1f} s"
    )
    for severity in ("critical", "high", "medium", "low"):
        if counts["new_by_severity"].get(severity):
            click.echo(f"  new {severity}: {counts['new_by_severity'][severity]}")


@checks_group.command("runs")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@with_appcontext
def checks_runs(limit: int) -> None:
    """The latest check runs, newest first."""
    for run in recent_check_runs(get_engine(), limit=limit):
        took = f"{run.duration_ms / 1000:.1f} s" if run.duration_ms is not None else "-"
        error = f" {run.error.strip().splitlines()[-1]}" if run.error else ""
        counts = json.dumps(run.counts) if run.counts else ""
        started = f"{run.started_at:%Y-%m-%d %H:%M}"
        click.echo(f"{run.id:>5} {started} {run.mode:<11} {run.status:<9} {took:>8} {counts}{error}")


@checks_group.command("preview")
@click.argument("contract_json", type=click.File("r"))
@click.option("--agency", "agency_id", type=int, required=True, help="The submitting agency's id (an API key's).")
@with_appcontext
def checks_preview(contract_json, agency_id: int) -> None:
    """What a contract would break, before it is submitted: CONTRACT_JSON is exactly the body of
    POST /api/v1/contracts (worker inline or {"id": …}, versions, fee_payments), judged as AGENCY would submit it.
    Bad input gets the API's field errors (exit 2); nothing is stored."""
    try:
        data = json.load(contract_json)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint="CONTRACT_JSON") from exc
    with unit_of_work(get_engine()) as session:
        actor = previewing_as_agency(agency_id, session=session)
        if actor is None:
            raise click.BadParameter(f"agency {agency_id} does not exist", param_hint="--agency")
        try:
            would_be = prepare_agency_contract(actor, data, session=session).preview
        except Rejected as exc:
            for error in exc.errors:
                click.echo(f"{error.field or '(body)'}: {error.message}", err=True)
            raise SystemExit(2) from exc
    if not would_be:
        click.echo("no criterion would be broken")
    for finding in would_be:
        click.echo(f"{finding.severity:<8} {finding.criterion_id:<14} {finding.message}")
        click.echo(f"         {finding.citation['instrument']}, {finding.citation['article']}")


@click.group("agencies")
def agencies_group() -> None:
    """Agencies: explained risk scores and rankings."""


@agencies_group.command("risk")
@click.argument("agency_id", type=int)
@with_appcontext
def agencies_risk(agency_id: int) -> None:
    """Explain AGENCY_ID's risk score line by line; record a watchlist/suspension-review recommendation when due."""
    from flask import current_app

    from recruitment_watch.services.errors import NotFound
    from recruitment_watch.services.oversight.risk import assess_agency, weights_from

    try:
        with unit_of_work(get_engine()) as session:
            risk = assess_agency(agency_id, session=session, on=utc_today(),
                                 weights=weights_from(current_app.config.get("RISK_WEIGHTS")))  # fmt: skip
    except NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="AGENCY_ID") from exc
    click.echo(f"{risk.agency_name} (agency {risk.agency_id}): {risk.score.points:g} points, band {risk.score.band}")
    for line in risk.score.lines:
        click.echo(f"  {line.points:>6g}  {line.explanation}")
    click.echo(risk.score.recommendation)
    if risk.recorded_decision_id:
        click.echo(f"recommendation recorded as decision {risk.recorded_decision_id}")


@agencies_group.command("rank")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def agencies_rank(limit: int) -> None:
    """Agencies by risk score, highest first."""
    from recruitment_watch.services.oversight.risk import rank_agencies

    with unit_of_work(get_engine()) as session:
        ranked = rank_agencies(session=session, on=utc_today())[:limit]
    for position, risk in enumerate(ranked, start=1):
        click.echo(f"{position:>3}. {risk.score.points:>8g}  {risk.score.band:<17} {risk.agency_name}")


def utc_today():
    """Today's date in UTC."""
    from recruitment_watch.models.base import utc_now

    return utc_now().date()
