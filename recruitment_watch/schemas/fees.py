"""Input for fee payments."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from recruitment_watch.models.vocab import FeeCategory, PayeeType, PaymentMethod, PaymentStage
from recruitment_watch.schemas.common import MAX_AMOUNT_MINOR, MAX_ID, CurrencyCode, StrictInput


class InlineFeePaymentInput(StrictInput):
    """A payment by the contract's worker, given with the contract (its worker, contract and agency are the
    contract's): the preview judges it with the contract, and it is stored with it."""

    sub_agent_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    payee_type: PayeeType
    payee_name: str | None = Field(default=None, max_length=200)
    payee_licensed: bool | None = None
    category: FeeCategory
    amount_minor: int = Field(ge=0, le=MAX_AMOUNT_MINOR)
    currency: CurrencyCode
    paid_on: date
    method: PaymentMethod
    receipt_no: str | None = Field(default=None, max_length=64)
    loan_taken: bool = False
    loan_interest_bp: int | None = Field(default=None, ge=0, le=100_000)
    stage: PaymentStage = PaymentStage.pre_departure

    @model_validator(mode="after")
    def _interest_needs_loan(self) -> InlineFeePaymentInput:
        if self.loan_interest_bp is not None and not self.loan_taken:
            raise ValueError("loan_interest_bp is only allowed when loan_taken is true")
        return self


class FeePaymentInput(InlineFeePaymentInput):
    """One payment by a worker in the recruitment chain."""

    worker_id: int = Field(gt=0, le=MAX_ID)
    contract_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    agency_id: int = Field(gt=0, le=MAX_ID)
