"""API throughput under gunicorn: contract POSTs (single and bulk) against a bare Flask "hello" baseline.

Both servers run ``gunicorn -w N`` (sync workers) on loopback; the load comes from a second process with a few
client threads, for a bounded time and a bounded count. The same run measures the baseline, so the ratio
compares like with like on this machine.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from recruitment_watch import migrate
from recruitment_watch.db import make_engine, unit_of_work
from recruitment_watch.models.vocab import OrganisationKind
from recruitment_watch.services.access import api_keys, users
from recruitment_watch.services.registry import agencies

HELLO_APP = "recruitment_watch.devtools.hello_app:app"
RW_APP = "recruitment_watch:create_app()"


@dataclass(frozen=True)
class Phase:
    """What one load phase achieved."""

    name: str
    requests: int
    items: int
    seconds: float
    errors: int

    @property
    def items_per_s(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(url: str) -> tuple[str, int]:
    """An agency organisation with an API key, and one employer; returns (key, employer id)."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with unit_of_work(engine) as session:
            organisation = users.ensure_organisation("Bench Manpower", OrganisationKind.agency, "NP", session=session)
            agencies.register_agency(
                {"name": "Bench Manpower", "country": "NP", "licence_no": "NP-BENCH-1",
                 "licence_authority": "Department of Foreign Employment", "licence_valid_from": date(2024, 1, 1),
                 "licence_valid_to": date(2030, 12, 31)},
                actor=None, session=session, organisation_id=organisation.id,
            )  # fmt: skip
            employer = agencies.register_employer(
                {"name": "Doha Build", "registration_no": "QA-BENCH", "country": "QA", "sector": "construction"},
                actor=None,
                session=session,
            )
            _key, raw = api_keys.issue_key(organisation, name="bench", scopes="contracts:write", session=session)
            return raw, employer.id
    finally:
        engine.dispose()


def contract(employer_id: int, reference: str) -> dict:
    """A realistic contract body: inline worker, offer and signed version."""
    version = {
        "kind": "offer", "basic_wage_minor": 140000, "wage_currency": "QAR", "worksite_country": "QA",
        "worksite_city": "Doha", "job_title": "Mason", "isco_code": "7112", "employer_id": employer_id,
        "hours_per_day": 8, "days_per_week": 6, "weekly_rest_days": 1, "languages": ["ar", "ne"],
    }  # fmt: skip
    signed = {**version, "kind": "origin_signed", "signed_on": "2026-02-10", "copy_given_to_worker": True}
    return {
        "reference": reference, "employer_id": employer_id,
        "worker": {"reference": f"W-{reference}", "nationality": "NP", "full_name": "Bench", "languages": ["ne"]},
        "origin_country": "NP", "destination_country": "QA", "sector": "construction", "departure_on": "2026-03-01",
        "versions": [version, signed],
    }  # fmt: skip


def start_gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
               "warning", app]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start within 30 s")


def _load(port: int, requests: list[tuple[str, str, bytes, int]], headers: dict, seconds: float, threads: int):
    """Send the requests (method, path, body, items) from ``threads`` threads until done or out of time."""
    deadline = time.monotonic() + seconds
    counter = iter(range(len(requests)))
    done = {"requests": 0, "items": 0, "errors": 0}
    samples: list[str] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            try:
                method, path, body, items = requests[next(counter)]
            except StopIteration:
                break
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                ok = response.status < 300
                if not ok and len(samples) < 3:
                    samples.append(f"{response.status} {answer[:300]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                ok = False
                if len(samples) < 3:
                    samples.append(repr(exc))
            done["requests"] += 1
            done["items"] += items if ok else 0
            done["errors"] += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(threads):
            pool.submit(worker)
    for sample in samples:
        print(f"  error sample: {sample}", file=sys.stderr)
    return done["requests"], done["items"], time.perf_counter() - started, done["errors"]


def _load_in_child(queue, *args) -> None:
    queue.put(_load(*args))


def load_from_second_process(*args) -> tuple[int, int, float, int]:
    """Run ``_load`` in another process (the load generator must not share the server's interpreter)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_load_in_child, args=(queue, *args))
    child.start()
    result = queue.get()
    child.join()
    return result


def run_api_benchmark(
    url: str, folder: Path, *, workers: int, seconds: float, count: int, bulk_size: int, threads: int,
    echo: Callable[[str], None],
) -> dict[str, Phase]:  # fmt: skip
    """Measure hello, single contract POST and bulk contract POST; print the figures and ratios."""
    key, employer_id = seed(url)
    env = {**os.environ, "RW_DATABASE_URL": url, "RW_INSTANCE_PATH": str(folder), "RW_SECRET_KEY": "bench-" + "x" * 40}
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    phases: dict[str, Phase] = {}
    port = free_port()
    hello = start_gunicorn(HELLO_APP, port, workers, env)
    try:
        requests = [("GET", "/hello", b"", 1)] * count
        phases["hello"] = Phase("hello", *load_from_second_process(port, requests, {}, seconds, threads))
    finally:
        hello.terminate()
        hello.wait()
    port = free_port()
    server = start_gunicorn(RW_APP, port, workers, env)
    try:
        single = [("POST", "/api/v1/contracts", json.dumps(contract(employer_id, f"BS-{i}")).encode(), 1)
                  for i in range(count)]  # fmt: skip
        phases["single"] = Phase("single", *load_from_second_process(port, single, headers, seconds, threads))
        batches = max(1, count // bulk_size)
        bulk = [
            ("POST", "/api/v1/contracts/bulk",
             json.dumps({"items": [contract(employer_id, f"BB-{b}-{i}") for i in range(bulk_size)]}).encode(),
             bulk_size)
            for b in range(batches)
        ]  # fmt: skip
        phases["bulk"] = Phase("bulk", *load_from_second_process(port, bulk, headers, seconds, threads))
    finally:
        server.terminate()
        server.wait()
    base = phases["hello"].items_per_s
    for phase in phases.values():
        unit = "requests" if phase.name == "hello" else "contracts"
        echo(
            f"{phase.name:<7} {phase.items_per_s:9.1f} {unit}/s  ({phase.items} in {phase.seconds:.1f} s, "
            f"{phase.requests} requests, {phase.errors} errors)  = {phase.items_per_s / base:.3f} x hello"
        )
    return phases
