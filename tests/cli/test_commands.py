"""The ``recruitment-watch`` command through the Flask CLI runner."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import func, select

from recruitment_watch import migrate
from recruitment_watch.db import get_engine
from recruitment_watch.models import Contract


def test_db_upgrade_current_and_check(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"database at revision {migrate.head_revision()} " in result.output
    assert runner.invoke(args=["db", "current"]).output.strip() == migrate.head_revision()
    checked = runner.invoke(args=["db", "check"])
    assert checked.exit_code == 0 and "no drift" in checked.output


def test_demo_command_seeds_and_prints_logins(runner, app):
    result = runner.invoke(args=["demo", "--contracts", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "added 120 contracts" in result.output
    assert "the database now holds 120 contracts" in result.output
    for login in ("admin@demo", "inspector@demo", "ngo@demo", "agency@demo"):
        assert login in result.output
    assert "password: demo-password-2026" in result.output
    assert re.search(r"check run \d+: \d+ findings", result.output)  # the demo ends with a first sweep
    secret = re.search(r"inspector@demo\.recruitment-watch\.org  second-step secret ([A-Z2-7]{32})", result.output)
    assert secret and "ngo@demo.recruitment-watch.org  second-step" not in result.output
    again = runner.invoke(args=["demo", "--contracts", "120", "--seed", "3"])
    assert "added 0 contracts" in again.output
    assert "first full sweep" not in again.output  # a sweep has run already
    code = runner.invoke(args=["demo", "code", "inspector@demo.recruitment-watch.org"])
    assert code.output.strip() == pyotp.TOTP(secret.group(1)).now()
    refused = runner.invoke(args=["demo", "code", "agency@demo.recruitment-watch.org"])
    assert refused.exit_code == 2 and "is not a demo staff login" in refused.output
    with get_engine(app).connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Contract)) == 120


def test_demo_rejects_a_negative_count(runner):
    result = runner.invoke(args=["demo", "--contracts", "-5"])
    assert result.exit_code == 2
    assert "Invalid value for '--contracts'" in result.output


def test_help_lists_the_commands(runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0
    for command in ("db", "demo"):
        assert f"  {command}" in result.output
