"""Web sign-in and dashboard under gunicorn, against a bare Flask "hello" page measured in the same run.

Each round is one person's real visit over loopback: GET /login, POST /login (Argon2id password check), for an
inspector GET + POST /login/code (TOTP), then GET /dashboard — every figure is the round trip of one request, which
on loopback is the server's time plus well under a millisecond. A TOTP code works once per person and 30-second
step, so every round signs in a different bench person (made here, on the demo's ministry and biggest agency).
"""

from __future__ import annotations

import http.client
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyotp
from sqlalchemy import func, select

from recruitment_watch.db import make_engine, unit_of_work
from recruitment_watch.devtools.bench_api import HELLO_APP, RW_APP, free_port, start_gunicorn
from recruitment_watch.models import Agency, Contract, Organisation, User
from recruitment_watch.models.base import utc_now
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.accounts.passwords import hash_password

PASSWORD = "bench sign-in passphrase"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Visitor:
    email: str
    secret: str | None


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def make_visitors(url: str, rounds: int) -> tuple[list[Visitor], list[Visitor], int]:
    """``rounds`` bench inspectors and agency people (the biggest agency's); returns them and its contract count."""
    engine = make_engine(url)
    hashed = hash_password(PASSWORD)
    stamp = int(time.time())
    try:
        with unit_of_work(engine) as session:
            ministry = session.scalar(select(Organisation).where(Organisation.kind == OrganisationKind.ministry.value))
            biggest, contracts = session.execute(
                select(Contract.agency_id, func.count()).group_by(Contract.agency_id)
                .order_by(func.count().desc()).limit(1)
            ).one()  # fmt: skip
            agency_org = session.get(Agency, biggest).organisation_id
            if agency_org is None:
                raise RuntimeError(f"agency {biggest} has no organisation to sign in for")
            made: dict[str, list[Visitor]] = {"inspector": [], "agency": []}
            for index in range(rounds):
                for role, organisation_id in (("inspector", ministry.id), ("agency", agency_org)):
                    secret = pyotp.random_base32() if role == "inspector" else None
                    email = f"bench-{role}-{stamp}-{index}@bench.invalid"
                    session.add(User(email=email, full_name=f"Bench {role} {index}", role=Role(role).value,
                                     password_hash=hashed, organisation_id=organisation_id, totp_secret=secret,
                                     totp_confirmed_at=utc_now() if secret else None))  # fmt: skip
                    made[role].append(Visitor(email, secret))
    finally:
        engine.dispose()
    return made["inspector"], made["agency"], contracts


class Browser:
    """One visitor's cookie and connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[float, int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        took = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return took, response.status, text


def visit(port: int, visitor: Visitor, times: dict[str, list[float]]) -> None:
    """Sign in and open the dashboard, recording each step's time; fails loudly on a wrong answer."""
    browser = Browser(port)
    _took, _status, page = browser.request("GET", "/login")
    took, status, _ = browser.request("POST", "/login", {"csrf_token": TOKEN.search(page).group(1),
                                                         "email": visitor.email, "password": PASSWORD})  # fmt: skip
    times["POST /login"].append(took)
    if visitor.secret:
        _took, _status, page = browser.request("GET", "/login/code")
        form = {"csrf_token": TOKEN.search(page).group(1), "code": pyotp.TOTP(visitor.secret).now()}
        took, status, _ = browser.request("POST", "/login/code", form)
        times["POST /login/code"].append(took)
    if status != 302:
        raise RuntimeError(f"sign-in of {visitor.email} answered {status}")
    took, status, page = browser.request("GET", "/dashboard")
    if status != 200 or "Open findings" not in page:
        raise RuntimeError(f"dashboard of {visitor.email} answered {status}")
    times["GET /dashboard"].append(took)


def run_web_benchmark(url: str, *, rounds: int, workers: int, echo: Callable[[str], None]) -> dict[str, float]:
    """Time ``rounds`` inspector and agency visits against the hello baseline; print and return p50/p95 in ms."""
    inspectors, agency_people, contracts = make_visitors(url, rounds)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="rw-bench-web-") as instance:
        env = {**os.environ, "RW_DATABASE_URL": url, "RW_INSTANCE_PATH": instance}
        hello_port, port = free_port(), free_port()
        hello, server = start_gunicorn(HELLO_APP, hello_port, workers, env), start_gunicorn(RW_APP, port, workers, env)
        try:
            baseline = Browser(hello_port)
            hello_times = [baseline.request("GET", "/hello")[0] for _ in range(rounds * 3)]
            for label, people in (("inspector", inspectors), ("agency (biggest)", agency_people)):
                times: dict[str, list[float]] = {"POST /login": [], "POST /login/code": [], "GET /dashboard": []}
                visit(port, people[0], {key: [] for key in times})  # warm the workers' caches
                for visitor in people[1:]:
                    visit(port, visitor, times)
                for step, samples in times.items():
                    if samples:
                        key = f"{label} {step}"
                        figures[f"{key} p50"] = _percentile(samples, 0.5) * 1000
                        figures[f"{key} p95"] = _percentile(samples, 0.95) * 1000
        finally:
            for process in (hello, server):
                process.terminate()
                process.wait(timeout=30)
    figures["hello p50"] = _percentile(hello_times, 0.5) * 1000
    figures["hello p95"] = _percentile(hello_times, 0.95) * 1000
    echo(f"biggest agency: {contracts} contracts; {rounds - 1} timed visits per role; gunicorn -w {workers}")
    echo(f"baseline GET /hello (bare Flask): p50 {figures['hello p50']:.1f} ms, p95 {figures['hello p95']:.1f} ms")
    for key in sorted(k for k in figures if k.endswith(" p95") and not k.startswith("hello")):
        p50 = figures[key.replace(" p95", " p50")]
        ratio = figures[key] / figures["hello p95"]
        echo(f"{key[:-4]:<40} p50 {p50:7.1f} ms   p95 {figures[key]:7.1f} ms   ({ratio:.0f}x the baseline p95)")
    return figures
