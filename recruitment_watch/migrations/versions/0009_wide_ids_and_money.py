"""64-bit ids and money

On PostgreSQL every id, reference to an id and amount in minor units becomes BIGINT (SQLite's INTEGER is 64-bit
already, so nothing changes there). Amounts above 2^31 minor units — 21 million in whole units, 5 M Indonesian rupiah
is about 300 USD at 100 minor units — and more than 2^31 rows are now stored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → its id, id-reference and minor-unit columns (recruitment_watch.models.wide_integers, as of this revision)
WIDE = {
    "check_run": ("id",),
    "employer": ("id",),
    "job_run": ("id",),
    "organisation": ("id",),
    "worker": ("id",),
    "agency": ("id", "organisation_id"),
    "api_key": ("id", "organisation_id"),
    "app_user": ("id", "organisation_id", "supervisor_user_id"),
    "idempotency_record": ("id", "organisation_id"),
    "worker_identity": ("worker_id",),
    "agency_branch": ("id", "agency_id"),
    "audit_event": ("id", "actor_user_id"),
    "finding": ("id", "subject_id", "agency_id", "last_check_run_id", "verified_by_user_id", "disclosed_by_user_id"),
    "job_order": ("id", "employer_id", "agency_id", "wage_minor"),
    "licence_event": ("id", "agency_id", "recorded_by_user_id", "recorded_by_key_id"),
    "notification": ("id", "user_id", "subject_id"),
    "report": ("id", "agency_id", "generated_by_user_id"),
    "sub_agent": ("id", "agency_id"),
    "user_session": ("id", "user_id"),
    "contract": ("id", "agency_id", "employer_id", "worker_id", "job_order_id"),
    "decision": ("id", "agency_id", "finding_id", "decided_by_user_id"),
    "complaint": (
        "id",
        "filing_organisation_id",
        "respondent_agency_id",
        "respondent_employer_id",
        "contract_id",
        "worker_id",
        "assignee_user_id",
        "amount_recovered_minor",
    ),
    "contract_version": (
        "id",
        "contract_id",
        "agency_id",
        "basic_wage_minor",
        "basic_wage_usd_minor",
        "food_allowance_minor",
        "housing_allowance_minor",
        "transport_allowance_minor",
        "employer_id",
    ),
    "fee_payment": ("id", "worker_id", "contract_id", "agency_id", "sub_agent_id", "amount_minor", "amount_usd_minor"),
    "complaint_attachment": ("id", "complaint_id", "uploaded_by_user_id"),
    "complaint_event": ("id", "complaint_id", "author_user_id"),
}


def _retype(new_type: sa.types.TypeEngine, old_type: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in WIDE.items():
        for column in columns:
            op.alter_column(table, column, type_=new_type, existing_type=old_type)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
