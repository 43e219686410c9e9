"""Agency submissions through the API: contracts (with their worker and versions) and fee payments.

The agency is the API key's, never the body's. A worker is given inline (registered on first use, reused by
reference afterwards) or as ``{"id": …}``; an id or reference of a worker who has no contract with this agency is
refused, so one agency cannot attach records to another agency's workers. Each submission is all or nothing; a
bulk submission runs each item in its own SAVEPOINT, so a bad item never blocks or half-writes the good ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import Field, ValidationError, create_model
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from recruitment_watch.checks.evaluator import WouldBeFinding
from recruitment_watch.models import Contract, ContractVersion, FeePayment, Worker
from recruitment_watch.schemas.common import MAX_ID, StrictInput
from recruitment_watch.schemas.contracts import ContractInput, WorkerInput
from recruitment_watch.schemas.fees import FeePaymentInput
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.contracts.fees import record_fee_payment
from recruitment_watch.services.contracts.intake import register_worker, store_contract, unsaved_worker
from recruitment_watch.services.contracts.preview import preview
from recruitment_watch.services.contracts.references import ContractRefs, check_references
from recruitment_watch.services.errors import Conflict, FieldError, NotFound, Rejected, ServiceError

T = TypeVar("T")


def _without(model: type, *names: str, **changes: Any) -> dict[str, Any]:
    fields = {name: (info.annotation, info) for name, info in model.model_fields.items() if name not in names}
    fields.update(changes)
    return fields


class WorkerRef(StrictInput):
    """A worker already on one of your agency's contracts, by id."""

    id: int = Field(gt=0, le=MAX_ID)


ApiContractInput = create_model(
    "ApiContractInput",
    __base__=StrictInput,
    __doc__="A contract submitted by an agency: its worker (inline, or {id} of one already on your contracts) and "
    "its versions, oldest first.",
    **_without(ContractInput, "agency_id", "worker_id", worker=(WorkerInput | WorkerRef, ...)),
)

ApiFeePaymentInput = create_model(
    "ApiFeePaymentInput",
    __base__=StrictInput,
    __doc__="A fee payment a worker made, recorded by the agency (the agency is the API key's).",
    **_without(FeePaymentInput, "agency_id"),
)


def _field_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    return [
        FieldError(prefix + ".".join(str(part) for part in error["loc"]) or None, error["msg"])
        for error in exc.errors()
    ]


def _checked(model: type[T], payload: Any) -> T:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise Rejected(_field_errors(exc)) from exc


def _rejected(exc: ServiceError, prefix: str = "") -> Rejected:
    kind = "not_found" if isinstance(exc, NotFound) else "conflict" if isinstance(exc, Conflict) else "validation"
    return Rejected([FieldError(prefix + (exc.field or "") or None, str(exc))], kind=kind)


def _service_errors(call: Callable[[], T], *, prefix: str = "") -> T:
    try:
        return call()
    except ValidationError as exc:
        raise Rejected(_field_errors(exc, prefix)) from exc
    except ServiceError as exc:
        raise _rejected(exc, prefix) from exc


def _require_agency(actor: Actor) -> int:
    if actor.agency_id is None:
        raise Rejected(
            [FieldError(None, "this organisation has no registered agency; ask the ministry to link it")],
            kind="forbidden",
        )
    return actor.agency_id


def _agency_has_worker(session: Session, agency_id: int, worker_id: int) -> bool:
    return (
        session.scalar(select(Contract.id).where(Contract.agency_id == agency_id, Contract.worker_id == worker_id))
        is not None
    )


def _known_worker(session: Session, agency_id: int, submitted: Any) -> Worker | None:
    """The agency's own worker named by id or by reference; None for an inline worker not registered yet.

    An id or reference of a worker with no contract at this agency is refused (``Rejected``), by the rule the CSV
    import applies too (``check_references``).
    """
    worker = submitted.worker
    by_id = isinstance(worker, WorkerRef)
    refs = ContractRefs(agency_id, own_worker_id=worker.id if by_id else None,
                        worker_reference=None if by_id else worker.reference)  # fmt: skip
    answer = check_references([refs], session=session)[0]
    if answer.problems:
        raise _rejected(answer.problems[0])
    return session.get(Worker, answer.worker_id) if answer.worker_id is not None else None


