"""CSV rows to the API's input models, checked a chunk at a time, and the good rows stored in batches.

Every row becomes the payload the API would receive and is validated by the same input models (``WorkerInput``,
``ContractInput`` — which ``prepare_agency_contract`` validates — and ``ApiFeePaymentInput``); an error names the
row's line and the CSV column. What the models cannot know — does the employer exist, is the job order or the
worker this agency's, is the reference taken — is asked once per chunk of the rules ``store_contract`` and the API
apply one by one (``check_references``: at 100,000 rows a query per row would take minutes). Payments are stored
by the API's own ``record_agency_payment`` inside ``submit_bulk``, exactly as ``POST /fee-payments/bulk`` stores
them.

A row already stored is skipped, not stored twice: a contract by its reference (the API's natural key), a payment
by the digest of its checked content (``csv_import_row``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, select
from sqlmodel import Session

from recruitment_watch.models import (
    Agency,
    Contract,
    ContractVersion,
    CsvImportRow,
    Worker,
    WorkerIdentity,
)
from recruitment_watch.models.base import pack_list, utc_now
from recruitment_watch.schemas.common import MAX_ID
from recruitment_watch.schemas.contracts import ContractInput, WorkerInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.contracts.csv_columns import CellError, Column, columns_of, reader_of
from recruitment_watch.services.contracts.csv_reading import CsvRow
from recruitment_watch.services.contracts.intake import chained_version, version_columns
from recruitment_watch.services.contracts.references import ContractRefs, check_references
from recruitment_watch.services.contracts.submissions import ApiFeePaymentInput, record_agency_payment, submit_bulk
from recruitment_watch.services.errors import NotFound

_IDENTITY_FIELDS = tuple(name for name in WorkerIdentity.model_fields if name in WorkerInput.model_fields)


@dataclass(frozen=True)
class RowError:
    """Why a row was rejected: its line (the header is line 1), the CSV column (None: the row as a whole), why."""

    line: int
    field: str | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class Checked:
    """A chunk's verdict: rows ready to store, rejected rows' errors, rows already stored (skipped)."""

    good: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: int = 0


def _container(payload: dict[str, Any], prefix: tuple[str | int, ...]) -> dict[str, Any]:
    """The dict at ``("versions", 0)``-style ``prefix`` in a nested payload, made (with its lists) when missing."""
    target: Any = payload
    for part, following in zip(prefix, (*prefix[1:], None), strict=True):
        if isinstance(part, int):
            while len(target) <= part:
                target.append({})
            target = target[part]
        else:
            target = target.get(part) or target.setdefault(part, [] if isinstance(following, int) else {})
    return target


# How each column's cell is read and where its value goes: (column name, reader, ((prefix, key), …)), where the
# prefix is () for a top-level field. Worked out once per column table: at 100,000 rows of 60 columns, deciding it
# again for every cell costs seconds.
_Plan = tuple[tuple[str, Callable[[str], Any], tuple[tuple[tuple[str | int, ...], str | int], ...]], ...]
_PLANS: dict[int, tuple[Sequence[Column], _Plan]] = {}


def _plan_of(columns: Sequence[Column]) -> _Plan:
    known = _PLANS.get(id(columns))
    if known is not None and known[0] is columns:
        return known[1]
    plan = tuple((column.name, reader_of(column), tuple((parts[:-1], parts[-1]) for parts in column.parts))
                 for column in columns)  # fmt: skip
    _PLANS[id(columns)] = (columns, plan)
    return plan


def payload_of(row: CsvRow, columns: Sequence[Column]) -> tuple[dict[str, Any], list[RowError]]:
    """The API payload a row stands for, and the cells that could not be read (left out of the payload)."""
    payload: dict[str, Any] = {}
    nested: dict[tuple[str | int, ...], dict[str, Any]] = {}
    errors = []
    if row.extra:
        errors.append(RowError(row.line, None, f"has {row.extra} more cells than the header has columns"))
    cells = row.cells
    for name, reader, targets in _plan_of(columns):
        cell = cells.get(name)
        if not cell or cell.isspace():
            continue
        try:
            value = reader(cell)
        except CellError as exc:
            errors.append(RowError(row.line, name, str(exc)))
            continue
        for prefix, key in targets:
            if prefix:
                nested.setdefault(prefix, {})[key] = value
            else:
                payload[key] = value
    for prefix, values in nested.items():
        _container(payload, prefix).update(values)
    return payload, errors


class _Reader:
    """Reading rows of one kind for one agency, without the database: the columns, field names for errors,
    validation through a model (so a worker process can do it: ``csv_parallel``)."""

    kind = ""

    def __init__(self, agency_id: int) -> None:
        self.agency_id = agency_id
        self.columns = columns_of(self.kind)
        self.by_path = {path: column.name for column in self.columns for path in column.paths}

    def column_for(self, location: Sequence[Any], prefix: str = "") -> str | None:
        """The CSV column a model error's location points at (None: the row as a whole)."""
        parts = [str(part) for part in location]
        while parts:
            name = self.by_path.get(prefix + ".".join(parts))
            if name:
                return name
            parts.pop()
        return None

    def validated(self, model: type[BaseModel], data: dict[str, Any], line: int, errors: list[RowError],
                  prefix: str = "") -> Any:  # fmt: skip
        """``model`` validated from ``data``, or None with its errors added (not for columns already in error)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            unreadable = {error.field for error in errors}
            for problem in exc.errors():
                column = self.column_for(problem["loc"], prefix)
                if column not in unreadable or column is None:
                    errors.append(RowError(line, column, problem["msg"]))
            return None


class _Rows(_Reader):
    """Checking and storing rows for the actor's agency, in the actor's session."""

    def __init__(self, actor: Actor, *, session: Session) -> None:
        if actor.agency_id is None or session.get(Agency, actor.agency_id) is None:
            raise NotFound("this organisation has no registered agency; ask the ministry to link it")
        super().__init__(actor.agency_id)
        self.actor, self.session = actor, session


@dataclass
class ParsedContract:
    """A contract row both input models accept, as the plain columns it will be stored with (cheap to send back from
    a worker process), and what it refers to; the employer's name, the worker's id and the version's hash come once
    the references are looked up."""

    line: int
    worker_reference: str
    reference: str
    employer_id: int
    job_order_id: int | None
    worker: dict[str, Any]  # the worker's columns, stored when this row registers the worker
    identity: dict[str, Any]
    contract: dict[str, Any]
    version: dict[str, Any]  # the first version's columns but its employer's name and hashes


# A chunk of contract rows read and validated: the rows the models accept, and the errors of the others.
Parsed = tuple[list[ParsedContract], list[RowError]]


class ContractReader(_Reader):
    """The part of checking contract rows that needs no database: cells read, both input models validated, the
    columns made."""

    kind = "contracts"

    def parse(self, rows: Sequence[CsvRow]) -> Parsed:
        candidates, errors = [], []
        unsaved = SimpleNamespace(id=None, agency_id=self.agency_id)
        for row in rows:
            payload, row_errors = payload_of(row, self.columns)
            worker = self.validated(WorkerInput, payload.pop("worker", {}), row.line, row_errors, prefix="worker.")
            payload |= {"agency_id": self.agency_id, "worker_id": MAX_ID}  # the worker's id is known when stored
            contract = self.validated(ContractInput, payload, row.line, row_errors)
            errors.extend(row_errors)
            if row_errors or worker is None or contract is None:
                continue
            candidates.append(ParsedContract(
                row.line, worker.reference, contract.reference, contract.employer_id, contract.job_order_id,
                _worker_columns(worker), worker.model_dump(include=set(_IDENTITY_FIELDS)),
                contract.model_dump(exclude={"versions", "fee_payments", "worker_id"}),
                version_columns(unsaved, 1, contract.versions[0]),
            ))  # fmt: skip
        return candidates, errors


def _worker_columns(worker: WorkerInput) -> dict[str, Any]:
    """The ``worker`` row ``unsaved_worker`` makes, as plain columns: validating 100,000 table models again would
    double the import's time, and the input is validated already (a test holds the two to the same columns)."""
    facts = worker.model_dump(exclude=set(_IDENTITY_FIELDS))
    return facts | {"languages": pack_list(worker.languages)}


