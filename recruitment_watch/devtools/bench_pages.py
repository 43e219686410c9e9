"""``recruitment-watch bench pages``: the inspector's pages of issue 15 under gunicorn, against a baseline page served
by the same server in the same run.

One bench inspector (made on the demo's ministry, as ``bench web`` does) signs in once; then each page is requested
``requests`` times over loopback with that session, after one warm-up request. Each figure is one request's round
trip, which on loopback is the server's time plus well under a millisecond. The pages: the workspace, the findings
queue's first page, its 500th page reached through the keyset "next" links, and the 360° file of the agency with
the most contracts. The baseline is ``/healthz`` (the app's whole request path and one trivial query). A page the
app does not serve yet (404) is reported as not available instead of failing the run.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
from sqlalchemy import func, select

from recruitment_watch.db import make_engine, unit_of_work
from recruitment_watch.devtools.bench_api import RW_APP, free_port, start_gunicorn
from recruitment_watch.devtools.bench_web import PASSWORD, TOKEN, Browser, Visitor, _percentile, make_visitors
from recruitment_watch.models import Contract

NEXT_LINK = re.compile(r'<a rel="next" href="([^"]+)"')
BASELINE = "/healthz"


@dataclass(frozen=True)
class PageTiming:
    """A page's p50 and p95 round trip in milliseconds, or why it was not measured."""

    label: str
    path: str | None
    p50_ms: float | None = None
    p95_ms: float | None = None
    missing: str = ""


def biggest_agency(url: str) -> tuple[int, int]:
    """The id of the agency with the most contracts, and how many it has."""
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            agency_id, contracts = session.execute(
                select(Contract.agency_id, func.count()).group_by(Contract.agency_id)
                .order_by(func.count().desc(), Contract.agency_id).limit(1)
            ).one()  # fmt: skip
    finally:
        engine.dispose()
    return agency_id, contracts


def sign_in(browser: Browser, visitor: Visitor) -> None:
    """The login form, then the second step's code: the browser keeps the session cookie."""
    _took, _status, page = browser.request("GET", "/login")
    _took, status, _ = browser.request("POST", "/login", {"csrf_token": TOKEN.search(page).group(1),
                                                         "email": visitor.email, "password": PASSWORD})  # fmt: skip
    if visitor.secret:
        _took, _status, page = browser.request("GET", "/login/code")
        form = {"csrf_token": TOKEN.search(page).group(1), "code": pyotp.TOTP(visitor.secret).now()}
        _took, status, _ = browser.request("POST", "/login/code", form)
    if status != 302:
        raise RuntimeError(f"sign-in of {visitor.email} answered {status}")


def keyset_page(browser: Browser, first: str, number: int) -> tuple[str | None, str]:
    """The path of page ``number`` of a list, reached by following its "next" links from ``first``; None and the
    reason when the list is not served or has fewer pages."""
    path = first
    for reached in range(1, number):
        _took, status, page = browser.request("GET", path)
        if status == 404:
            return None, f"{first} answers 404"
        found = NEXT_LINK.search(page)
        if status != 200 or not found:
            return None, f"{first} has only {reached} pages" if status == 200 else f"{path} answered {status}"
        path = html.unescape(found.group(1))
    return path, ""


def time_page(browser: Browser, label: str, path: str | None, requests: int, missing: str = "") -> PageTiming:
    """``requests`` timed requests of ``path`` after a warm-up one; a 404 makes it "not available"."""
    if path is None:
        return PageTiming(label, path, missing=missing)
    _took, status, _ = browser.request("GET", path)
    if status == 404:
        return PageTiming(label, path, missing=f"{path} answers 404")
    samples = []
    for _ in range(requests):
        took, status, _ = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        samples.append(took)
    return PageTiming(label, path, _percentile(samples, 0.5) * 1000, _percentile(samples, 0.95) * 1000)


def run_pages_benchmark(url: str, *, requests: int, workers: int, keyset_number: int = 500,
                        echo: Callable[[str], None]) -> list[PageTiming]:  # fmt: skip
    """Time the pages and the baseline in one gunicorn; print and return their p50/p95."""
    (inspector,), _agency_people, _contracts = make_visitors(url, 1)
    agency_id, agency_contracts = biggest_agency(url)
    with tempfile.TemporaryDirectory(prefix="rw-bench-pages-") as instance:
        env = {**os.environ, "RW_DATABASE_URL": url, "RW_INSTANCE_PATH": instance}
        port = free_port()
        server = start_gunicorn(RW_APP, port, workers, env)
        try:
            browser = Browser(port)
            sign_in(browser, inspector)
            deep, why = keyset_page(browser, "/findings", keyset_number)
            timings = [
                time_page(browser, f"baseline GET {BASELINE}", BASELINE, requests),
                time_page(browser, "GET /workspace", "/workspace", requests),
                time_page(browser, "GET /findings (first page)", "/findings", requests),
                time_page(browser, f"GET /findings (page {keyset_number}, keyset)", deep, requests, why),
                time_page(
                    browser,
                    f"GET /agencies/{agency_id} ({agency_contracts:,} contracts)",
                    f"/agencies/{agency_id}",
                    requests,
                ),  # fmt: skip
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(timings, requests=requests, workers=workers, echo=echo)
    return timings


def _report(timings: list[PageTiming], *, requests: int, workers: int, echo: Callable[[str], None]) -> None:
    baseline = timings[0]
    echo(f"{requests} timed requests per page after one warm-up; one signed-in inspector; gunicorn -w {workers}")
    for timing in timings:
        if timing.missing:
            echo(f"{timing.label:<52} not available ({timing.missing})")
            continue
        ratio = "" if timing is baseline else f"   ({timing.p95_ms / baseline.p95_ms:.1f}x the baseline p95)"
        echo(f"{timing.label:<52} p50 {timing.p50_ms:7.1f} ms   p95 {timing.p95_ms:7.1f} ms{ratio}")
