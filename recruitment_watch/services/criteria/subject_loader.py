"""Subjects built one at a time through the ORM: the live preview and the naive (row-by-row) evaluation path.

The nested dicts have the shapes of ``recruitment_watch.checks.subjects``. Aggregates (fee totals, agency volumes)
come from the same SQL as the set-based sources, so both paths see identical facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch import money
from recruitment_watch.checks.subjects import FEE_CATEGORIES, ContractTerms
from recruitment_watch.models import Agency, Complaint, Contract, ContractVersion, FeePayment, JobOrder, Worker
from recruitment_watch.models.base import unpack_list
from recruitment_watch.services.criteria.fee_totals import fee_totals, inline_fee_totals
from recruitment_watch.services.criteria.subject_sources import agency_source
from recruitment_watch.services.registry.licence_history import LicencePeriod, history_of, status_on

_LIST_FIELDS = ("deductions", "languages")


def terms_of(version: ContractVersion | Any) -> dict[str, Any]:
    """The terms of a stored version (or of validated input with the same names) as the engine reads them."""
    terms = {}
    for name in ContractTerms.model_fields:
        value = getattr(version, name, None)
        if name in _LIST_FIELDS and isinstance(value, str):
            value = unpack_list(value)
        terms[name] = getattr(value, "value", value)
    return terms


def contract_facts(contract: Contract | Any, job_order: JobOrder | None) -> dict[str, Any]:
    """The version-independent facts of a contract."""
    return {
        "id": contract.id,
        "agency_id": contract.agency_id,
        "employer_id": contract.employer_id,
        "worker_id": contract.worker_id,
        "origin_country": contract.origin_country,
        "destination_country": contract.destination_country,
        "sector": contract.sector,
        "isco_code": contract.isco_code,
        "departure_on": contract.departure_on,
        "deployed": contract.deployed,
        "job_order_approval_no": job_order.approval_no if job_order else None,
        "job_order_approval_on": job_order.approval_valid_from if job_order else None,
        "job_order_approval_valid_to": job_order.approval_valid_to if job_order else None,
    }


def worker_facts(worker: Worker) -> dict[str, Any]:
    """The pseudonymous facts of a worker."""
    return {
        "nationality": worker.nationality,
        "sex": None if worker.sex == "undisclosed" else worker.sex,
        "date_of_birth": worker.date_of_birth,
        "languages": unpack_list(worker.languages),
        "domestic_worker": worker.domestic_worker,
        "passport_held_by": worker.passport_held_by,
        "passport_hold_requested_on": worker.passport_hold_requested_on,
        "passport_category": worker.passport_category,
        "pdo_completed": worker.pdo_completed,
        "skills_certified": worker.skills_certified,
        "insured": worker.insured,
    }


def fee_totals_of(
    session: Session, contract_id: int | None, origin_country: str, inline: list[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Worker-paid fee totals of one stored contract, or of a submission's ``inline`` payments (each with its
    ``amount_usd_minor``); zeros when there are none."""
    row = None
    if inline:
        row = session.execute(select(inline_fee_totals(inline, origin_country))).mappings().first()
    elif contract_id is not None:
        row = session.execute(select(fee_totals(contract_id))).mappings().first()

    def amount(name: str) -> int:
        return int(row[name] or 0) if row else 0

    return {
        "worker_paid_total_usd_minor": amount("total_usd"),
        "worker_paid_by_category_usd_minor": {category: amount(f"usd_{category}") for category in FEE_CATEGORIES},
        "worker_paid_by_category_origin_minor": {category: amount(f"origin_{category}") for category in FEE_CATEGORIES},
        "worker_paid_total_origin_minor": amount("total_origin"),
        "origin_currency": money.currency_of(origin_country),
        "wage_deduction_count": amount("wage_deductions"),
        "illegitimate_count": amount("illegitimate"),
    }


def signing_day(version: Mapping[str, Any], previous: Mapping[str, Any] | None) -> date | None:
    """The day the contract was signed at origin, as the licence criteria judge it (the SQL source's twin)."""
    for terms in (version, previous):
        if terms and terms.get("kind") == "origin_signed" and terms.get("signed_on") is not None:
            return terms["signed_on"]
    return version.get("signed_on")


