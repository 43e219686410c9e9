"""Every shipped criterion compiles on both dialects; unsupported constructs fail clearly; flat rows round-trip."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from recruitment_watch.checks.packs import Criterion, CriterionSpec
from recruitment_watch.checks.registry import get_check
from recruitment_watch.checks.subjects import SUBJECT_TYPES, known_paths
from recruitment_watch.checks_sql import NotCompilable, compile_criterion, flat_columns, flat_table, flatten, unflatten
from recruitment_watch.checks_sql.schema import column_name
from tests.checks_sql.conftest import PACKS

ON, NOW = date(2024, 6, 1), datetime(2024, 6, 1, 12, tzinfo=UTC)
TABLES = {t: flat_table(t, sa.MetaData(), f"flat_{t}") for t in SUBJECT_TYPES}
CRITERIA = [c for pack in PACKS for c in pack.criteria]


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_every_criterion_compiles(dialect_name: str) -> None:
    """All shipped criteria compile; the SQL renders on the dialect."""
    dialect = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}[dialect_name]
    for criterion in CRITERIA:
        table = TABLES[criterion.spec.subject]
        compiled = compile_criterion(criterion, table.c, on=ON, now=NOW, dialect_name=dialect_name)
        assert str(sa.select(compiled.verdict).compile(dialect=dialect))
    assert len(CRITERIA) >= 90


def _criterion(subject: str, check: str, params: dict, message: str = "m") -> Criterion:
    spec = CriterionSpec.model_validate(
        {
            "id": "TEST-001",
            "title": "t",
            "check": check,
            "params": params,
            "severity": "low",
            "subject": subject,
            "message": message,
            "citation": {"instrument": "i", "article": "a"},
            "sources": ["s"],
            "evidence_tag": "SEEN",
            "rationale": "r",
            "remediation": "r",
        }
    )
    kind = get_check(check)
    return Criterion(spec, kind.params_model.model_validate(params), kind)


def test_not_compilable_names_criterion_and_reason() -> None:
    """A text field Python would parse as a date is refused with the criterion id."""
    criterion = _criterion("agency", "date-order", {"earlier": "licence_no", "min_days": 1})
    with pytest.raises(NotCompilable, match="TEST-001.*licence_no"):
        compile_criterion(criterion, TABLES["agency"].c, on=ON, now=NOW, dialect_name="sqlite")


def test_missing_source_column_is_named() -> None:
    """A source lacking a column names it."""
    criterion = _criterion(
        "agency", "field-condition", {"require": {"field": "iris_certified", "op": "eq", "value": True}}
    )
    with pytest.raises(NotCompilable, match="iris_certified"):
        compile_criterion(criterion, {"id": TABLES["agency"].c.id}, on=ON, now=NOW, dialect_name="sqlite")


@pytest.mark.parametrize("subject_type", SUBJECT_TYPES)
def test_flat_columns_cover_every_leaf(subject_type: str) -> None:
    """Every leaf path of the subject model has its column (dicts: one per key; now is a parameter)."""
    leaves, _ = known_paths(subject_type)
    columns = flat_columns(subject_type)
    assert {"subject_id", "agency_id", "judging_date"} <= set(columns)
    for path in leaves:
        if path == "now" or path in ("version", "contract", "worker", "agency", "fees", "payment", "complaint"):
            continue
        if path.startswith("fees.worker_paid_by_category"):
            assert f"{column_name(path)}__medical" in columns
        elif path == "previous":
            assert "previous__present" in columns
        else:
            assert column_name(path) in columns, path


def test_flatten_round_trips_examples() -> None:
    """flatten → unflatten gives back every example subject (datetimes in UTC)."""
    for pack in PACKS:
        for example in pack.examples:
            row = flatten(example.subject_type, example.subject, judging_date=ON)
            back = unflatten(example.subject_type, row, now=example.subject.get("now"))
            assert back == example.subject, example.id


def test_list_encoding() -> None:
    """Lists are ,a,b, text; the empty list is ''; a comma inside an element is refused."""
    from recruitment_watch.checks_sql.flat import decode_list, encode_list

    assert encode_list(["ar", "en"]) == ",ar,en," and encode_list([]) == ""
    assert decode_list(",ar,en,") == ["ar", "en"] and decode_list("") == [] and decode_list(",,") == [""]
    with pytest.raises(ValueError, match="comma"):
        encode_list(["a,b"])
