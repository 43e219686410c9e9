"""The checks engine imports only the standard library, pydantic, PyYAML and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "recruitment_watch" / "checks"
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "yaml"}


def imported_roots(path: Path) -> set[str]:
    """Top-level names imported by a module (absolute imports; relative ones are inside the package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_checks_imports_only_stdlib_pydantic_yaml() -> None:
    """No Flask, SQLAlchemy, SQLModel or other recruitment_watch module may be imported."""
    offenders = []
    for module in sorted(PACKAGE.glob("*.py")):
        for name in imported_roots(module):
            root = name.split(".")[0]
            if name.startswith("recruitment_watch."):
                if not name.startswith("recruitment_watch.checks"):
                    offenders.append(f"{module.name}: {name}")
            elif root not in sys.stdlib_module_names and root not in ALLOWED_THIRD_PARTY and root != "__future__":
                offenders.append(f"{module.name}: {name}")
    assert not offenders, offenders


def test_modules_stay_small() -> None:
    """Modules stay within the style guide's size (split at about 400 lines)."""
    sizes = {m.name: len(m.read_text(encoding="utf-8").splitlines()) for m in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes
