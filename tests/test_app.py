"""The app factory, configuration precedence and the two public endpoints."""

from __future__ import annotations

import os
import stat

import pytest

from recruitment_watch import create_app
from recruitment_watch.config import DEV_SECRET_KEY, ConfigError


def test_config_precedence_defaults_instance_env_mapping(instance_path, monkeypatch):
    (instance_path / "config.py").write_text(
        "DEMO_PASSWORD = 'from-instance'\nSQLITE_BUSY_TIMEOUT_S = 7\nDATABASE_ECHO = False\n"
    )
    monkeypatch.setenv("RW_INSTANCE_PATH", str(instance_path))
    monkeypatch.setenv("RW_SQLITE_BUSY_TIMEOUT_S", "11")
    monkeypatch.setenv("RW_DATABASE_ECHO", "false")
    app = create_app({"TESTING": True, "DATABASE_ECHO": False, "DATABASE_URL": "sqlite://"})
    assert app.config["DEMO_PASSWORD"] == "from-instance"  # instance file beats the default
    assert app.config["SQLITE_BUSY_TIMEOUT_S"] == 11  # environment beats the instance file, typed like the default
    assert app.config["DATABASE_URL"] == "sqlite://"  # the mapping beats everything
    assert app.config["DEMO_CHUNK_SIZE"] == 10_000  # untouched default


def test_default_database_is_sqlite_in_instance_folder(instance_path, monkeypatch):
    monkeypatch.setenv("RW_INSTANCE_PATH", str(instance_path))
    monkeypatch.delenv("RW_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance_path}/recruitment_watch.sqlite3"


def test_refuses_development_or_short_secret_key_outside_testing(instance_path, monkeypatch):
    monkeypatch.setenv("RW_INSTANCE_PATH", str(instance_path))
    monkeypatch.setenv("RW_SECRET_KEY", DEV_SECRET_KEY)
    for mode in ({}, {"DEBUG": True}):
        with pytest.raises(ConfigError, match="published development value"):
            create_app({**mode, "DATABASE_URL": "sqlite://"})
    assert create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}).config["SECRET_KEY"] == DEV_SECRET_KEY
    for short in ("x", "a" * 31):
        monkeypatch.setenv("RW_SECRET_KEY", short)
        with pytest.raises(ConfigError, match=f"RW_SECRET_KEY is {len(short)} bytes; use at least 32"):
            create_app({"DATABASE_URL": "sqlite://"})
    monkeypatch.setenv("RW_SECRET_KEY", "k" * 32)
    assert create_app({"DATABASE_URL": "sqlite://"}).config["SECRET_KEY"] == "k" * 32


def test_secret_key_made_once_and_private(instance_path, monkeypatch):
    monkeypatch.setenv("RW_INSTANCE_PATH", str(instance_path))
    monkeypatch.delenv("RW_SECRET_KEY", raising=False)
    first = create_app({"DATABASE_URL": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"DATABASE_URL": "sqlite://"}).config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE(os.stat(instance_path / "secret_key").st_mode)
    assert mode == 0o600


def test_processes_starting_together_agree_on_one_secret_key(instance_path):
    """Two schedulers (or gunicorn workers) starting at once used to crash the second with FileExistsError."""
    from concurrent.futures import ProcessPoolExecutor

    from recruitment_watch.config import instance_secret_key

    with ProcessPoolExecutor(6) as pool:
        keys = set(pool.map(instance_secret_key, [str(instance_path)] * 24))
    assert len(keys) == 1 and sorted(os.listdir(instance_path)) == ["secret_key"]


def test_home_page_shows_live_figures(client, session):
    from tests.support.register import seed_small_register

    seed_small_register(session)
    page = client.get("/").get_data(as_text=True)
    assert "<h1>Fair recruitment monitoring</h1>" in page
    assert "<strong>2</strong> recruitment agencies" in page
    assert "<strong>1</strong> contracts" in page
    assert "<tr><td>suspended</td><td>1</td></tr>" in page
    assert 'lang="en" dir="ltr"' in page


def test_healthz_reports_database_backend(client, database_url):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": {"ok": True, "backend": "sqlite" if database_url.startswith("sqlite") else "postgresql"},
    }


def test_healthz_is_503_when_database_unreachable(instance_path, monkeypatch):
    monkeypatch.setenv("RW_INSTANCE_PATH", str(instance_path))
    app = create_app(
        {"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["database"]["ok"] is False
