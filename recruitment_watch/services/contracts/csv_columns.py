"""The documented columns of the CSV imports: one table per kind, from which the template file, the docs and the
cell parser all come.

A column names where its cell goes in the API's input (``worker.full_name``, ``versions.0.kind``); whether it is
required and what it must look like are read from that input model's field, so the CSV can never ask for less
or more than the API does. A contract row is one contract with its worker and its first version (later versions
go through the API); a payment row is one fee payment on one of the agency's contracts, named by reference.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cached_property
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from recruitment_watch.schemas.contracts import ContractInput, ContractVersionInput, WorkerInput
from recruitment_watch.schemas.fees import FeePaymentInput

LIST_SEPARATOR = ";"
_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]{1,25}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})


class CellError(ValueError):
    """A cell that cannot be read as its column's type (the reason is shown with the line and the column)."""


@dataclass(frozen=True)
class Column:
    """One documented column: where its cell goes, an example, and what the input model says about it."""

    name: str
    paths: tuple[str, ...]
    example: str
    model: type[BaseModel] | None
    field: str
    about: str = ""

    @cached_property
    def parts(self) -> tuple[tuple[str | int, ...], ...]:
        """Each path split, list positions as numbers (``versions.0.kind`` → ``("versions", 0, "kind")``)."""
        return tuple(tuple(int(p) if p.isdigit() else p for p in path.split(".")) for path in self.paths)

    @cached_property
    def annotation(self) -> Any:
        return _plain(self.model.model_fields[self.field].annotation) if self.model else str

    @cached_property
    def required(self) -> bool:
        return self.model.model_fields[self.field].is_required() if self.model else True

    @cached_property
    def kind(self) -> str:
        """How the cell is read: text, int, bool, date or list."""
        annotation = self.annotation
        if get_origin(annotation) is list:
            return "list"
        return {int: "int", bool: "bool", date: "date"}.get(annotation, "text")

    @property
    def format(self) -> str:
        """What a cell must look like, in words (for the docs and the upload page)."""
        annotation = self.annotation
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return "one of: " + ", ".join(member.value for member in annotation)
        if get_origin(annotation) is Literal:
            return "a currency code (ISO 4217)"
        if self.field.endswith("country") or self.field == "nationality":
            return "country code (ISO 3166, two capital letters)"
        if self.field == "isco_code":
            return "occupation code (ISCO-08, 1–4 digits)"
        return {
            "int": "whole number",
            "bool": "true or false",
            "date": "date, YYYY-MM-DD",
            "list": f"codes separated by {LIST_SEPARATOR}",
        }.get(self.kind, "text")


