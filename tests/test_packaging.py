"""``pip install .`` gives a working install: the wheel carries templates/ and audits/, the command runs anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("recruitment_watch-*.whl"))


def test_wheel_contains_templates_audits_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "recruitment_watch/templates/base.html" in names
    assert "recruitment_watch/templates/public/home.html" in names
    assert "recruitment_watch/migrations/versions/0001_initial_schema.py" in names
    assert "recruitment_watch/migrations/script.py.mako" in names
    shipped_packs = {name for name in names if name.startswith("recruitment_watch/audits/")}
    checkout_packs = {p for p in (ROOT / "audits").rglob("*") if p.is_file()}
    assert len(shipped_packs) == len(checkout_packs)


@pytest.mark.slow
def test_installed_command_works_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-compile",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(target),  # the installed copy wins over the editable checkout
        "RW_INSTANCE_PATH": str(tmp_path / "instance"),
        "RW_DATABASE_URL": f"sqlite:///{tmp_path}/installed.sqlite3",
    }
    command = [sys.executable, str(target / "bin" / "recruitment-watch")]
    where = subprocess.run(
        [sys.executable, "-c", "import recruitment_watch, sys; print(recruitment_watch.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target))
    helped = subprocess.run([*command, "--help"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert helped.returncode == 0, helped.stderr
    for name in ("db", "demo", "run"):
        assert f"  {name} " in helped.stdout
    seeded = subprocess.run([*command, "demo", "--contracts", "300"], cwd=elsewhere, env=env, capture_output=True,
                            text=True)  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    assert "added 300 contracts" in seeded.stdout
    served = subprocess.run(
        [sys.executable, "-c",
         "from recruitment_watch import create_app\n"
         "page = create_app().test_client().get('/').get_data(as_text=True)\n"
         "print('<strong>300</strong> contracts' in page)"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert served.stdout.strip() == "True", served.stderr
