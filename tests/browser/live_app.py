"""A live demo app for the browser: its own database holding a small demo, served by werkzeug in a thread.

The database is apart from the one the other tests wipe (SQLite: its own file; PostgreSQL: its own database on
the same throwaway cluster), so the served demo stays whole however the tests around it run.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from werkzeug.serving import make_server

from recruitment_watch import create_app, migrate
from recruitment_watch.db import get_engine, make_engine

DEMO_CONTRACTS = 200  # enough for every page to have rows; loads in about a second
DEMO_SEED = 2026
DEMO_TODAY = date(2026, 11, 1)  # fixed, so the demo (licence states, deadlines) is the same every run
DEMO_PASSWORD = "browser-demo-password"
POSTGRES_DATABASE = "browser_demo"


@dataclass(frozen=True)
class LiveApp:
    """A served app: ``url`` is the base URL (no trailing slash), ``database_url`` the demo database it reads."""

    backend: str
    url: str
    database_url: str

    def at(self, path: str) -> str:
        """The absolute URL of ``path`` (``"/"``, ``"/healthz"``) on this app."""
        return self.url + path


@contextmanager
def postgres_database(server_url: str, name: str = POSTGRES_DATABASE) -> Iterator[str]:
    """A fresh database ``name`` beside ``server_url``'s (dropped first if a crashed run left it), dropped after."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE cannot run in a transaction
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def load_small_demo(database_url: str) -> None:
    """Build the schema with the real migrations, load the demo (``DEMO_CONTRACTS`` contracts) and judge it once
    with a full sweep, as ``recruitment-watch demo`` does: dashboards show open findings and a last sweep."""
    from recruitment_watch.demo.load import load_demo
    from recruitment_watch.services.sweeps.run import start_sweep

    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        load_demo(engine, contracts=DEMO_CONTRACTS, seed=DEMO_SEED, password=DEMO_PASSWORD, today=DEMO_TODAY)
        start_sweep(engine, None, full=True, trigger="cli")
    finally:
        engine.dispose()


@contextmanager
def served(database_url: str, instance_path: Path) -> Iterator[str]:
    """Serve ``create_app`` on ``database_url`` at a free local port; yields the base URL."""
    with pytest.MonkeyPatch.context() as patch:
        # Read by create_app only: keep a developer's instance/config.py and RW_* settings out of the test app.
        for name in [name for name in os.environ if name.startswith("RW_")]:
            patch.delenv(name)
        patch.setenv("RW_INSTANCE_PATH", str(instance_path))
        app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": secrets.token_urlsafe(48)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-app", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        get_engine(app).dispose()
