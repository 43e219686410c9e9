"""``recruitment-watch serve`` (what ``make run`` ends with): gunicorn and the scheduler as one supervised pair."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from recruitment_watch.jobs.catalogue import JOBS

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def _start(database_url: str, tmp_path: Path) -> tuple[subprocess.Popen, Path, int, dict[str, int]]:
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "RW_DATABASE_URL": database_url, "RW_INSTANCE_PATH": str(tmp_path / "instance"),
           "RW_SCHEDULES": json.dumps({spec.id: "off" for spec in JOBS})}  # fmt: skip
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "recruitment_watch:create_app", "serve", "--bind",
             f"127.0.0.1:{port}", "--workers", "1"],
            stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        if "elected leader" in text:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
                    assert "Sign in" in answer.read().decode()
                pids = dict(part.split(": pid ") for part in text.splitlines()[0].split(" · ")[0].split(", "))
                return process, log, port, {name: int(pid) for name, pid in pids.items()}
            except OSError:
                pass
        time.sleep(0.3)
    process.kill()
    raise AssertionError(f"serve did not come up:\n{log.read_text()[-3000:]}")


def test_serve_runs_the_web_app_and_the_scheduler_and_ctrl_c_stops_both(database_url, tmp_path):
    process, log, port, pids = _start(database_url, tmp_path)
    assert set(pids) == {"web", "scheduler"} and all(_alive(pid) for pid in pids.values())
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the terminal signals the whole process group
    assert process.wait(timeout=30) == 0
    assert not any(_alive(pid) for pid in pids.values())
    text = log.read_text()
    assert "leader lock released" in text and "Shutting down: Master" in text


def test_when_one_of_the_pair_dies_serve_stops_the_other_and_fails(database_url, tmp_path):
    process, log, port, pids = _start(database_url, tmp_path)
    os.kill(pids["scheduler"], signal.SIGKILL)
    assert process.wait(timeout=30) != 0
    assert not _alive(pids["web"])
    assert "scheduler stopped (exit status -9); stopping the others" in log.read_text()
