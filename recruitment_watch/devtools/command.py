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


@bench_group.command("verify")
@click.option("--contracts", default=100_000, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option("--requests", default=500, show_default=True, type=click.IntRange(20, 1_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
def bench_verify(contracts: int, requests: int, seed: int) -> None:
    """Public licence verification of the biggest agency: computed anew (baseline) against remembered, p50/p95."""
    from recruitment_watch.devtools.bench_verify import run_verify_benchmark

    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        click.echo(f"benchmark: public licence verification, {contracts} contracts on sqlite")
        run_verify_benchmark(url, contracts=contracts, requests=requests, seed=seed, echo=click.echo)


@bench_group.command("web")
@click.option("--database-url", default=None,
              help="An existing demo database (the 1 M one of `make bench-demo`); default: build one.")  # fmt: skip
@click.option("--contracts", default=20_000, show_default=True, type=click.IntRange(100, 5_000_000),
              help="Demo size when building one.")  # fmt: skip
@click.option("--rounds", default=41, show_default=True, type=click.IntRange(3, 1000), help="Visits per role.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn -w")
def bench_web(database_url: str | None, contracts: int, rounds: int, workers: int) -> None:
    """Sign-in and dashboard round trips (inspector with TOTP, agency) under gunicorn, p50/p95 against bare Flask."""
    from recruitment_watch.devtools.bench_web import run_web_benchmark

    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder:
        url = database_url or f"sqlite:///{folder}/bench.sqlite3"
        if database_url is None:
            _build_swept_demo(url, contracts)
        click.echo(f"benchmark: web sign-in + dashboard on {url.split(':')[0]}")
        run_web_benchmark(url, rounds=rounds, workers=workers, echo=click.echo)


@bench_group.command("risk")
@click.option("--database-url", default=None,
              help="A swept demo database (the 1 M one of `make bench-demo`); default: build one.")  # fmt: skip
@click.option("--contracts", default=2_000, show_default=True, type=click.IntRange(100, 5_000_000),
              help="Demo size when building one.")  # fmt: skip
@click.option("--repeats", default=5, show_default=True, type=click.IntRange(1, 100), help="Rankings timed.")
def bench_risk(database_url: str | None, contracts: int, repeats: int) -> None:
    """Risk ranking against the demo's planted bad actors: precision@k, small agencies in the top decile, time."""
    from recruitment_watch.db import make_engine
    from recruitment_watch.devtools.bench_risk import run_risk_benchmark
    from recruitment_watch.models.base import utc_now

    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder:
        url = database_url or f"sqlite:///{folder}/bench.sqlite3"
        if database_url is None:
            _build_swept_demo(url, contracts)
        click.echo(f"benchmark: risk ranking on {url.split(':')[0]}")
        engine = make_engine(url)
        try:
            quality = run_risk_benchmark(engine, on=utc_now().date(), repeats=repeats, echo=click.echo)
        finally:
            engine.dispose()
    if quality.precision < 0.9 or quality.small_in_decile:
        raise SystemExit(1)


def _build_swept_demo(url: str, contracts: int) -> None:
    """A demo database of ``contracts`` contracts with its first full sweep done."""
    from recruitment_watch import migrate
    from recruitment_watch.db import make_engine
    from recruitment_watch.demo.load import load_demo
    from recruitment_watch.services.sweeps.run import start_sweep

    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        click.echo(f"building a {contracts}-contract demo and sweeping it …")
        load_demo(engine, contracts=contracts, seed=2026, password="bench-not-used")
        start_sweep(engine, {}, full=True, trigger="cli")
    finally:
        engine.dispose()


@bench_group.command("api")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn -w")
@click.option("--seconds", default=20.0, show_default=True, type=click.FloatRange(1, 600), help="Per phase, at most.")
@click.option("--count", default=5_000, show_default=True, type=click.IntRange(10, 1_000_000),
              help="Contracts per phase, at most.")  # fmt: skip
@click.option("--bulk-size", default=100, show_default=True, type=click.IntRange(1, 1000))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Client threads.")
@click.option("--postgres", is_flag=True, help="Use a throwaway PostgreSQL cluster instead of a SQLite file.")
def bench_api(workers: int, seconds: float, count: int, bulk_size: int, threads: int, postgres: bool) -> None:
    """Contract POSTs per second under gunicorn (single and bulk), against a bare Flask hello endpoint."""
    from pathlib import Path

    from recruitment_watch.devtools.bench_api import run_api_benchmark

    cluster = None
    with tempfile.TemporaryDirectory(prefix="rw-bench-api-") as folder:
        if postgres:
            from recruitment_watch.devtools.pg_cluster import start_cluster

            cluster = start_cluster()
        url = cluster.url if cluster else f"sqlite:///{folder}/bench.sqlite3"
        try:
            click.echo(f"API benchmark: gunicorn -w {workers}, {threads} client threads, {url.split('://')[0]}")
            run_api_benchmark(url, Path(folder), workers=workers, seconds=seconds, count=count, bulk_size=bulk_size,
                              threads=threads, echo=click.echo)  # fmt: skip
        finally:
            if cluster is not None:
                cluster.stop()