@dataclass
class AcceptedContract:
    """A stored contract and what the criteria say about it."""

    contract: Contract
    preview: list[WouldBeFinding] = field(default_factory=list)
    versions: list[ContractVersion] = field(default_factory=list)


@dataclass
class PreparedContract:
    """A checked submission and its preview, computed before any write (so the write lock is held briefly)."""

    submitted: Any
    contract_input: ContractInput
    preview: list[WouldBeFinding]
    # The inline worker was not registered when prepared (its worker_id in contract_input is a placeholder).
    new_worker: bool = False


def prepare_agency_contract(actor: Actor, payload: Mapping[str, Any] | Any, *, session: Session) -> PreparedContract:
    """Check a submission and compute its preview; reads only. ``Rejected`` says why not, field by field."""
    agency_id = _require_agency(actor)
    submitted = payload if isinstance(payload, ApiContractInput) else _checked(ApiContractInput, payload)
    known = _known_worker(session, agency_id, submitted)
    worker = known or unsaved_worker(submitted.worker)  # the preview judges an inline worker before it is stored
    data = {
        **submitted.model_dump(exclude={"worker"}),
        "agency_id": agency_id,
        "worker_id": known.id if known else MAX_ID,  # placeholder until the worker is registered
    }
    contract_input = _service_errors(lambda: ContractInput.model_validate(data))
    findings = _service_errors(lambda: preview(contract_input, session=session, worker=worker))
    return PreparedContract(submitted, contract_input, findings, new_worker=known is None)


def store_agency_contract(actor: Actor, prepared: PreparedContract, *, session: Session) -> AcceptedContract:
    """Store a prepared submission (registering its inline worker); all or nothing."""
    worker_id = prepared.contract_input.worker_id
    if prepared.new_worker:  # register it, unless a concurrent submission of this agency just did
        known = _known_worker(session, _require_agency(actor), prepared.submitted)
        inline = prepared.submitted.worker
        worker_id = (
            known.id
            if known
            else _service_errors(lambda: register_worker(inline, session=session), prefix="worker.").id
        )
    contract_input = prepared.contract_input.model_copy(update={"worker_id": worker_id})
    contract, versions = _service_errors(lambda: store_contract(contract_input, session=session))
    return AcceptedContract(contract, prepared.preview, versions)


def record_agency_payment(actor: Actor, payload: Mapping[str, Any] | Any, *, session: Session) -> FeePayment:
    """Store one fee payment for the actor's agency; the contract and worker must be the agency's own."""
    agency_id = _require_agency(actor)
    submitted = payload if isinstance(payload, ApiFeePaymentInput) else _checked(ApiFeePaymentInput, payload)
    if not _agency_has_worker(session, agency_id, submitted.worker_id):
        raise Rejected([FieldError("worker_id", f"worker {submitted.worker_id} does not exist")], kind="not_found")
    if submitted.contract_id is not None:
        owner = session.scalar(select(Contract.agency_id).where(Contract.id == submitted.contract_id))
        if owner != agency_id:
            raise Rejected(
                [FieldError("contract_id", f"contract {submitted.contract_id} does not exist")], kind="not_found"
            )
    data = {**submitted.model_dump(), "agency_id": agency_id}
    return _service_errors(lambda: record_fee_payment(data, session=session))


@dataclass
class ItemOutcome:
    """One bulk item's answer."""

    index: int
    accepted: Any | None = None
    errors: list[FieldError] = field(default_factory=list)


def submit_bulk(items: Sequence[Any], submit: Callable[[Any], Any], *, session: Session) -> list[ItemOutcome]:
    """Run ``submit`` on each item inside its own SAVEPOINT: good items stay, bad ones leave nothing."""
    outcomes = []
    for index, item in enumerate(items):
        savepoint = session.begin_nested()
        try:
            accepted = submit(item)
            savepoint.commit()
            outcomes.append(ItemOutcome(index, accepted=accepted))
        except Rejected as exc:
            savepoint.rollback()
            outcomes.append(ItemOutcome(index, errors=exc.errors))
        except IntegrityError:  # a concurrent request stored the same record first: this item alone is refused
            savepoint.rollback()
            clash = FieldError(None, "a record with the same identity was stored at the same moment; send it again")
            outcomes.append(ItemOutcome(index, errors=[clash]))
    return outcomes
