"""Agencies submit contracts (with the criteria preview) and fee payments, one by one or up to 1,000 at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response

from recruitment_watch.api.blueprint import SECURITY, bp
from recruitment_watch.api.guards import current_actor, json_response, requires, start_writing, writes
from recruitment_watch.api.models import (
    BulkInput,
    BulkItemResult,
    BulkResult,
    ContractAccepted,
    ContractOut,
    ContractPage,
    ContractVersionOut,
    FeePaymentOut,
    FeePaymentPage,
    FieldProblem,
    PageQuery,
    PreviewFinding,
)
from recruitment_watch.api.pagination import page
from recruitment_watch.api.problems import from_rejected
from recruitment_watch.db import get_session
from recruitment_watch.models import Contract, ContractVersion, FeePayment
from recruitment_watch.models.vocab import ApiScope
from recruitment_watch.services.access import scoping
from recruitment_watch.services.contracts.fees import payments_by_contract
from recruitment_watch.services.contracts.intake import versions_by_contract
from recruitment_watch.services.contracts.submissions import (
    AcceptedContract,
    ApiContractInput,
    ApiFeePaymentInput,
    ItemOutcome,
    PreparedContract,
    prepare_agency_contract,
    record_agency_payment,
    store_agency_contract,
    submit_bulk,
)
from recruitment_watch.services.criteria.packs import registry_criteria
from recruitment_watch.services.errors import Rejected


def contracts_out(contracts: list[Contract], known: list[ContractVersion] | None = None) -> list[ContractOut]:
    """Contracts with their versions (``known``, or one query for the whole page)."""
    if known is None:
        rows = versions_by_contract([contract.id for contract in contracts], session=get_session())
    else:
        rows = {contract.id: [] for contract in contracts}
        for row in known:
            rows[row.contract_id].append(row)
    payments = payments_by_contract([contract.id for contract in contracts], session=get_session())
    return [
        ContractOut.model_validate(c).model_copy(
            update={
                "versions": [ContractVersionOut.model_validate(row) for row in rows[c.id]],
                "fee_payments": [FeePaymentOut.model_validate(row) for row in payments[c.id]],
            }
        )
        for c in contracts
    ]


def bulk_answer(outcomes: list[ItemOutcome], describe: Callable[[Any], dict[str, Any]]) -> Response:
    """The answer to a bulk request: each item accepted (described by ``describe``) or rejected with its reasons."""
    results = [
        BulkItemResult(index=o.index, status="accepted", **describe(o.accepted))
        if o.accepted is not None
        else BulkItemResult(
            index=o.index, status="rejected", errors=[FieldProblem(field=e.field, message=e.message) for e in o.errors]
        )
        for o in outcomes
    ]
    accepted = sum(1 for result in results if result.status == "accepted")
    return json_response(BulkResult(accepted=accepted, rejected=len(results) - accepted, results=results))


def preview_out(accepted: AcceptedContract) -> list[PreviewFinding]:
    registry = registry_criteria()
    return [
        PreviewFinding.model_validate(finding).model_copy(
            update={"judged_on": "registry" if finding.criterion_id in registry else "submission"}
        )
        for finding in accepted.preview
    ]


def accepted_out(accepted: AcceptedContract) -> ContractAccepted:
    contract = contracts_out([accepted.contract], accepted.versions)[0]
    return ContractAccepted(contract=contract, preview=preview_out(accepted))


@bp.post("/contracts")
@requires(ApiScope.contracts_write)
@writes(prepares_first=True)
@bp.input(ApiContractInput, arg_name="body")
@bp.output(
    ContractAccepted,
    status_code=201,
    description="Stored, with what the contract breaks",
    links={"GetContract": {"operationId": "getContract", "parameters": {"contract_id": "$response.body#/contract/id"}}},
)
@bp.doc(summary="Submit a contract", security=SECURITY, operation_id="submitContract")
def submit_contract(body: ApiContractInput):
    """Store a contract for your agency with its versions (all or nothing) and get the criteria preview."""
    actor, session = current_actor(), get_session()
    try:
        prepared = prepare_agency_contract(actor, body, session=session)
        start_writing()
        accepted = store_agency_contract(actor, prepared, session=session)
    except Rejected as exc:
        raise from_rejected(exc) from exc
    return json_response(accepted_out(accepted), 201)


@bp.post("/contracts/bulk")
@requires(ApiScope.contracts_write)
@writes(prepares_first=True)
@bp.input(BulkInput, arg_name="body")
@bp.output(BulkResult, description="Each item accepted (with its preview) or rejected with field-level reasons")
@bp.doc(summary="Submit up to 1,000 contracts", security=SECURITY, operation_id="submitContractsBulk")
def submit_contracts_bulk(body: BulkInput):
    """Each item is stored or rejected on its own; a bad item never blocks or half-writes the good ones."""
    actor, session = current_actor(), get_session()
    prepared: list[PreparedContract | Rejected] = []
    for item in body.items:  # checks and previews first, outside the write lock
        try:
            prepared.append(prepare_agency_contract(actor, item, session=session))
        except Rejected as exc:
            prepared.append(exc)
    start_writing()

    def store(item: PreparedContract | Rejected) -> AcceptedContract:
        if isinstance(item, Rejected):
            raise item
        return store_agency_contract(actor, item, session=session)

    outcomes = submit_bulk(prepared, store, session=session)
    return bulk_answer(
        outcomes,
        lambda accepted: {
            "id": accepted.contract.id,
            "reference": accepted.contract.reference,
            "preview": preview_out(accepted),
        },
    )


@bp.get("/contracts")
@requires(ApiScope.contracts_read)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(
    ContractPage,
    links={"GetContract": {"operationId": "getContract", "parameters": {"contract_id": "$response.body#/items/0/id"}}},
)
@bp.doc(summary="List contracts", security=SECURITY, operation_id="listContracts")
def list_contracts(query: PageQuery):
    """Your agency's contracts (all contracts for a ministry key), oldest change first, with their versions."""
    rows, cursor = page(get_session(), scoping.contracts_of(current_actor()), Contract, query)
    return json_response(ContractPage(items=contracts_out(rows), next_cursor=cursor))