def agency_licence(
    agency: Agency, history: list[LicencePeriod], *, signed_on: date | None, departure_on: date | None
) -> dict[str, Any]:
    """The licence of a contract's agency: today's state and its status on the contract's signing and departure."""
    return {
        "status": agency.status,
        "licence_valid_from": agency.licence_valid_from,
        "licence_valid_to": agency.licence_valid_to,
        "status_on_signing": status_on(history, signed_on),
        "status_on_departure": status_on(history, departure_on),
    }


def contract_version_subject(session: Session, version: ContractVersion) -> dict[str, Any]:
    """A stored version with its predecessor, contract, worker, agency and fee totals."""
    contract = session.get(Contract, version.contract_id)
    previous = session.scalars(
        select(ContractVersion).where(
            ContractVersion.contract_id == version.contract_id, ContractVersion.seq == version.seq - 1
        )
    ).first()
    job_order = session.get(JobOrder, contract.job_order_id) if contract.job_order_id else None
    terms, previous_terms = terms_of(version), terms_of(previous) if previous else None
    agency = agency_licence(
        session.get(Agency, contract.agency_id),
        history_of(session, contract.agency_id),
        signed_on=signing_day(terms, previous_terms),
        departure_on=contract.departure_on,
    )
    return {
        "version": terms,
        "previous": previous_terms,
        "contract": contract_facts(contract, job_order),
        "worker": worker_facts(session.get(Worker, contract.worker_id)),
        "agency": agency,
        "fees": fee_totals_of(session, contract.id, contract.origin_country),
    }


def payment_facts(payment: FeePayment | Any) -> dict[str, Any]:
    """A payment as the fee criteria read it (a stored row, or input with the same names and its
    ``amount_usd_minor``)."""
    return {
        "id": payment.id,
        "payer": "worker",
        "payee_type": payment.payee_type,
        "payee_licensed": payment.payee_licensed,
        "category": payment.category,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "amount_usd_minor": payment.amount_usd_minor,
        "paid_on": payment.paid_on,
        "method": payment.method,
        "receipt_no": payment.receipt_no,
        "loan_taken": payment.loan_taken,
        "loan_interest_pct": payment.loan_interest_bp / 100 if payment.loan_interest_bp is not None else None,
        "stage": payment.stage,
    }


def fee_payment_subject(session: Session, payment: FeePayment) -> dict[str, Any] | None:
    """A payment with its contract, worker and judged version (None for a payment not linked to a contract)."""
    if payment.contract_id is None:
        return None
    contract = session.get(Contract, payment.contract_id)
    versions = list(
        session.scalars(
            select(ContractVersion).where(ContractVersion.contract_id == contract.id).order_by(ContractVersion.seq)
        )
    )
    signed = [version for version in versions if version.kind == "origin_signed"]
    judged = (signed or versions)[-1]
    job_order = session.get(JobOrder, contract.job_order_id) if contract.job_order_id else None
    return {
        "payment": payment_facts(payment),
        "contract": contract_facts(contract, job_order),
        "worker": worker_facts(session.get(Worker, contract.worker_id)),
        "version": terms_of(judged),
        "agency": {"status_on_payment": status_on(history_of(session, payment.agency_id), payment.paid_on)},
    }


def complaint_subject(complaint: Complaint, now: datetime) -> dict[str, Any]:
    """A complaint and the moment it is judged at."""
    outcome = {True: "substantiated", False: "unsubstantiated"}.get(complaint.substantiated, complaint.outcome)
    return {
        "complaint": {
            "id": complaint.id,
            "filed_by": complaint.filed_by,
            "categories": unpack_list(complaint.categories),
            "fl_indicators": unpack_list(complaint.fl_indicators),
            "severity": complaint.severity,
            "status": complaint.status,
            "received_at": complaint.received_at,
            "acknowledged_at": complaint.acknowledged_at,
            "resolved_at": complaint.resolved_at,
            "language": complaint.language,
            "consent": complaint.consent_recorded,
            "outcome": outcome,
            "amount_recovered_minor": complaint.amount_recovered_minor,
            "escalated": complaint.escalated_at is not None,
        },
        "now": now,
    }


def agency_subject(session: Session, agency_id: int, on: date) -> dict[str, Any]:
    """An agency with its 12-month volumes on ``on``."""
    dialect = session.get_bind().dialect.name
    source = agency_source(on, dialect).subquery()
    row = session.execute(select(source).where(source.c.subject_id == agency_id)).mappings().one()
    return {key: row[key] for key in row if key not in ("subject_id", "agency_id", "judging_date")}
