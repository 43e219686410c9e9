"""What contract submissions refer to — the reference, employers, job order and worker — checked for many at once,
with the same answer one submission alone would get.

The one copy of these rules: ``store_contract`` (every contract stored one by one: API v1, its bulk path and the
web form), the API's check of the worker it is given and ``add_contract_version`` ask with one item; the CSV import
asks for a chunk of rows in a few queries (a query per row would take minutes at 100,000 rows). Another agency's job
order or worker is answered like one that does not exist, or a reference in use, so no answer reveals another
agency's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Contract, Employer, JobOrder, Worker
from recruitment_watch.services.errors import Conflict, NotFound, ServiceError


@dataclass(frozen=True)
class ContractRefs:
    """What one submission names, each part checked only when given (None or empty: not asked)."""

    agency_id: int
    reference: str | None = None  # the contract's reference: must not be taken
    employers: tuple[tuple[str, int], ...] = ()  # (field, employer id), the contract's own first: must exist
    job_order_id: int | None = None  # must be the agency's own
    worker_id: int | None = None  # a stored worker of any agency (the ministry's path): must exist
    own_worker_id: int | None = None  # a worker named by id: must be on one of the agency's contracts
    worker_reference: str | None = None  # an inline worker: the agency's own is reused, another agency's refused


@dataclass
class RefsAnswer:
    """One submission's answer: what fails (the first is what a single submission raises) and what was found."""

    problems: list[ServiceError] = field(default_factory=list)
    worker_id: int | None = None  # the agency's own worker named by ``own_worker_id`` or ``worker_reference``
    reference_owner: int | None = None  # the agency whose contract already has this reference
    employer_names: Mapping[int, str] = field(default_factory=dict)


def _pairs(session: Session, key: Any, value: Any, wanted: Iterable[Any]) -> dict[Any, Any]:
    """``{key: value}`` of the rows whose ``key`` is in ``wanted`` (no query when nothing is wanted)."""
    wanted = set(wanted) - {None}
    return dict(session.execute(select(key, value).where(key.in_(wanted))).all()) if wanted else {}


@dataclass
class _Found:
    """Everything the items refer to, looked up once for all of them."""

    employers: dict[int, str]
    job_orders: dict[int, int]  # job order id → its agency
    contracts: dict[str, int]  # contract reference → its agency
    workers: dict[str, int]  # worker reference → id
    stored_workers: set[int]
    on_contracts: set[tuple[int, int]]  # (agency id, worker id) pairs with at least one contract


def _found(session: Session, items: Sequence[ContractRefs]) -> _Found:
    employers = _pairs(session, Employer.id, Employer.name, (e for item in items for _, e in item.employers))
    job_orders = _pairs(session, JobOrder.id, JobOrder.agency_id, (item.job_order_id for item in items))
    contracts = _pairs(session, Contract.reference, Contract.agency_id, (item.reference for item in items))
    workers = _pairs(session, Worker.reference, Worker.id, (item.worker_reference for item in items))
    stored_ids = {item.worker_id for item in items} - {None}
    stored = set(session.scalars(select(Worker.id).where(Worker.id.in_(stored_ids)))) if stored_ids else set()
    candidates = set(workers.values()) | ({item.own_worker_id for item in items} - {None})
    on_contracts: set[tuple[int, int]] = set()
    if candidates:
        agencies = {item.agency_id for item in items}
        pairs = select(Contract.agency_id, Contract.worker_id).distinct()
        rows = session.execute(pairs.where(Contract.worker_id.in_(candidates), Contract.agency_id.in_(agencies)))
        on_contracts = {(agency_id, worker_id) for agency_id, worker_id in rows}
    return _Found(employers, job_orders, contracts, workers, stored, on_contracts)


def _answer(item: ContractRefs, found: _Found) -> RefsAnswer:
    """The problems in the order a single submission meets them: its worker, job order, employers, reference."""
    answer = RefsAnswer(reference_owner=found.contracts.get(item.reference), employer_names=found.employers)
    problems = answer.problems
    if item.worker_id is not None and item.worker_id not in found.stored_workers:
        problems.append(NotFound(f"worker {item.worker_id} does not exist", field="worker_id"))
    if item.own_worker_id is not None:
        if (item.agency_id, item.own_worker_id) in found.on_contracts:
            answer.worker_id = item.own_worker_id
        else:
            problems.append(NotFound(f"worker {item.own_worker_id} does not exist", field="worker.id"))
    known = found.workers.get(item.worker_reference)
    if known is not None:
        if (item.agency_id, known) in found.on_contracts:
            answer.worker_id = known
        else:
            problems.append(Conflict(f"worker reference {item.worker_reference} is already in use",
                                     field="worker.reference"))  # fmt: skip
    if item.job_order_id is not None and found.job_orders.get(item.job_order_id) != item.agency_id:
        problems.append(NotFound(f"job order {item.job_order_id} does not exist", field="job_order_id"))
    missing: set[int] = set()
    for name, employer_id in item.employers:
        if employer_id not in found.employers and employer_id not in missing:  # one problem per missing employer
            missing.add(employer_id)
            problems.append(NotFound(f"employer {employer_id} does not exist", field=name))
    if answer.reference_owner is not None:
        problems.append(Conflict(f"contract {item.reference} already exists", field="reference"))
    return answer


def check_references(items: Sequence[ContractRefs], *, session: Session) -> list[RefsAnswer]:
    """Each item's answer, in order, from a few queries for all of them (reads only)."""
    if not items:
        return []
    found = _found(session, items)
    return [_answer(item, found) for item in items]


def check_one(item: ContractRefs, *, session: Session) -> RefsAnswer:
    """``check_references`` for one submission, raising its first problem (``NotFound`` or ``Conflict``)."""
    answer = check_references([item], session=session)[0]
    if answer.problems:
        raise answer.problems[0]
    return answer
