"""The layering is a contract checked by import-linter (``[tool.importlinter]`` in pyproject.toml), and modules
stay small. docs/architecture.md draws the rooms and the arrows these tests hold the code to."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "recruitment_watch"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400


def lint_imports(cwd: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath or cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_every_layering_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("services/_wrong_arrow.py", "from recruitment_watch.api import problems\n", "edges (web, api, cli, jobs)"),
        ("api/_wrong_arrow.py", "from recruitment_watch.web import public\n", "edges independent"),
        ("checks/_wrong_arrow.py", "from recruitment_watch import money\n", "checks (the criteria engine)"),
        ("checks_sql/_wrong_arrow.py", "from recruitment_watch.models import vocab\n", "checks_sql imports only"),
        ("models/_wrong_arrow.py", "from recruitment_watch.demo import catalogue\n", "never import the demo"),
    ],
)
def test_a_wrong_arrow_breaks_a_contract(tmp_path, module, source, broken):
    """A copy of the package with one module importing against the arrows fails ``lint-imports``."""
    shutil.copytree(PACKAGE, tmp_path / "recruitment_watch", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "recruitment_watch" / module).write_text(source)
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert broken in result.stdout.split("Broken contracts")[-1], result.stdout
    assert "_wrong_arrow" in result.stdout


def test_no_module_is_over_400_lines():
    """Small modules (STYLE.md): split at about 400 lines. Migrations are generated history, not design."""
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
