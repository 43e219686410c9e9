"""The SQL backend imports only SQLAlchemy, the standard library and the pure checks engine."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.checks.test_purity import imported_roots

PACKAGE = Path(__file__).resolve().parents[2] / "recruitment_watch" / "checks_sql"
ALLOWED_THIRD_PARTY = {"sqlalchemy", "pydantic"}  # pydantic: to read the subject models' annotations


def test_checks_sql_imports_only_checks_and_sqlalchemy() -> None:
    """No Flask, SQLModel, models, db or services: only recruitment_watch.checks of the project."""
    offenders = []
    for module in sorted(PACKAGE.glob("*.py")):
        for name in imported_roots(module):
            root = name.split(".")[0]
            if name.startswith("recruitment_watch."):
                if not name.startswith(("recruitment_watch.checks.", "recruitment_watch.checks_sql")):
                    offenders.append(f"{module.name}: {name}")
            elif root not in sys.stdlib_module_names | ALLOWED_THIRD_PARTY | {"__future__", "recruitment_watch"}:
                offenders.append(f"{module.name}: {name}")
    assert not offenders, offenders


def test_modules_stay_small() -> None:
    """Modules stay within the style guide's size."""
    sizes = {m.name: len(m.read_text(encoding="utf-8").splitlines()) for m in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 300, sizes
