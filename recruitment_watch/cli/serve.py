"""``recruitment-watch serve``: the whole product in one command — the web app and API under gunicorn, and the
scheduler beside it (its own process, never inside the web workers; ../shared/reference/ecosystem.md §1).

It supervises both: Ctrl-C (or SIGTERM) stops both; if either one stops, the other is stopped too and ``serve``
exits with its status, so a process manager restarts the pair. In production, run the two as separate services
instead (systemd units or a Procfile): ``gunicorn 'recruitment_watch:create_app()'`` and
``recruitment-watch scheduler run``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import click

STOP_GRACE_S = 20


def commands(bind: str, workers: int, scheduler: bool) -> dict[str, list[str]]:
    """The processes ``serve`` runs, by name."""
    web = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", bind, "--access-logfile", "-",
           "--logger-class", "recruitment_watch.access_log.PrivateAccessLogger",
           "--forwarded-allow-ips", "127.0.0.1", "recruitment_watch:create_app()"]  # fmt: skip
    found = {"web": web}
    if scheduler:
        found["scheduler"] = [sys.executable, "-m", "flask", "--app", "recruitment_watch:create_app", "scheduler",
                              "run"]  # fmt: skip
    return found


@click.command("serve")
@click.option("--bind", default="127.0.0.1:5000", show_default=True, help="Address gunicorn listens on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn workers.")
@click.option("--no-scheduler", is_flag=True, help="Serve the web app only (the scheduler runs elsewhere).")
def serve_command(bind: str, workers: int, no_scheduler: bool) -> None:
    """Serve the web app and API with gunicorn and run the scheduler beside it; Ctrl-C stops both."""
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    running = {name: subprocess.Popen(command) for name, command in commands(bind, workers, not no_scheduler).items()}
    click.echo(", ".join(f"{name}: pid {process.pid}" for name, process in running.items())
               + f" · http://{bind}/ · Ctrl-C stops both")  # fmt: skip
    status = 0
    while not stopping:
        ended = [(name, process.returncode) for name, process in running.items() if process.poll() is not None]
        if ended:
            name, status = ended[0]
            click.echo(f"{name} stopped (exit status {status}); stopping the others", err=True)
            break
        time.sleep(0.3)
    _stop_all(running)
    raise SystemExit(status)


def _stop_all(running: dict[str, subprocess.Popen]) -> None:
    for process in running.values():
        if process.poll() is None:
            process.terminate()  # gunicorn and the scheduler both finish cleanly on SIGTERM
    deadline = time.monotonic() + STOP_GRACE_S
    for process in running.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