@dataclass
class ContractRow:
    """A checked contract row, as the columns it will be stored with (ids filled in when stored)."""

    line: int
    worker_reference: str
    worker_id: int | None  # the agency's existing worker; None: registered by this file
    new_worker: dict[str, Any] | None  # the worker's columns, on the row that registers it
    identity: dict[str, Any] | None
    contract: dict[str, Any]
    version: dict[str, Any]


class ContractRows(_Rows, ContractReader):
    """Contract rows: one contract, its worker (inline, or the agency's own by reference) and its first version."""

    def __init__(self, actor: Actor, *, session: Session) -> None:
        super().__init__(actor, session=session)
        self.lines: dict[str, int] = {}  # contract reference → the line that first gave it
        self.new_workers: set[str] = set()  # references of the workers this file registers
        self.worker_ids: dict[str, int] = {}  # worker reference → id, once registered

    def check(self, rows: Sequence[CsvRow], parsed: Parsed | None = None) -> Checked:
        """Validate a chunk of rows (or take them ``parsed`` already, by a worker process) and look up what they refer
        to: the API's own rules (``check_references``), asked once for the whole chunk. A row whose reference is
        already one of this agency's contracts is a re-upload; one an earlier row of the file gave is refused."""
        checked = Checked()
        candidates, checked.errors = parsed if parsed is not None else self.parse(rows)
        refs = [ContractRefs(self.agency_id, item.reference, (("employer_id", item.employer_id),), item.job_order_id,
                             worker_reference=None if item.worker_reference in self.new_workers
                             else item.worker_reference)
                for item in candidates]  # fmt: skip
        for item, answer in zip(candidates, check_references(refs, session=self.session), strict=True):
            earlier = self.lines.get(item.reference)
            if earlier is not None:
                checked.errors.append(RowError(item.line, "reference",
                                               f"the same reference is on line {earlier} of this file"))  # fmt: skip
                continue
            if answer.reference_owner == self.agency_id:
                checked.duplicates += 1
                continue
            errors = [RowError(item.line, self.column_for(problem.field.split(".")), str(problem))
                      for problem in answer.problems]  # fmt: skip
            checked.errors += errors
            if not errors:
                self.lines[item.reference] = item.line
                checked.good.append(self._prepared(item, answer.worker_id, answer.employer_names))
        checked.errors.sort(key=lambda error: error.line)
        return checked

    def _prepared(self, item: ParsedContract, worker_id: int | None, employers: Mapping[int, str]) -> ContractRow:
        registers = worker_id is None and item.worker_reference not in self.new_workers
        if registers:
            self.new_workers.add(item.worker_reference)
        return ContractRow(item.line, item.worker_reference, worker_id, item.worker if registers else None,
                           item.identity if registers else None, item.contract,
                           chained_version(item.version, employers[item.version["employer_id"]], None))  # fmt: skip

    def store(self, rows: Sequence[ContractRow]) -> tuple[int, list[RowError]]:
        """Insert checked rows: new workers (and their identities), contracts, first versions — one batch each.
        A reference another request stored meanwhile fails the UNIQUE constraint, and with it the transaction."""
        if not rows:
            return 0, []
        now = utc_now()
        stamps = {"created_at": now, "updated_at": now}
        # Plain executemany on the tables, then the ids by the unique references: RETURNING in parameter order makes
        # SQLite insert one row per statement, and the ORM's bulk path would only walk rows that are already columns.
        new = [item for item in rows if item.new_worker is not None]
        if new:
            self.session.execute(insert(Worker.__table__), [item.new_worker | stamps for item in new])
            self.worker_ids.update(self.session.execute(select(Worker.reference, Worker.id).where(
                Worker.reference.in_([item.worker_reference for item in new]))).all())  # fmt: skip
            identities = [item.identity | {"worker_id": self.worker_ids[item.worker_reference]} for item in new]
            self.session.execute(insert(WorkerIdentity.__table__), identities)
        contracts = [item.contract | stamps | {"worker_id": item.worker_id or self.worker_ids[item.worker_reference]}
                     for item in rows]  # fmt: skip
        self.session.execute(insert(Contract.__table__), contracts)
        ids = dict(self.session.execute(select(Contract.reference, Contract.id).where(
            Contract.reference.in_([contract["reference"] for contract in contracts]))).all())  # fmt: skip
        versions = [item.version | {"contract_id": ids[item.contract["reference"]]} for item in rows]
        self.session.execute(insert(ContractVersion.__table__), versions)
        return len(rows), []


