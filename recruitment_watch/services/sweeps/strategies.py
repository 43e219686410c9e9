"""Choosing how a sweep finds failures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recruitment_watch.services.sweeps.python_strategy import PythonStrategy


def strategy_named(name: str, config: Mapping[str, Any] | None = None):
    """``sql`` (set-based, the default; ``config`` gives its SWEEP_* settings) or ``python`` (naive, one subject at
    a time)."""
    if name == "python":
        return PythonStrategy()
    from recruitment_watch.services.sweeps.sql_strategy import SqlStrategy

    return SqlStrategy.from_config(config)