def _plain(annotation: Any) -> Any:
    """The type under ``X | None`` and ``Annotated[X, …]``."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _model_columns(model: type[BaseModel], prefix: str, path: str, examples: dict[str, str],
                   skip: frozenset[str] = frozenset()) -> list[Column]:  # fmt: skip
    return [
        Column(prefix + name, (f"{path}{name}",), examples.get(prefix + name, ""), model, name,
               info.description or "")  # fmt: skip
        for name, info in model.model_fields.items()
        if name not in skip
    ]


_EXAMPLES = {
    "reference": "PK-2026-000123", "origin_country": "PK", "destination_country": "SA", "sector": "construction",
    "employer_id": "12", "job_order_id": "345", "isco_code": "7112", "departure_on": "2026-03-01",
    "deployed": "false", "worker_reference": "W-2026-000123", "worker_nationality": "PK", "worker_sex": "male",
    "worker_date_of_birth": "1994-05-17", "worker_languages": "ur;en", "worker_domestic_worker": "false",
    "worker_passport_held_by": "worker", "worker_passport_hold_requested_on": "2026-02-01",
    "worker_passport_category": "ecr", "worker_pdo_completed": "true", "worker_skills_certified": "false",
    "worker_insured": "true", "worker_full_name": "Imran Ali", "worker_passport_no": "AB1234567",
    "worker_phone": "+92 300 1234567", "kind": "origin_signed", "basic_wage_minor": "150000",
    "wage_currency": "SAR", "wage_period": "month", "food_allowance_minor": "30000", "housing_allowance_minor": "0",
    "transport_allowance_minor": "0", "food_provided": "false", "housing_provided": "true", "hours_per_day": "8",
    "days_per_week": "6", "weekly_rest_days": "1", "daily_rest_hours": "8", "overtime_rate_pct": "125",
    "annual_leave_days": "21", "duration_months": "24", "probation_months": "3", "worksite_city": "Riyadh",
    "worksite_country": "SA", "job_title": "Mason", "return_ticket_by": "employer",
    "recruitment_costs_borne_by": "employer", "deductions": "food;housing", "languages": "ar;ur",
    "signed_on": "2026-02-10", "copy_given_to_worker": "true", "medical_cover": "true",
    "termination_notice_days": "30", "dispute_clause": "true", "repatriation_clause": "true",
    "joint_liability_clause": "false", "attested": "true", "contract_reference": "PK-2026-000123",
    "sub_agent_id": "7", "payee_type": "agency", "payee_name": "Al-Noor Overseas", "payee_licensed": "true",
    "category": "medical", "amount_minor": "1500000", "currency": "PKR", "paid_on": "2026-01-20", "method": "bank",
    "receipt_no": "R-88812", "loan_taken": "false", "loan_interest_bp": "", "stage": "pre_departure",
}  # fmt: skip
# Contract facts given once per row; employer and occupation also fill the first version's.
_CONTRACT_FIELDS = ("reference", "origin_country", "destination_country", "sector", "employer_id", "job_order_id",
                    "isco_code", "departure_on", "deployed")  # fmt: skip
_SHARED_WITH_VERSION = frozenset({"employer_id", "isco_code"})


def _contract_columns() -> tuple[Column, ...]:
    contract = [
        Column(name, (name, f"versions.0.{name}") if name in _SHARED_WITH_VERSION else (name,), _EXAMPLES[name],
               ContractInput, name)  # fmt: skip
        for name in _CONTRACT_FIELDS
    ]
    worker = _model_columns(WorkerInput, "worker_", "worker.", _EXAMPLES)
    version = _model_columns(ContractVersionInput, "", "versions.0.", _EXAMPLES, skip=_SHARED_WITH_VERSION)
    return (*contract, *worker, *version)


def _payment_columns() -> tuple[Column, ...]:
    by_reference = Column("contract_reference", ("contract_reference",), _EXAMPLES["contract_reference"], None, "",
                          "One of your agency's contracts; the payment is its worker's.")  # fmt: skip
    # The worker, the contract and the agency come from the contract reference and the signed-in agency.
    rest = _model_columns(FeePaymentInput, "", "", _EXAMPLES, skip=frozenset({"worker_id", "contract_id", "agency_id"}))
    return (by_reference, *rest)


CONTRACT_COLUMNS = _contract_columns()
PAYMENT_COLUMNS = _payment_columns()
COLUMNS = {"contracts": CONTRACT_COLUMNS, "payments": PAYMENT_COLUMNS}


def columns_of(kind: str) -> tuple[Column, ...]:
    """The documented columns of ``kind`` (``contracts`` or ``payments``), in file order."""
    return COLUMNS[kind]


def _read_int(cell: str) -> int:
    text = cell.strip()
    if not _WHOLE_NUMBER.match(text):
        raise CellError("must be a whole number (digits only, no separators or decimals)")
    return int(text)


def _read_bool(cell: str) -> bool:
    lowered = cell.strip().lower()
    if lowered not in _TRUE and lowered not in _FALSE:
        raise CellError("must be true or false")
    return lowered in _TRUE


def _read_date(cell: str) -> date:
    text = cell.strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError("must be a date written YYYY-MM-DD") from None


def _read_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.strip().split(LIST_SEPARATOR) if part.strip()]


def _read_text(cell: str) -> str:
    return cell


_READERS: dict[str, Callable[[str], Any]] = {
    "int": _read_int, "bool": _read_bool, "date": _read_date, "list": _read_list, "text": _read_text,
}  # fmt: skip


def reader_of(column: Column) -> Callable[[str], Any]:
    """What reads a non-empty cell of ``column`` (``read_cell`` without choosing the reader for every cell)."""
    return _READERS[column.kind]


def read_cell(column: Column, cell: str) -> Any:
    """The value of a non-empty cell for the input model; ``CellError`` says why it cannot be read. Numbers stay
    signed ("-5" is -5, which the model then refuses as below its minimum), never guessed from other spellings."""
    return _READERS[column.kind](cell)


def template_csv(kind: str) -> str:
    """The template file: the header row of ``kind``'s columns (examples are in the column table)."""
    return ",".join(column.name for column in columns_of(kind)) + "\r\n"


def columns_markdown(kind: str) -> str:
    """The column table of ``kind`` as Markdown (docs/imports.md holds exactly this; a test compares them)."""
    lines = ["| column | required | format | example |", "| --- | --- | --- | --- |"]
    for column in columns_of(kind):
        example = f"`{column.example}`" if column.example else ""
        lines.append(f"| `{column.name}` | {'yes' if column.required else 'no'} | {column.format} | {example} |")
    return "\n".join(lines) + "\n"
