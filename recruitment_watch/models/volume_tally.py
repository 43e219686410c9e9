"""Running counts of contracts and fee payments, kept by the database itself on every write, so the inspectors'
workspace, the risk score and the agency 360° page read a few hundred rows instead of a million.

The counts are kept by triggers (migration 0022) on ``contract`` and ``fee_payment``: every insert, update of a
counted column and delete moves the count in the same transaction as the row, whoever writes it (intake, the CSV
import, the demo loader's bulk path, a repair in SQL). No service writes these tables; the workspace, the risk score
and the agency file read them. Keyed by agency, so that writers of different agencies never wait for the same row.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ContractTally(SQLModel, table=True):
    """Contracts of one agency per corridor (origin → destination), sector and whether the worker was deployed."""

    __tablename__ = "contract_tally"
    # Summed by corridor and sector in this order (the workspace), without a sort; the count is left out so the
    # triggers' additions do not touch the index (migration 0024).
    __table_args__ = (sa.Index("ix_contract_tally_corridor", "origin_country", "destination_country", "sector"),)

    agency_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    origin_country: str = Field(primary_key=True, max_length=2)
    destination_country: str = Field(primary_key=True, max_length=2)
    sector: str = Field(primary_key=True, max_length=64)
    deployed: bool = Field(primary_key=True)
    contracts: int


class ContractDayTally(SQLModel, table=True):
    """Contracts of one agency recorded on one day (``created_at``'s UTC date): the risk score's denominator."""

    __tablename__ = "contract_day_tally"

    agency_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    created_on: date = Field(primary_key=True)
    contracts: int


class FeeTally(SQLModel, table=True):
    """Fee payments of one agency's workers per ILO cost category, payee type and payment method, with their sum in
    US cents at each payment's date."""

    __tablename__ = "fee_tally"

    agency_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    category: str = Field(primary_key=True, max_length=32)
    payee_type: str = Field(primary_key=True, max_length=24)
    method: str = Field(primary_key=True, max_length=16)
    payments: int
    usd_minor: int  # 64-bit on PostgreSQL, as every *_minor column (models.wide_integers)
