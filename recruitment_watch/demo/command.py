"""``recruitment-watch demo``: seed deterministic demo data with a progress bar, then run a first full sweep so
findings, risk scores and SLA states are there on the first page; ``demo code``: a demo login's current code."""

from __future__ import annotations

import time

import click
import pyotp
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch import migrate
from recruitment_watch.db import get_engine
from recruitment_watch.demo.load import count_contracts, load_demo
from recruitment_watch.demo.reference import DEMO_LOGINS, demo_totp_secret
from recruitment_watch.models.vocab import Role
from recruitment_watch.services.sweeps.run import recent_check_runs, start_sweep


@click.group("demo", invoke_without_command=True)
@click.option("--contracts", "contracts", default=2_000, show_default=True, type=click.IntRange(0, 5_000_000),
              help="How many demo contracts to have in total.")  # fmt: skip
@click.option("--seed", default=2026, show_default=True, type=click.IntRange(0, 10**9),
              help="Random seed: the same seed always gives the same data.")  # fmt: skip
@click.option("--no-sweep", is_flag=True, help="Do not run the first full sweep after loading.")
@click.pass_context
@with_appcontext
def demo_command(ctx: click.Context, contracts: int, seed: int, no_sweep: bool) -> None:
    """Seed demo agencies, employers, logins, contracts, fees and complaints (running it twice adds nothing), then
    judge them once (a full sweep) unless a sweep has run already."""
    if ctx.invoked_subcommand is not None:
        return
    engine = get_engine()
    if migrate.current_revision(engine) is None:
        migrate.upgrade(engine)
    started = time.perf_counter()
    with click.progressbar(length=contracts, label="demo contracts", show_pos=True, show_eta=True) as bar:
        summary = load_demo(
            engine,
            contracts=contracts,
            seed=seed,
            password=current_app.config["DEMO_PASSWORD"],
            progress=bar.update,
        )
    elapsed = time.perf_counter() - started
    click.echo(
        f"added {summary.contracts_added} contracts in {elapsed:.1f} s; "
        f"the database now holds {count_contracts(engine)} contracts"
    )
    if not no_sweep and not recent_check_runs(engine, limit=1):
        click.echo("first full sweep (judging every record against the criteria) …")
        run = start_sweep(engine, current_app.config, full=True, trigger="cli")
        click.echo(f"check run {run.id}: {run.counts['new']} findings in {run.duration_ms / 1000:.1f} s")
    click.echo("Demo logins (password: " + current_app.config["DEMO_PASSWORD"] + "):")
    for email, role, secret in summary.logins:
        second = f"  second-step secret {secret}" if secret else ""
        click.echo(f"  {role:<10} {email}{second}")
    click.echo("Staff sign in with a code: add the secret to an authenticator app, or print the current code with")
    click.echo("  recruitment-watch demo code inspector@demo.recruitment-watch.org")


@demo_command.command("code")
@click.argument("email")
def demo_code(email: str) -> None:
    """Print the current second-step code of a demo staff login (demo accounts only: their secrets are public)."""
    staff = {address for address, _name, role in DEMO_LOGINS if role in (Role.admin, Role.inspector)}
    if email.strip().lower() not in staff:
        raise click.UsageError(f"{email} is not a demo staff login; demo staff: {', '.join(sorted(staff))}")
    click.echo(pyotp.TOTP(demo_totp_secret(email.strip().lower())).now())
