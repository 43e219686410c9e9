"""Submitting workers, contracts and contract versions (with the chained version hash)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from recruitment_watch import money
from recruitment_watch.models import Agency, Contract, ContractVersion, Worker, WorkerIdentity
from recruitment_watch.models.base import pack_list, utc_now
from recruitment_watch.schemas.contracts import ContractInput, ContractVersionInput, WorkerInput
from recruitment_watch.services.contracts.fees import record_fee_payment
from recruitment_watch.services.contracts.references import ContractRefs, check_one
from recruitment_watch.services.contracts.version_hash import version_sha256
from recruitment_watch.services.errors import Conflict, NotFound, ServiceError

_IDENTITY_FIELDS = ("full_name", "passport_no", "phone")


def unsaved_worker(checked: WorkerInput) -> Worker:
    """The pseudonymous worker row for an input, not added to any session (identifying fields left out)."""
    facts = checked.model_dump(exclude=set(_IDENTITY_FIELDS))
    return Worker.model_validate({**facts, "languages": pack_list(checked.languages)})


def register_worker(data: WorkerInput | Mapping[str, Any], *, session: Session) -> Worker:
    """Add a worker; identifying fields go to ``worker_identity``, the rest to the pseudonymous ``worker`` row."""
    checked = WorkerInput.model_validate(data)
    if session.scalar(select(Worker.id).where(Worker.reference == checked.reference)) is not None:
        raise Conflict(f"worker {checked.reference} already exists", field="reference")
    worker = unsaved_worker(checked)
    session.add(worker)
    session.flush()
    session.add(WorkerIdentity(worker_id=worker.id, **checked.model_dump(include=set(_IDENTITY_FIELDS))))
    session.flush()
    return worker


def contract_refs(checked: ContractInput) -> ContractRefs:
    """What a contract refers to, as ``check_references`` checks it: worker, job order, employers, reference."""
    versions = ((f"versions.{index}.employer_id", terms.employer_id) for index, terms in enumerate(checked.versions))
    return ContractRefs(checked.agency_id, checked.reference, (("employer_id", checked.employer_id), *versions),
                        checked.job_order_id, worker_id=checked.worker_id)  # fmt: skip


def _require(session: Session, model: type, row_id: int, field: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{model.__tablename__} {row_id} does not exist", field=field)
    return row


def version_row(
    contract: Contract, seq: int, terms: ContractVersionInput, employer_name: str, previous_sha256: str | None
) -> dict[str, Any]:
    """The stored columns of one version: terms, USD-equivalent monthly wage, code lists and chained hash."""
    return chained_version(version_columns(contract, seq, terms), employer_name, previous_sha256)


def version_columns(contract: Any, seq: int, terms: ContractVersionInput) -> dict[str, Any]:
    """A version's columns but the employer's name and the hashes: what its terms alone decide (a CSV import's
    worker process makes these; the name is looked up and the hash chained by the process that stores them)."""
    on = terms.signed_on or utc_now().date()  # unsigned offers convert at today's rate
    row = {
        **terms.model_dump(mode="python"),
        "contract_id": contract.id,
        "agency_id": contract.agency_id,
        "seq": seq,
        "basic_wage_usd_minor": money.monthly_usd_minor(
            terms.basic_wage_minor, terms.wage_period.value, terms.wage_currency, on
        ),
        "deductions": pack_list(terms.deductions),
        "languages": pack_list(terms.languages),
    }
    for key in ("kind", "wage_period", "return_ticket_by", "recruitment_costs_borne_by"):
        if row[key] is not None:
            row[key] = getattr(row[key], "value", row[key])
    return row


def chained_version(columns: dict[str, Any], employer_name: str, previous_sha256: str | None) -> dict[str, Any]:
    """``columns`` with the employer's name and the hash chained to ``previous_sha256``."""
    row = {**columns, "employer_name": employer_name, "previous_sha256": previous_sha256}
    row["content_sha256"] = version_sha256(row, previous_sha256)
    return row


def add_contract_version(
    contract_id: int, data: ContractVersionInput | Mapping[str, Any], *, session: Session
) -> ContractVersion:
    """Append a version to a contract, chained to the latest one. Earlier versions are never changed."""
    terms = ContractVersionInput.model_validate(data)
    contract = _require(session, Contract, contract_id, "contract_id")
    employer_refs = ContractRefs(contract.agency_id, employers=(("employer_id", terms.employer_id),))
    employer_name = check_one(employer_refs, session=session).employer_names[terms.employer_id]
    latest = session.execute(
        select(ContractVersion.seq, ContractVersion.content_sha256)
        .where(ContractVersion.contract_id == contract.id)
        .order_by(ContractVersion.seq.desc())
        .limit(1)
    ).first()
    seq, previous = (latest[0] + 1, latest[1]) if latest else (1, None)
    version = ContractVersion.model_validate(version_row(contract, seq, terms, employer_name, previous))
    session.add(version)
    contract.updated_at = utc_now()
    session.add(contract)
    session.flush()
    return version


def submit_contract(data: ContractInput | Mapping[str, Any], *, session: Session) -> Contract:
    """Create a contract with all its versions, in order. Invalid input raises before anything is written."""
    return store_contract(data, session=session)[0]


def store_contract(
    data: ContractInput | Mapping[str, Any], *, session: Session
) -> tuple[Contract, list[ContractVersion]]:
    """``submit_contract``, also returning the stored versions (oldest first)."""
    checked = ContractInput.model_validate(data)
    _require(session, Agency, checked.agency_id, "agency_id")
    names = check_one(contract_refs(checked), session=session).employer_names
    contract = Contract.model_validate(checked.model_dump(exclude={"versions", "fee_payments"}))
    session.add(contract)
    session.flush()
    previous = None
    rows = []
    for seq, terms in enumerate(checked.versions, start=1):
        row = version_row(contract, seq, terms, names[terms.employer_id], previous)
        rows.append(row)
        previous = row["content_sha256"]
    # One executemany through Core: the rows are already validated input, and ORM objects would only cost time.
    ids = session.scalars(insert(ContractVersion).returning(ContractVersion.id, sort_by_parameter_order=True), rows)
    versions = [ContractVersion.model_construct(id=row_id, **row) for row_id, row in zip(ids.all(), rows, strict=True)]
    for index, payment in enumerate(checked.fee_payments):
        try:
            record_fee_payment(
                {**payment.model_dump(), "worker_id": contract.worker_id, "contract_id": contract.id,
                 "agency_id": contract.agency_id},
                session=session,
            )  # fmt: skip
        except ServiceError as exc:
            exc.field = f"fee_payments.{index}.{exc.field}" if exc.field else f"fee_payments.{index}"
            raise
    return contract, versions


def contract_versions(contract_id: int, *, session: Session) -> list[ContractVersion]:
    """The versions of a contract in the order they were agreed."""
    return list(
        session.scalars(
            select(ContractVersion).where(ContractVersion.contract_id == contract_id).order_by(ContractVersion.seq)
        )
    )


def versions_by_contract(contract_ids: list[int], *, session: Session) -> dict[int, list[ContractVersion]]:
    """Every version of each contract, oldest first, keyed by contract id (one query for a page of contracts)."""
    versions: dict[int, list[ContractVersion]] = {contract_id: [] for contract_id in contract_ids}
    if contract_ids:
        rows = session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id.in_(contract_ids))
            .order_by(ContractVersion.contract_id, ContractVersion.seq)
        )
        for row in rows:
            versions[row.contract_id].append(row)
    return versions
