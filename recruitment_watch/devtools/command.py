"""``recruitment-watch bench …``: benchmark commands (their figures go to docs/benchmarks.md)."""

from __future__ import annotations

import tempfile

import click

from recruitment_watch.devtools.bench_sweep import run_benchmark


@click.group("bench")
def bench_group() -> None:
    """Benchmarks that print their figures and the ratio against a baseline measured in the same run."""


@bench_group.command("sweep")
@click.option("--contracts", default=100_000, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option("--sample", default=2_000, show_default=True, type=click.IntRange(10, 1_000_000),
              help="Subjects per type judged by the naive baseline.")  # fmt: skip
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--database-url", default=None, help="Database to build the demo in (default: a fresh SQLite file).")
@click.option(
    "--postgres", is_flag=True, help="Use a throwaway PostgreSQL cluster started from the installed binaries."
)
def bench_sweep(contracts: int, sample: int, seed: int, database_url: str | None, postgres: bool) -> None:
    """Full sweep (first and steady), incremental sweep after 1,000 changes, naive baseline, peak RSS."""
    cluster = None
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder:
        if postgres:
            from recruitment_watch.devtools.pg_cluster import start_cluster

            cluster = start_cluster()
            database_url = cluster.url
        url = database_url or f"sqlite:///{folder}/bench.sqlite3"
        try:
            click.echo(f"benchmark: {contracts} contracts on {url.split('://')[0]}")
            run_benchmark(url, contracts=contracts, sample=sample, seed=seed, echo=click.echo)
        finally:
            if cluster is not None:
                cluster.stop()
