"""Choosing how a sweep finds failures."""

from __future__ import annotations

from recruitment_watch.services.naive_sweep import PythonStrategy


def strategy_named(name: str):
    """``sql`` (set-based, the default) or ``python`` (naive, one subject at a time)."""
    if name == "python":
        return PythonStrategy()
    from recruitment_watch.services.sql_sweep import SqlStrategy

    return SqlStrategy()
