"""``recruitment-watch demo``: seed deterministic demo data, with a progress bar."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch import migrate
from recruitment_watch.db import get_engine
from recruitment_watch.demo.load import count_contracts, load_demo


@click.command("demo")
@click.option("--contracts", "contracts", default=2_000, show_default=True, type=click.IntRange(0, 5_000_000),
              help="How many demo contracts to have in total.")  # fmt: skip
@click.option("--seed", default=2026, show_default=True, type=click.IntRange(0, 10**9),
              help="Random seed: the same seed always gives the same data.")  # fmt: skip
@with_appcontext
def demo_command(contracts: int, seed: int) -> None:
    """Seed demo agencies, employers, logins, contracts, fees and complaints (running it twice adds nothing)."""
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
    click.echo("Demo logins (password: " + current_app.config["DEMO_PASSWORD"] + "):")
    for email, role in summary.logins:
        click.echo(f"  {role:<10} {email}")
