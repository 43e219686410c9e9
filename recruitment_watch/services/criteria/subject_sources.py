"""The database as the criteria engine sees it: one flat row per subject, one column per subject field.

Each ``*_source`` returns a SELECT whose columns are named like the leaf paths of the subject shapes in
``recruitment_watch.checks.subjects`` with ``.`` written ``__`` (``version__basic_wage_minor``), plus ``subject_id``,
``agency_id`` and ``judging_date``. Code lists stay in their stored ``,a,b,`` form; fee totals by category become
one column per category. The set-based sweep compiles criteria over these columns; the naive path and the live
preview turn the same rows back into nested subjects, so both backends see identical facts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select, union
from sqlalchemy.orm import aliased

from recruitment_watch.checks.subjects import ContractFacts, ContractTerms
from recruitment_watch.models import Agency, Complaint, Contract, ContractVersion, FeePayment, JobOrder, Worker
from recruitment_watch.services.criteria.fee_totals import (
    ContractRange,
    fee_columns,
    fee_totals,
    in_range,
)
from recruitment_watch.services.registry import licence_history

WINDOW_DAYS = 365


def _date_of(column: ColumnElement, dialect_name: str) -> ColumnElement:
    """The UTC calendar date of a stored aware datetime, on either engine."""
    if dialect_name == "sqlite":
        return sa.type_coerce(func.date(column), sa.Date)
    return sa.cast(func.timezone("UTC", column), sa.Date)


def _terms_columns(version: type[ContractVersion], prefix: str) -> list[ColumnElement]:
    return [getattr(version, name).label(f"{prefix}__{name}") for name in ContractTerms.model_fields]


def _contract_columns(contract: type[Contract], job_order: type[JobOrder]) -> list[ColumnElement]:
    own = [name for name in ContractFacts.model_fields if not name.startswith("job_order_")]
    return [getattr(contract, name).label(f"contract__{name}") for name in own] + [
        job_order.approval_no.label("contract__job_order_approval_no"),
        job_order.approval_valid_from.label("contract__job_order_approval_on"),
        job_order.approval_valid_to.label("contract__job_order_approval_valid_to"),
    ]


def _worker_columns(worker: type[Worker]) -> list[ColumnElement]:
    return [
        worker.nationality.label("worker__nationality"),
        case((worker.sex == "undisclosed", None), else_=worker.sex).label("worker__sex"),
        *(
            getattr(worker, name).label(f"worker__{name}")
            for name in ("date_of_birth", "languages", "domestic_worker", "passport_held_by",
                         "passport_hold_requested_on", "passport_category", "pdo_completed", "skills_certified",
                         "insured")
        ),
    ]  # fmt: skip


def changed_contract_ids(since: datetime) -> Select:
    """Contracts whose facts may have changed since ``since``: the contract, a version (bumps the contract), its
    worker, its agency or one of its fee payments."""
    return union(
        select(Contract.id).where(Contract.updated_at > since),
        select(Contract.id).join(Worker, Worker.id == Contract.worker_id).where(Worker.updated_at > since),
        select(Contract.id).join(Agency, Agency.id == Contract.agency_id).where(Agency.updated_at > since),
        select(FeePayment.contract_id).where(FeePayment.updated_at > since, FeePayment.contract_id.is_not(None)),
    )


def changed_payment_ids(since: datetime) -> Select:
    """Payments changed since ``since`` or belonging to a changed contract: a UNION of index lookups (an OR
    over the joined source would judge every payment before filtering)."""
    return union(
        select(FeePayment.id).where(FeePayment.updated_at > since),
        select(FeePayment.id).where(FeePayment.contract_id.in_(changed_contract_ids(since))),
    )


def contract_version_source(
    on: date, dialect_name: str, *, changed_since: datetime | None = None, contract_range: ContractRange | None = None
) -> Select:
    """Every contract version with its predecessor, contract, worker, agency licence and fee totals (only those of
    contracts in ``contract_range``, when given)."""
    version, previous = ContractVersion, aliased(ContractVersion, name="previous")
    changed = changed_contract_ids(changed_since) if changed_since is not None else None
    totals = fee_totals(contracts=changed, contract_range=contract_range)
    signing = func.coalesce(
        case((and_(version.kind == "origin_signed", version.signed_on.is_not(None)), version.signed_on)),
        case((and_(previous.kind == "origin_signed", previous.signed_on.is_not(None)), previous.signed_on)),
        version.signed_on,
    )
    judging = func.coalesce(signing, literal(on, sa.Date))
    periods = licence_history.period_table()
    at_signing, at_departure = periods.alias("licence_at_signing"), periods.alias("licence_at_departure")
    query = (
        select(
            version.id.label("subject_id"),
            Contract.agency_id.label("agency_id"),
            judging.label("judging_date"),
            *_terms_columns(version, "version"),
            previous.id.is_not(None).label("previous__present"),
            *_terms_columns(previous, "previous"),
            *_contract_columns(Contract, JobOrder),
            *_worker_columns(Worker),
            Agency.status.label("agency__status"),
            Agency.licence_valid_from.label("agency__licence_valid_from"),
            Agency.licence_valid_to.label("agency__licence_valid_to"),
            licence_history.status_on_column(at_signing, signing).label("agency__status_on_signing"),
            licence_history.status_on_column(at_departure, Contract.departure_on).label("agency__status_on_departure"),
            *fee_columns(totals, Contract.origin_country),
        )
        .join(Contract, Contract.id == version.contract_id)
        .join(Worker, Worker.id == Contract.worker_id)
        .join(Agency, Agency.id == Contract.agency_id)
        .outerjoin(previous, and_(previous.contract_id == version.contract_id, previous.seq == version.seq - 1))
        .outerjoin(JobOrder, JobOrder.id == Contract.job_order_id)
        .outerjoin(totals, totals.c.contract_id == Contract.id)
        .outerjoin(at_signing, licence_history.period_on(at_signing, Contract.agency_id, signing))
        .outerjoin(at_departure, licence_history.period_on(at_departure, Contract.agency_id, Contract.departure_on))
    )
    if changed is not None:
        query = query.where(version.contract_id.in_(changed))
    return query.where(in_range(version.contract_id, contract_range))


def _judged_seq(contract_id: ColumnElement) -> ColumnElement:
    """The seq of the version a payment is judged against: the latest origin-signed one, else the latest.

    A correlated lookup on the (contract_id, seq) unique index: cheap per payment whatever filter the caller adds
    (a grouped subquery over every version made filtered sweeps re-aggregate the whole table).
    """
    candidate = aliased(ContractVersion, name="candidate")
    preferred = case((candidate.kind == "origin_signed", 1), else_=0)
    return (
        select(candidate.seq)
        .where(candidate.contract_id == contract_id)
        .order_by(preferred.desc(), candidate.seq.desc())
        .limit(1)
        .correlate(Contract)
        .scalar_subquery()
    )


def fee_payment_source(
    on: date, dialect_name: str, *, changed_since: datetime | None = None, contract_range: ContractRange | None = None
) -> Select:
    """Every fee payment linked to a contract, with the contract, worker and judged version terms (only payments
    of contracts in ``contract_range``, when given)."""
    version = ContractVersion
    payment = FeePayment
    at_payment = licence_history.period_table().alias("licence_at_payment")
    query = (
        select(
            payment.id.label("subject_id"),
            payment.agency_id.label("agency_id"),
            payment.paid_on.label("judging_date"),
            payment.id.label("payment__id"),
            literal("worker").label("payment__payer"),
            *(
                getattr(payment, name).label(f"payment__{name}")
                for name in (
                    "payee_type",
                    "payee_licensed",
                    "category",
                    "amount_minor",
                    "currency",
                    "amount_usd_minor",
                    "paid_on",
                    "method",
                    "receipt_no",
                    "loan_taken",
                    "stage",
                )
            ),
            (payment.loan_interest_bp / 100.0).label("payment__loan_interest_pct"),
            *_contract_columns(Contract, JobOrder),
            *_worker_columns(Worker),
            *_terms_columns(version, "version"),
            licence_history.status_on_column(at_payment, payment.paid_on).label("agency__status_on_payment"),
        )  # fmt: skip
        .join(Contract, Contract.id == payment.contract_id)
        .join(Worker, Worker.id == Contract.worker_id)
        .join(version, and_(version.contract_id == Contract.id, version.seq == _judged_seq(Contract.id)))
        .outerjoin(JobOrder, JobOrder.id == Contract.job_order_id)
        .outerjoin(at_payment, licence_history.period_on(at_payment, payment.agency_id, payment.paid_on))
    )
    if changed_since is not None:
        query = query.where(payment.id.in_(changed_payment_ids(changed_since)))
    return query.where(in_range(payment.contract_id, contract_range))


def complaint_source(on: date, dialect_name: str, *, changed_since: datetime | None = None) -> Select:
    """Every complaint (SLA clocks run without anyone touching a case, so incremental runs judge them all)."""
    outcome = case(
        (Complaint.substantiated.is_(True), literal("substantiated")),
        (Complaint.substantiated.is_(False), literal("unsubstantiated")),
        else_=Complaint.outcome,
    )
    return select(
        Complaint.id.label("subject_id"),
        Complaint.respondent_agency_id.label("agency_id"),
        _date_of(Complaint.received_at, dialect_name).label("judging_date"),
        Complaint.id.label("complaint__id"),
        *(getattr(Complaint, name).label(f"complaint__{name}") for name in (
            "filed_by", "categories", "fl_indicators", "severity", "status", "received_at", "acknowledged_at",
            "resolved_at", "language", "amount_recovered_minor")),
        Complaint.consent_recorded.label("complaint__consent"),
        outcome.label("complaint__outcome"),
        Complaint.escalated_at.is_not(None).label("complaint__escalated"),
    )  # fmt: skip


def agency_source(on: date, dialect_name: str, *, changed_since: datetime | None = None) -> Select:
    """Every agency with its 12-month volumes (aggregates move with time, so every run judges them all).

    Each volume is one grouped scan joined to the agency, not a subquery per agency.
    """
    since = on - timedelta(days=WINDOW_DAYS)
    deployments = (
        select(Contract.agency_id, func.count().label("n"))
        .where(Contract.deployed.is_(True), Contract.departure_on > since, Contract.departure_on <= on)
        .group_by(Contract.agency_id)
        .subquery("deployments")
    )
    outside_count = _contracts_signed_unlicensed()
    substantiated = (
        select(Complaint.respondent_agency_id.label("agency_id"), func.count().label("n"))
        .where(Complaint.substantiated.is_(True), _date_of(Complaint.received_at, dialect_name) > since)
        .group_by(Complaint.respondent_agency_id)
        .subquery("substantiated")
    )
    return (
        select(
            Agency.id.label("subject_id"),
            Agency.id.label("agency_id"),
            literal(on, sa.Date).label("judging_date"),
            *(
                getattr(Agency, name).label(name)
                for name in (
                    "id",
                    "name",
                    "country",
                    "licence_no",
                    "licence_authority",
                    "licence_valid_from",
                    "licence_valid_to",
                    "status",
                    "uses_sub_agents",
                    "iris_certified",
                )
            ),
            func.coalesce(deployments.c.n, 0).label("deployments_12m"),
            outside_count.label("contracts_outside_licence"),
            func.coalesce(substantiated.c.n, 0).label("substantiated_complaints_12m"),
        )  # fmt: skip
        .outerjoin(deployments, deployments.c.agency_id == Agency.id)
        .outerjoin(substantiated, substantiated.c.agency_id == Agency.id)
    )


def _contracts_signed_unlicensed() -> ColumnElement:
    """Per agency (correlated), how many contracts have an origin-signed version signed while its licence did not
    allow recruiting — the agency-level twin of the contract criterion, from the same licence history.

    One range scan of ix_contract_version_agency_signed per unlicensed span (before the first licence, each
    non-granting period, the end of each granting period after its validity), not a pass over every version.
    """
    spans = licence_history.unlicensed_spans().alias("unlicensed_span")
    signed_on = ContractVersion.signed_on
    return (
        select(func.count(sa.distinct(ContractVersion.contract_id)))
        .select_from(spans)
        .join(
            ContractVersion,
            and_(
                ContractVersion.agency_id == spans.c.agency_id,
                ContractVersion.kind == "origin_signed",
                signed_on.is_not(None),
                sa.or_(spans.c.from_on.is_(None), signed_on >= spans.c.from_on),
                sa.or_(spans.c.after_on.is_(None), signed_on > spans.c.after_on),
                sa.or_(spans.c.before_on.is_(None), signed_on < spans.c.before_on),
            ),
        )
        .where(spans.c.agency_id == Agency.id)
        .correlate(Agency)
        .scalar_subquery()
    )


# Subject types whose sources take ``contract_range`` (a sweep over them can be split into contract id ranges).
PARTITIONED = frozenset({"contract_version", "fee_payment"})

SOURCES = {
    "contract_version": contract_version_source,
    "fee_payment": fee_payment_source,
    "complaint": complaint_source,
    "agency": agency_source,
}
