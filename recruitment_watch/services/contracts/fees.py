"""Recording fee payments in the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch import money
from recruitment_watch.models import Agency, Contract, FeePayment, SubAgent, Worker
from recruitment_watch.schemas.fees import FeePaymentInput
from recruitment_watch.services.contracts.ownership import agency_owned
from recruitment_watch.services.errors import Conflict, NotFound, ServiceError


def record_fee_payment(data: FeePaymentInput | Mapping[str, Any], *, session: Session) -> FeePayment:
    """Add one payment, with its US-dollar equivalent on the payment date."""
    checked = FeePaymentInput.model_validate(data)
    for model, row_id, field in ((Worker, checked.worker_id, "worker_id"), (Agency, checked.agency_id, "agency_id")):
        if session.get(model, row_id) is None:
            raise NotFound(f"{model.__tablename__} {row_id} does not exist", field=field)
    # The contract and the sub-agent must be the paying agency's own; another agency's is refused exactly like one
    # that does not exist, so the answer reveals nothing about other agencies' ids.
    contract = agency_owned(session, Contract, checked.contract_id, checked.agency_id, "contract_id", "contract")
    agency_owned(session, SubAgent, checked.sub_agent_id, checked.agency_id, "sub_agent_id", "sub-agent")
    if contract is not None and contract.worker_id != checked.worker_id:
        raise Conflict("the contract belongs to another worker", field="contract_id")
    try:
        usd = money.to_usd_minor(checked.amount_minor, checked.currency, checked.paid_on)
    except money.UnknownCurrency as exc:
        raise ServiceError(str(exc), field="currency") from exc
    payment = FeePayment.model_validate({**checked.model_dump(), "amount_usd_minor": usd})
    session.add(payment)
    session.flush()
    return payment


def payments_by_contract(contract_ids: list[int], *, session: Session) -> dict[int, list[FeePayment]]:
    """Every fee payment of each contract, in the order recorded, keyed by contract id (one query for a page)."""
    payments: dict[int, list[FeePayment]] = {contract_id: [] for contract_id in contract_ids}
    if contract_ids:
        rows = session.scalars(
            select(FeePayment).where(FeePayment.contract_id.in_(contract_ids)).order_by(FeePayment.id)
        )
        for row in rows:
            payments[row.contract_id].append(row)
    return payments
