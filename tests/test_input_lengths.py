"""Every text an input model accepts fits its column: a value the API (and its OpenAPI document) allows must never
fail in the database (PostgreSQL enforces VARCHAR lengths; a too-long worker reference answered 500)."""

from __future__ import annotations

import re._parser as regex_parser
from typing import Any

import pytest
from sqlmodel import SQLModel

import recruitment_watch.models  # noqa: F401  (registers every table)
from recruitment_watch.schemas.agencies import AgencyInput, EmployerInput, LicenceEventInput
from recruitment_watch.schemas.contracts import ContractInput, ContractVersionInput, WorkerInput
from recruitment_watch.schemas.fees import FeePaymentInput
from recruitment_watch.services.casework.complaints import NgoComplaintInput

INPUT_TABLES = [
    (WorkerInput, "worker"),
    (WorkerInput, "worker_identity"),
    (ContractInput, "contract"),
    (ContractVersionInput, "contract_version"),
    (FeePaymentInput, "fee_payment"),
    (AgencyInput, "agency"),
    (EmployerInput, "employer"),
    (LicenceEventInput, "licence_event"),
    (NgoComplaintInput, "complaint"),
]


def longest(schema: dict[str, Any], definitions: dict[str, Any]) -> int | None:
    """The longest string a JSON-schema property admits (None: unbounded text)."""
    if "$ref" in schema:
        return longest(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
    if "anyOf" in schema:
        lengths = [longest(option, definitions) for option in schema["anyOf"] if option.get("type") != "null"]
        return None if None in lengths else max(lengths, default=0)
    if "enum" in schema or "const" in schema:
        return max(len(str(value)) for value in schema.get("enum", [schema.get("const")]))
    if schema.get("type") != "string" or schema.get("format") in ("date", "date-time"):
        return 0  # numbers, booleans, dates: not text
    if "maxLength" in schema:
        return schema["maxLength"]
    if "pattern" in schema:
        return regex_parser.parse(schema["pattern"]).getwidth()[1]
    return None


@pytest.mark.parametrize(("model", "table"), INPUT_TABLES, ids=[f"{m.__name__}-{t}" for m, t in INPUT_TABLES])
def test_every_text_field_fits_its_column(model, table):
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    columns = SQLModel.metadata.tables[table].c
    too_long = {}
    for name, prop in schema["properties"].items():
        if name not in columns or getattr(columns[name].type, "length", None) is None:
            continue
        allowed = longest(prop, definitions)
        if allowed is None or allowed > columns[name].type.length:
            too_long[name] = (allowed, columns[name].type.length)
    assert too_long == {}, f"input admits more than {table} stores: {too_long}"
