"""``recruitment-watch bench …``: benchmark commands (their figures go to docs/benchmarks.md)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from recruitment_watch.devtools.bench_sweep import run_benchmark
from recruitment_watch.devtools.pg_cluster import bench_database


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
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder, bench_database(postgres, folder) as built:
        url = database_url if database_url and not postgres else built
        click.echo(f"benchmark: {contracts} contracts on {url.split('://')[0]}")
        run_benchmark(url, contracts=contracts, sample=sample, seed=seed, echo=click.echo)


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


@bench_group.command("pages")
@click.option("--database-url", default=None,
              help="A swept demo database; default: the cached swept demo of --contracts contracts.")  # fmt: skip
@click.option("--contracts", default=1_000_000, show_default=True, type=click.IntRange(100, 5_000_000),
              help="Demo size when no --database-url is given (built and swept once, then reused).")  # fmt: skip
@click.option("--cache-dir", default=tempfile.gettempdir(), show_default=True, type=click.Path(file_okay=False),
              help="Where the built demo is kept between runs.")  # fmt: skip
@click.option("--requests", default=50, show_default=True, type=click.IntRange(5, 10_000), help="Timed per page.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn -w")
@click.option("--postgres", is_flag=True,
              help="Build and sweep the demo in a throwaway PostgreSQL cluster (not cached; long at 1 M).")  # fmt: skip
def bench_pages(database_url: str | None, contracts: int, cache_dir: str, requests: int, workers: int,
                postgres: bool) -> None:  # fmt: skip
    """Workspace, findings queue (first page, page 500 by keyset) and the biggest agency's 360° page under gunicorn:
    p50/p95 against /healthz in the same run; a page not served yet is reported as not available."""
    from pathlib import Path

    from recruitment_watch.devtools.bench_pages import run_pages_benchmark

    if postgres:
        with bench_database(True, cache_dir) as url:
            _build_swept_demo(url, contracts)
            click.echo("benchmark: inspector pages on postgresql")
            run_pages_benchmark(url, requests=requests, workers=workers, echo=click.echo)
        return
    if database_url is None:
        cached = Path(cache_dir) / f"rw-bench-pages-{contracts}.sqlite3"
        database_url = f"sqlite:///{cached}"
        ready = cached.with_suffix(".ready")
        if not ready.exists():  # an interrupted build is started afresh
            for leftover in cached.parent.glob(cached.name + "*"):
                leftover.unlink()
            _build_swept_demo(database_url, contracts)
            ready.touch()
        else:
            click.echo(f"reusing the swept {contracts}-contract demo in {cached}")
    click.echo(f"benchmark: inspector pages on {database_url.split(':')[0]}")
    run_pages_benchmark(database_url, requests=requests, workers=workers, echo=click.echo)


@bench_group.command("report")
@click.option("--contracts", default=1_000_000, show_default=True, type=click.IntRange(100, 5_000_000),
              help="Demo size for the ministry quarterly report (the agency report uses its own 2,000).")  # fmt: skip
@click.option("--database-url", default=None,
              help="A swept demo for the ministry report (`make bench-demo`); default: build one.")  # fmt: skip
def bench_report(contracts: int, database_url: str | None) -> None:
    """PDF reports end to end: an agency with 2,000 contracts, 300 findings, 50 complaints (≤ 5 s), and the ministry
    quarterly report over --contracts (≤ 20 s at 1 M), each with the share outside WeasyPrint's rendering."""
    from recruitment_watch.db import make_engine
    from recruitment_watch.devtools.bench_report import run_agency_benchmark, run_ministry_benchmark

    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder:
        config = {"DATABASE_URL": f"sqlite:///{folder}/agency.sqlite3", "TESTING": False}
        _build_swept_demo(config["DATABASE_URL"], 5_000)  # the smallest demo with 50 complaints
        engine = make_engine(config["DATABASE_URL"])
        try:
            run_agency_benchmark(engine, config, Path(folder), click.echo)
        finally:
            engine.dispose()
        config = {"DATABASE_URL": database_url or f"sqlite:///{folder}/ministry.sqlite3", "TESTING": False}
        if database_url is None:
            _build_swept_demo(config["DATABASE_URL"], contracts)
        engine = make_engine(config["DATABASE_URL"])
        try:
            click.echo(f"ministry report over {contracts if database_url is None else 'the given'} contracts")
            run_ministry_benchmark(engine, config, Path(folder), click.echo)
        finally:
            engine.dispose()


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

    with tempfile.TemporaryDirectory(prefix="rw-bench-api-") as folder, bench_database(postgres, folder) as url:
        click.echo(f"API benchmark: gunicorn -w {workers}, {threads} client threads, {url.split('://')[0]}")
        run_api_benchmark(url, Path(folder), workers=workers, seconds=seconds, count=count, bulk_size=bulk_size,
                          threads=threads, echo=click.echo)  # fmt: skip


@bench_group.command("audit")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn -w")
@click.option("--seconds", default=15.0, show_default=True, type=click.FloatRange(1, 600), help="Per phase, at most.")
@click.option("--count", default=1_000, show_default=True, type=click.IntRange(10, 1_000_000),
              help="Contracts per phase, at most.")  # fmt: skip
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Client threads.")
@click.option("--rounds", default=2, show_default=True, type=click.IntRange(1, 20), help="Off/on pairs.")
@click.option("--postgres", is_flag=True, help="Use a throwaway PostgreSQL cluster instead of a SQLite file.")
def bench_audit(workers: int, seconds: float, count: int, threads: int, rounds: int, postgres: bool) -> None:
    """Contract POSTs per second with the audit trail on against off (AUDIT_ENABLED), and their ratio."""
    from pathlib import Path

    from recruitment_watch.devtools.bench_audit import run_audit_benchmark

    with tempfile.TemporaryDirectory(prefix="rw-bench-audit-") as folder, bench_database(postgres, folder) as url:
        click.echo(f"audit benchmark: gunicorn -w {workers}, {threads} client threads, {url.split('://')[0]}")
        run_audit_benchmark(url, Path(folder), workers=workers, seconds=seconds, count=count, threads=threads,
                            rounds=rounds, echo=click.echo)  # fmt: skip


@bench_group.command("import")
@click.option("--contracts", default=100_000, show_default=True, type=click.IntRange(100, 2_000_000))
@click.option("--sample", default=2_000, show_default=True, type=click.IntRange(10, 100_000),
              help="Rows the API bulk-path baseline stores (extrapolated to --contracts).")  # fmt: skip
@click.option("--database-url", default=None, help="An empty database to import into (default: a fresh SQLite file).")
def bench_import(contracts: int, sample: int, database_url: str | None) -> None:
    """CSV import of --contracts contracts with full validation: time, rows/s, peak RSS, and baselines (reading the
    file alone; the API's bulk path on --sample rows)."""
    from recruitment_watch.devtools.bench_import import run_import_benchmark

    with tempfile.TemporaryDirectory(prefix="rw-bench-") as folder:
        url = database_url or f"sqlite:///{folder}/import.sqlite3"
        click.echo(f"benchmark: CSV import of {contracts:,} contracts on {url.split(':')[0]}")
        run_import_benchmark(url, contracts=contracts, sample=sample, echo=click.echo)
