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
    """Agencies: explained risk scores, rankings and the recommendations an inspector decides."""


def _weights():
    from flask import current_app

    from recruitment_watch.services.oversight.risk import weights_from

    return weights_from(current_app.config.get("RISK_WEIGHTS"))


@agencies_group.command("risk")
@click.argument("agency_id", type=int)
@with_appcontext
def agencies_risk(agency_id: int) -> None:
    """Explain AGENCY_ID's risk index line by line (100 = the corridor's typical agency). Records nothing."""
    from recruitment_watch.services.errors import NotFound
    from recruitment_watch.services.oversight.risk import assess_agency

    try:
        with unit_of_work(get_engine()) as session:
            risk = assess_agency(agency_id, session=session, on=utc_today(), weights=_weights())
    except NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="AGENCY_ID") from exc
    score = risk.score
    click.echo(f"{risk.agency_name} (agency {risk.agency_id}): index {score.points:g} (90% interval {score.low:g}–"
               f"{score.high:g}), band {score.band}; {score.contracts} contracts in the window, corridor "
               f"{score.corridor}")  # fmt: skip
    for line in score.lines:
        click.echo(f"  {line.points:>8g}  {line.explanation}")
    click.echo(score.recommendation)


@agencies_group.command("rank")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def agencies_rank(limit: int) -> None:
    """Agencies by risk index, highest first, with the interval and the contracts in the window."""
    from recruitment_watch.services.oversight.risk import rank_agencies

    with unit_of_work(get_engine()) as session:
        ranked = rank_agencies(session=session, on=utc_today(), weights=_weights())[:limit]
    click.echo("  #    index  90% interval     contracts  band              agency")
    for position, risk in enumerate(ranked, start=1):
        score = risk.score
        interval = f"{score.low:g}–{score.high:g}"
        click.echo(f"{position:>3}. {score.points:>8g}  {interval:<15} {score.contracts:>10}  {score.band:<17} "
                   f"{risk.agency_name}")  # fmt: skip


@agencies_group.command("recommend")
@with_appcontext
def agencies_recommend() -> None:
    """Rank the agencies and raise a recommendation (queue + notification) for each new band crossing."""
    from recruitment_watch.services.oversight.recommendations import raise_recommendations

    with unit_of_work(get_engine()) as session:
        raised = raise_recommendations(session=session, on=utc_today(), weights=_weights())
        lines = [f"recommendation {row.id}: agency {row.agency_id} {row.kind} (index {row.score:g})" for row in raised]
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} recommendation(s) raised")


@agencies_group.command("recommendations")
@click.option("--all", "everything", is_flag=True, help="Also the accepted and rejected ones.")
@with_appcontext
def agencies_recommendations(everything: bool) -> None:
    """The recommendations waiting for an inspector (with --all, the decided ones too)."""
    from recruitment_watch.services.oversight.recommendations import list_recommendations

    with unit_of_work(get_engine()) as session:
        queue = list_recommendations(session=session, status=None if everything else _pending_status())
        lines = [(item.recommendation, item.agency_name) for item in queue]
        shown = [f"{row.id:>4}  {row.status:<8}  {row.kind:<25}  index {row.score:>7g} ({row.score_low:g}–"
                 f"{row.score_high:g})  raised {row.assessed_on}  {name} (agency {row.agency_id})"
                 + (f"  — {row.decision_reason}" if row.decision_reason else "") for row, name in lines]  # fmt: skip
    if not shown:
        click.echo("no recommendation waiting" if not everything else "no recommendation")
    for line in shown:
        click.echo(line)


def _pending_status():
    from recruitment_watch.models.vocab import RecommendationStatus

    return RecommendationStatus.pending


@agencies_group.group("recommendation")
def recommendation_group() -> None:
    """Decide on one risk recommendation: accept (records the decision) or reject, with a reason."""


@recommendation_group.command("accept")
@click.argument("recommendation_id", type=click.IntRange(1))
@click.option("--reason", required=True, help="Why (3-1000 characters); recorded with the decision.")
@click.option("--legal-basis", default=None, help="For a suspension review: the order or article it rests on.")
@click.option("--by", "email", required=True, help="The ministry inspector or admin who decides (e-mail).")
@with_appcontext
def recommendation_accept(recommendation_id: int, reason: str, legal_basis: str | None, email: str) -> None:
    """Accept RECOMMENDATION_ID: record the decision (a suspension review also suspends the licence from today)."""
    from recruitment_watch.cli.people import acting_person
    from recruitment_watch.services.errors import ServiceError
    from recruitment_watch.services.oversight.recommendations import accept_recommendation

    with unit_of_work(get_engine()) as session:
        actor = acting_person(email, session=session)
        try:
            row = accept_recommendation(recommendation_id, actor=actor, reason=reason, on=utc_today(),
                                        legal_basis=legal_basis, session=session)  # fmt: skip
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        licence = f", licence suspended (licence decision {row.licence_event_id})" if row.licence_event_id else ""
        message = f"recommendation {row.id} accepted by {email}: decision {row.decision_id} ({row.kind}){licence}"
    click.echo(message)


@recommendation_group.command("reject")
@click.argument("recommendation_id", type=click.IntRange(1))
@click.option("--reason", required=True, help="Why (3-1000 characters).")
@click.option("--by", "email", required=True, help="The ministry inspector or admin who decides (e-mail).")
@with_appcontext
def recommendation_reject(recommendation_id: int, reason: str, email: str) -> None:
    """Reject RECOMMENDATION_ID with a reason: nothing is decided."""
    from recruitment_watch.cli.people import acting_person
    from recruitment_watch.services.errors import ServiceError
    from recruitment_watch.services.oversight.recommendations import reject_recommendation

    with unit_of_work(get_engine()) as session:
        actor = acting_person(email, session=session)
        try:
            row = reject_recommendation(recommendation_id, actor=actor, reason=reason, session=session)
        except ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        message = f"recommendation {row.id} rejected by {email}: nothing decided"
    click.echo(message)


def utc_today():
    """Today's date in UTC."""
    from recruitment_watch.models.base import utc_now

    return utc_now().date()
