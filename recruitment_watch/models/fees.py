"""The fee ledger: every payment a worker makes (or that is deducted from wages) in the recruitment chain."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from recruitment_watch.models.base import Timestamped, currency_code, non_negative, one_of
from recruitment_watch.models.vocab import FeeCategory, PayeeType, PaymentMethod, PaymentStage


class FeePayment(Timestamped, table=True):
    """One payment by a worker, classified in the ILO cost categories."""

    __tablename__ = "fee_payment"
    __table_args__ = (
        one_of("payee_type", PayeeType),
        one_of("category", FeeCategory),
        one_of("method", PaymentMethod),
        one_of("stage", PaymentStage),
        currency_code("currency"),
        *non_negative("amount_minor", "amount_usd_minor", "loan_interest_bp"),
        sa.CheckConstraint("loan_taken OR loan_interest_bp IS NULL", name="interest_needs_loan"),
        sa.Index("ix_fee_payment_agency_paid_on", "agency_id", "paid_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    # The agency whose records this payment belongs to (scopes what an agency user sees).
    agency_id: int = Field(foreign_key="agency.id")
    sub_agent_id: int | None = Field(default=None, foreign_key="sub_agent.id")
    payee_type: str = Field(max_length=24)
    payee_name: str | None = Field(default=None, max_length=200)
    payee_licensed: bool | None = None
    category: str = Field(max_length=32, index=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    # Amount in US cents at the payment date (FX rate recorded at write time).
    amount_usd_minor: int
    paid_on: date
    method: str = Field(max_length=16)
    receipt_no: str | None = Field(default=None, max_length=64)
    loan_taken: bool = False
    # Loan interest in basis points per year (1250 = 12.5 %).
    loan_interest_bp: int | None = None
    stage: str = Field(default=PaymentStage.pre_departure.value, max_length=16)