@dataclass
class PaymentRow:
    line: int
    payment: Any  # ApiFeePaymentInput
    digest: str


class PaymentRows(_Rows):
    """Fee payment rows, each on one of the agency's contracts named by its reference."""

    kind = "payments"

    def __init__(self, actor: Actor, *, session: Session, import_id: int | None = None) -> None:
        super().__init__(actor, session=session)
        self.import_id = import_id
        self.digests: set[str] = set()

    def digest(self, payment: Any) -> str:
        """The identity of a payment: its checked content within the agency (key order and spelling normalised)."""
        content = {**payment.model_dump(mode="json"), "agency_id": self.agency_id}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def check(self, rows: Sequence[CsvRow]) -> Checked:
        checked = Checked()
        parsed = [(row, *payload_of(row, self.columns)) for row in rows]
        wanted = {payload.get("contract_reference") for _, payload, _ in parsed} - {None}
        contracts = {reference: (contract_id, worker_id) for reference, contract_id, worker_id in self.session.execute(
            select(Contract.reference, Contract.id, Contract.worker_id).where(
                Contract.agency_id == self.agency_id, Contract.reference.in_(wanted)))}  # fmt: skip
        candidates = []
        for row, payload, errors in parsed:
            reference = payload.pop("contract_reference", None)
            contract_id, worker_id = contracts.get(reference, (MAX_ID, MAX_ID))
            if reference is not None and reference not in contracts:
                errors.append(RowError(row.line, "contract_reference", f"contract {reference} does not exist"))
            payload |= {"contract_id": contract_id, "worker_id": worker_id}
            payment = self.validated(ApiFeePaymentInput, payload, row.line, errors)
            checked.errors.extend(errors)
            if payment is not None and not errors:
                candidates.append(PaymentRow(row.line, payment, self.digest(payment)))
        stored = set(self.session.scalars(select(CsvImportRow.row_sha256).where(
            CsvImportRow.agency_id == self.agency_id,
            CsvImportRow.row_sha256.in_({item.digest for item in candidates})))) if candidates else set()  # fmt: skip
        for item in candidates:
            if item.digest in stored or item.digest in self.digests:
                checked.duplicates += 1
                continue
            self.digests.add(item.digest)
            checked.good.append(item)
        return checked

    def store(self, rows: Sequence[PaymentRow]) -> tuple[int, list[RowError]]:
        """Store each payment through the API's service (a SAVEPOINT each); returns the count and the refusals."""
        if not rows:
            return 0, []
        outcomes = submit_bulk(
            rows, lambda item: record_agency_payment(self.actor, item.payment, session=self.session),
            session=self.session,
        )  # fmt: skip
        identities, errors = [], []
        for outcome, item in zip(outcomes, rows, strict=True):
            if outcome.accepted is None:
                errors.extend(RowError(item.line, self.column_for(error.field.split(".")) if error.field else None,
                                       error.message) for error in outcome.errors)  # fmt: skip
            else:
                identities.append({"import_id": self.import_id, "agency_id": self.agency_id,
                                   "row_sha256": item.digest, "fee_payment_id": outcome.accepted.id})  # fmt: skip
        if identities:
            self.session.scalars(insert(CsvImportRow).returning(CsvImportRow.id), identities).all()
        return len(identities), errors
