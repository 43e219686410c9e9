"""Fixtures for the criteria-engine tests: the real packs and subject factories built from shared bases."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from recruitment_watch.checks.loader import build_base, load_packs, set_path, shared_bases
from recruitment_watch.checks.packs import Pack
from recruitment_watch.checks.subjects import normalise_subject

AUDITS = Path(__file__).resolve().parents[2] / "audits"
JUDGING_FALLBACK = date(2024, 6, 1)


@pytest.fixture(scope="session")
def audits_root() -> Path:
    """The repository's ``audits/`` folder."""
    return AUDITS


@pytest.fixture(scope="session")
def packs() -> list[Pack]:
    """Every pack, loaded once."""
    return load_packs(AUDITS)


def make_subject(base: str, overrides: dict[str, Any] | None = None, *, normalise: bool = True) -> dict[str, Any]:
    """A subject built from a shared base with dotted ``overrides`` (``{"version.hours_per_day": 10}``)."""
    subject_type, subject = build_base(base, shared_bases(AUDITS))
    for path, value in (overrides or {}).items():
        set_path(subject, path, value)
    return normalise_subject(subject_type, subject) if normalise else subject


@pytest.fixture
def subject_factory():
    """``make_subject`` as a fixture."""
    return make_subject
