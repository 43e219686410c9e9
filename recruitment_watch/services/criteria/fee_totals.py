"""Worker-paid fee totals per contract, computed in SQL: from the stored ledger (sweeps, the stored-contract
preview) or from a submission's inline payments (the live preview) with the same arithmetic, so both agree.

The totals are in US dollars and in the origin country's currency (a payment made in another currency is converted
from its USD equivalent at the reference rate), overall and per ILO fee category, with counts of wage deductions and
illegitimate fees.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, case, func, literal, select, union_all

from recruitment_watch import money
from recruitment_watch.checks.subjects import FEE_CATEGORIES
from recruitment_watch.models import Contract, FeePayment

# Fees a worker paid that count towards the recruitment-cost totals (official government fees do not).
NOT_RECRUITMENT_COST = ("government_fee_official",)

ContractRange = tuple[int, int]  # first and last contract id, both included


def in_range(contract_id: ColumnElement, contract_range: ContractRange | None) -> ColumnElement:
    """Whether ``contract_id`` lies in ``contract_range`` (always, without one)."""
    return contract_id.between(*contract_range) if contract_range is not None else sa.true()


def origin_currency(country: ColumnElement) -> ColumnElement:
    return case(*((country == code, literal(currency)) for code, currency in money.COUNTRY_CURRENCY.items()),
                else_=literal("USD"))  # fmt: skip


def _origin_amount(
    origin: ColumnElement,
    currency: ColumnElement = FeePayment.currency,
    amount_minor: ColumnElement = FeePayment.amount_minor,
    amount_usd_minor: ColumnElement = FeePayment.amount_usd_minor,
) -> ColumnElement:
    """A payment in the origin country's currency: as paid when it was paid in it, else from its USD equivalent
    at the reference rate (minor units of the origin currency per US cent)."""
    minor_per_cent = case(
        *(
            (
                origin == code,
                literal(float(money.rate_on(currency, date.today())) * 10 ** money.exponent(currency) / 100),
            )
            for code, currency in money.COUNTRY_CURRENCY.items()
        ),
        else_=literal(1.0),
    )
    converted = sa.cast(amount_usd_minor * minor_per_cent, sa.BigInteger)
    return case((currency == origin_currency(origin), amount_minor), else_=converted)


def fee_totals(
    contract_id: int | None = None, contracts: Select | None = None, contract_range: ContractRange | None = None
) -> sa.Subquery:
    """Worker-paid totals per contract: USD and origin-currency sums overall and per ILO category, counts.

    With ``contract_id`` only that contract's payments are read (the one-subject path); with ``contracts`` (a
    SELECT of ids) only theirs (incremental sweeps must not aggregate the whole ledger); with ``contract_range``
    only those of contracts in that id range (one partition of a parallel sweep).
    """
    rows = (
        select(
            FeePayment.contract_id,
            FeePayment.category,
            FeePayment.method,
            FeePayment.amount_usd_minor.label("usd"),
            _origin_amount(Contract.origin_country).label("origin"),
        )
        .join(Contract, Contract.id == FeePayment.contract_id)
        .where(FeePayment.contract_id == contract_id if contract_id is not None else sa.true())
        .where(FeePayment.contract_id.in_(contracts) if contracts is not None else sa.true())
        .where(in_range(FeePayment.contract_id, contract_range))
        .subquery("fee_rows")
    )
    return _totals_over(rows)


def inline_fee_totals(payments: list[Mapping[str, Any]], origin_country: str) -> sa.Subquery:
    """``fee_totals`` of payments not stored yet (a submission's inline payments, each with its
    ``amount_usd_minor``), as contract 0: the database does the same arithmetic as for stored ones."""
    origin = literal(origin_country)
    rows = union_all(
        *(
            select(
                literal(0).label("contract_id"),
                literal(payment["category"]).label("category"),
                literal(payment["method"]).label("method"),
                literal(payment["amount_usd_minor"], sa.BigInteger).label("usd"),
                _origin_amount(
                    origin,
                    literal(payment["currency"]),
                    literal(payment["amount_minor"], sa.BigInteger),
                    literal(payment["amount_usd_minor"], sa.BigInteger),
                ).label("origin"),
            )
            for payment in payments
        )
    ).subquery("fee_rows")
    return _totals_over(rows)


def _totals_over(rows: sa.Subquery) -> sa.Subquery:
    """Per contract of ``rows`` (contract_id, category, method, usd, origin): the totals the criteria read."""
    counted = rows.c.category.not_in(NOT_RECRUITMENT_COST)
    columns = [
        rows.c.contract_id.label("contract_id"),
        func.sum(case((counted, rows.c.usd), else_=0)).label("total_usd"),
        func.sum(case((counted, rows.c.origin), else_=0)).label("total_origin"),
        func.sum(case((rows.c.method == "wage_deduction", 1), else_=0)).label("wage_deductions"),
        func.sum(case((rows.c.category == "illegitimate", 1), else_=0)).label("illegitimate"),
    ]
    for category in FEE_CATEGORIES:
        columns.append(func.sum(case((rows.c.category == category, rows.c.usd), else_=0)).label(f"usd_{category}"))
        columns.append(
            func.sum(case((rows.c.category == category, rows.c.origin), else_=0)).label(f"origin_{category}")
        )
    return select(*columns).group_by(rows.c.contract_id).subquery("fee_totals")


def fee_columns(totals: sa.Subquery, origin: ColumnElement) -> list[ColumnElement]:
    def total(name: str) -> ColumnElement:
        return func.coalesce(totals.c[name], 0)

    columns = [
        total("total_usd").label("fees__worker_paid_total_usd_minor"),
        total("total_origin").label("fees__worker_paid_total_origin_minor"),
        origin_currency(origin).label("fees__origin_currency"),
        total("wage_deductions").label("fees__wage_deduction_count"),
        total("illegitimate").label("fees__illegitimate_count"),
    ]
    for category in FEE_CATEGORIES:
        columns.append(total(f"usd_{category}").label(f"fees__worker_paid_by_category_usd_minor__{category}"))
        columns.append(total(f"origin_{category}").label(f"fees__worker_paid_by_category_origin_minor__{category}"))
    return columns
