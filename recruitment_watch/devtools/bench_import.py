"""``recruitment-watch bench import``: a CSV file of N contracts imported with full validation into a fresh database.

Prints the import's time, rows per second and peak RSS, and two baselines measured in the same run: reading the
file alone (CSV parsing and cell reading, no validation) and the API's bulk path (``prepare_agency_contract`` then
``store_agency_contract`` in ``submit_bulk``, as ``POST /api/v1/contracts/bulk`` runs them) on a sample of the same
rows, extrapolated to N. Target: 100,000 contracts in at most 60 s (issue 15).
"""

from __future__ import annotations

import csv
import io
import os
import resource
import time
from collections.abc import Callable
from datetime import timedelta

from recruitment_watch import migrate
from recruitment_watch.db import make_engine, new_session, unit_of_work
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor, role_scopes
from recruitment_watch.services.contracts import csv_import_runs
from recruitment_watch.services.contracts.csv_columns import columns_of
from recruitment_watch.services.contracts.csv_import import ContractRows, payload_of
from recruitment_watch.services.contracts.csv_reading import open_csv
from recruitment_watch.services.contracts.submissions import (
    prepare_agency_contract,
    store_agency_contract,
    submit_bulk,
)
from recruitment_watch.services.registry import agencies

KINDS = ("offer", "origin_signed", "destination_registered")
CORRIDORS = (("NP", "QA", "QAR"), ("PK", "SA", "SAR"), ("BD", "AE", "AED"), ("IN", "KW", "KWD"), ("PH", "OM", "OMR"))


def contract_rows(count: int, employer_id: int, prefix: str = "B") -> list[dict[str, str]]:
    """``count`` varied, valid contract rows (a worker on every fifth row has a second contract)."""
    rows = []
    for number in range(count):
        origin, destination, currency = CORRIDORS[number % len(CORRIDORS)]
        rows.append({
            "reference": f"{prefix}-{number:07d}", "origin_country": origin, "destination_country": destination,
            "sector": ("construction", "domestic work", "hospitality")[number % 3], "employer_id": str(employer_id),
            "worker_reference": f"{prefix}W-{number - number % 5 // 4:07d}", "worker_full_name": f"Worker {number}",
            "worker_nationality": origin, "worker_languages": "en", "worker_date_of_birth": "1995-05-17",
            "kind": KINDS[number % 3], "basic_wage_minor": str(120_000 + number % 50_000), "wage_currency": currency,
            "worksite_country": destination, "worksite_city": "Capital", "job_title": "Mason", "isco_code": "7112",
            "hours_per_day": "8", "days_per_week": "6", "weekly_rest_days": "1", "signed_on": "2026-02-10",
            "deductions": "food;housing" if number % 7 == 0 else "", "copy_given_to_worker": "true",
        })  # fmt: skip
    return rows


def csv_file(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    header = [column.name for column in columns_of("contracts")]
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode()


def _setting(engine) -> tuple[Actor, int]:
    with unit_of_work(engine) as session:
        agency = agencies.register_agency({"name": "Bench Manpower", "country": "NP", "licence_no": "NP-BENCH-1",
                                           "licence_authority": "DoFE", "licence_valid_from": "2024-01-01",
                                           "licence_valid_to": "2030-12-31"}, actor=None, session=session)  # fmt: skip
        employer = agencies.register_employer({"name": "Bench Build", "registration_no": "QA-B-1", "country": "QA",
                                               "sector": "construction"}, actor=None, session=session)  # fmt: skip
        actor = Actor(0, OrganisationKind.agency, agency.name, Role.agency, role_scopes(Role.agency),
                      agency_id=agency.id)  # fmt: skip
        return actor, employer.id


def _parse_only(data: bytes) -> float:
    started = time.perf_counter()
    columns = columns_of("contracts")
    for row in open_csv(data, columns, max_bytes=len(data)).rows():
        payload_of(row, columns)
    return time.perf_counter() - started


def _api_bulk(engine, actor: Actor, rows: list[dict[str, str]]) -> float:
    """Seconds the API's bulk path takes to check and store ``rows`` (as API bodies, 1,000 per request)."""
    with new_session(engine) as session:
        checker = ContractRows(actor, session=session)
        bodies = []
        for row in open_csv(csv_file(rows), checker.columns, max_bytes=10**9).rows():
            bodies.append(payload_of(row, checker.columns)[0])  # the input models take dates as dates too
    started = time.perf_counter()
    for start in range(0, len(bodies), 1_000):
        with unit_of_work(engine, writing=True) as session:
            prepared = [prepare_agency_contract(actor, body, session=session) for body in bodies[start:start + 1_000]]
            outcomes = submit_bulk(prepared, lambda item: store_agency_contract(actor, item, session=session),
                                   session=session)  # fmt: skip
            assert all(outcome.accepted is not None for outcome in outcomes), outcomes[0].errors
    return time.perf_counter() - started


def run_import_benchmark(database_url: str, *, contracts: int, sample: int, echo: Callable[[str], None]) -> dict:
    """Build a fresh database, import ``contracts`` rows, and print the figures with their baselines."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    actor, employer_id = _setting(engine)
    data = csv_file(contract_rows(contracts, employer_id))
    echo(f"file: {contracts:,} contracts, {len(data) / 1_048_576:.1f} MB")
    parse = _parse_only(data)
    limits = csv_import_runs.ImportLimits(max_bytes=len(data), stale_after=timedelta(minutes=10))
    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = children.ru_utime + children.ru_stime
    with unit_of_work(engine, writing=True) as session:
        record, checked = csv_import_runs.start_import(actor, "contracts", "bench.csv", data, "keep_good",
                                                       session=session, limits=limits)  # fmt: skip
    final = csv_import_runs.run_import(engine, record.id, actor, checked)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    readers_cpu = children.ru_utime + children.ru_stime - children_cpu  # the reader processes (csv_parallel)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert final.status == "done" and final.rows_stored == contracts, (final.status, final.failure, final.errors[:3])
    api = _api_bulk(engine, actor, contract_rows(sample, employer_id, prefix="API"))
    api_rate = sample / api
    rate = contracts / seconds
    echo(f"import (full validation, stored): {seconds:.1f} s, {rate:,.0f} rows/s, peak RSS {rss_mb:.0f} MB "
         f"(CPU {cpu:.1f} s here + {readers_cpu:.1f} s in the reader processes; load average "
         f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    echo(f"baseline, reading the file only: {parse:.1f} s ({contracts / parse:,.0f} rows/s)")
    echo(f"baseline, API bulk path on {sample:,} rows: {api:.1f} s = {api_rate:,.0f} rows/s "
         f"(≈ {contracts / api_rate:.0f} s for {contracts:,}); import / API = {rate / api_rate:.1f}×")  # fmt: skip
    engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "readers_cpu": readers_cpu, "rate": rate, "rss_mb": rss_mb,
            "parse": parse, "api_rate": api_rate}
