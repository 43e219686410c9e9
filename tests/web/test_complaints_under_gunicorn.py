"""200 anonymous complaints at once against the real server (gunicorn, loopback, 8 clients at a time): each is
stored exactly once, each receipt opens its own complaint, and the access log of the complaint pages holds no
address and no user agent (while other pages' lines still do, so the log is really on)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint
from recruitment_watch.services.casework.receipts import receipt_matches

pytestmark = pytest.mark.slow

COMPLAINTS = 200
AT_ONCE = 8
DEVICE = "PhoneBrowser/9.9 (unique-device-marker)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def server(app, database_url, tmp_path):  # noqa: ARG001  (app: the schema, wiped afterwards)
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "RW_DATABASE_URL": database_url, "RW_INSTANCE_PATH": str(tmp_path / "instance"),
           "RW_COMPLAINT_FILING_RATE_LIMIT": "1000 per minute", "RW_SECRET_KEY": "gunicorn-test-secret-" + "x" * 40,
           "RW_SESSION_COOKIE_SECURE": "false"}  # fmt: skip
    errors = (tmp_path / "gunicorn.err").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile",
         str(log), "--logger-class", "recruitment_watch.access_log.PrivateAccessLogger",
         "recruitment_watch:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(base + "/healthz", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.2)
    yield base, log
    process.terminate()
    process.wait(timeout=30)
    errors.close()


def _file_one(base: str, number: int) -> tuple[str, str]:
    with requests.Session() as browser:
        browser.headers["User-Agent"] = DEVICE
        page = browser.get(base + "/complaints/new", timeout=30).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answer = browser.post(base + "/complaints/new", timeout=60, data={
            "csrf_token": token, "filed_by": "worker", "what_happened": "wages_unpaid",
            "summary": f"Complaint number {number}: no wages for three months.", "website": ""})  # fmt: skip
    assert answer.status_code == 201, answer.text[-500:]
    reference = re.search(r"\bC-[0-9A-F]{10}\b", answer.text).group(0)
    code = re.search(r"(\d{4} \d{4} \d{4} \d{4} \d{4})", answer.text).group(1)
    return reference, code


def test_two_hundred_concurrent_anonymous_complaints_are_each_stored_once_and_logged_without_the_device(app, server):
    base, log = server
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        receipts = list(pool.map(lambda n: _file_one(base, n), range(COMPLAINTS)))
    requests.get(base + "/login", headers={"User-Agent": DEVICE}, timeout=10)
    assert len({reference for reference, _code in receipts}) == COMPLAINTS
    with unit_of_work(get_engine(app)) as session:
        stored = {c.reference: c for c in session.scalars(select(Complaint)).all()}
        summaries = sorted(c.summary for c in stored.values())
    assert len(stored) == COMPLAINTS and len(set(summaries)) == COMPLAINTS
    assert all(receipt_matches(stored[reference].receipt_hash, reference, code) for reference, code in receipts)
    lines = Path(log).read_text().splitlines()
    complaint_lines = [line for line in lines if "/complaints/" in line]
    assert len(complaint_lines) == 2 * COMPLAINTS
    assert not any("127.0.0.1" in line or "unique-device-marker" in line for line in complaint_lines)
    login_line = next(line for line in lines if "GET /login" in line)
    assert "127.0.0.1" in login_line and "unique-device-marker" in login_line