@bp.get("/contracts/<int:contract_id>")
@requires(ApiScope.contracts_read)
@bp.output(ContractOut)
@bp.doc(summary="Get a contract", security=SECURITY, operation_id="getContract")
def get_contract(contract_id: int):
    """One contract with its versions; another organisation's contract answers 404."""
    session = get_session()
    contract = scoping.contract_of(current_actor(), contract_id, session=session)
    return json_response(contracts_out([contract])[0])


@bp.post("/fee-payments")
@requires(ApiScope.fees_write)
@writes
@bp.input(ApiFeePaymentInput, arg_name="body")
@bp.output(
    FeePaymentOut,
    status_code=201,
    links={"GetFeePayment": {"operationId": "getFeePayment", "parameters": {"payment_id": "$response.body#/id"}}},
)
@bp.doc(summary="Record a fee payment", security=SECURITY, operation_id="recordFeePayment")
def record_payment(body: ApiFeePaymentInput):
    """Record what a worker paid (for your agency's contracts and workers only)."""
    try:
        payment = record_agency_payment(current_actor(), body, session=get_session())
    except Rejected as exc:
        raise from_rejected(exc) from exc
    return json_response(FeePaymentOut.model_validate(payment), 201)


@bp.post("/fee-payments/bulk")
@requires(ApiScope.fees_write)
@writes
@bp.input(BulkInput, arg_name="body")
@bp.output(BulkResult)
@bp.doc(summary="Record up to 1,000 fee payments", security=SECURITY, operation_id="recordFeePaymentsBulk")
def record_payments_bulk(body: BulkInput):
    """Each payment is stored or rejected on its own."""
    actor, session = current_actor(), get_session()
    outcomes = submit_bulk(
        body.items, lambda item: record_agency_payment(actor, item, session=session), session=session
    )
    return bulk_answer(outcomes, lambda payment: {"id": payment.id})


@bp.get("/fee-payments")
@requires(ApiScope.fees_read)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(
    FeePaymentPage,
    links={
        "GetFeePayment": {"operationId": "getFeePayment", "parameters": {"payment_id": "$response.body#/items/0/id"}}
    },
)
@bp.doc(summary="List fee payments", security=SECURITY, operation_id="listFeePayments")
def list_payments(query: PageQuery):
    """Your agency's fee payments (all for a ministry key)."""
    rows, cursor = page(get_session(), scoping.payments_of(current_actor()), FeePayment, query)
    return json_response(FeePaymentPage(items=[FeePaymentOut.model_validate(r) for r in rows], next_cursor=cursor))


@bp.get("/fee-payments/<int:payment_id>")
@requires(ApiScope.fees_read)
@bp.output(FeePaymentOut)
@bp.doc(summary="Get a fee payment", security=SECURITY, operation_id="getFeePayment")
def get_payment(payment_id: int):
    """One fee payment; another organisation's answers 404."""
    session = get_session()
    payment = scoping.payment_of(current_actor(), payment_id, session=session)
    return json_response(FeePaymentOut.model_validate(payment))
