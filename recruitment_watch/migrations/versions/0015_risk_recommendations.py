"""risk recommendations: the queue of band crossings an inspector accepts or rejects, their notification kind, the
finding tally by criterion and month first seen (what the rate-based risk score counts), and an index on the
contracts' recording time (the score's denominator: contracts recorded in its window, per agency)

The tally is refilled from the findings (one pass over them: about a minute at a million contracts on SQLite).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
KINDS_BEFORE = "'sla_due_soon', 'sla_overdue', 'sla_escalated', 'licence_expiring', 'licence_expired'"
KINDS_AFTER = KINDS_BEFORE + ", 'risk_recommendation'"
HIDDEN = "CASE WHEN subject_type = 'complaint' AND disclosed_at IS NULL THEN TRUE ELSE FALSE END"


def _set_notification_kinds(kinds: str) -> None:
    """Replace the CHECK on ``notification.kind`` (SQLite rebuilds the table: nothing refers to notifications)."""
    name = op.f("ck_notification_kind_allowed")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(name, "notification", type_="check")
        op.create_check_constraint(name, "notification", f"kind IN ({kinds})")
        return
    with op.batch_alter_table("notification", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(name, type_="check")
        batch_op.create_check_constraint(name, f"kind IN ({kinds})")


def _refill_tally(by_criterion: bool) -> None:
    op.execute("DELETE FROM finding_tally")
    if not by_criterion:
        op.execute(f"INSERT INTO finding_tally (agency_id, severity, status, hidden, findings) "
                   f"SELECT agency_id, severity, status, {HIDDEN}, count(*) FROM finding "
                   f"GROUP BY agency_id, severity, status, {HIDDEN}")  # fmt: skip
        return
    if op.get_bind().dialect.name == "sqlite":
        month = "strftime('%Y-%m-01', first_seen_at)"
    else:
        month = "CAST(date_trunc('month', timezone('UTC', first_seen_at)) AS DATE)"
    op.execute(f"INSERT INTO finding_tally (agency_id, criterion_id, severity, status, hidden, seen_month, findings) "
               f"SELECT agency_id, criterion_id, severity, status, {HIDDEN}, {month}, count(*) FROM finding "
               f"GROUP BY agency_id, criterion_id, severity, status, {HIDDEN}, {month}")  # fmt: skip


def upgrade() -> None:
    op.add_column("finding_tally", sa.Column("criterion_id", TEXT(length=40), nullable=True))
    op.add_column("finding_tally", sa.Column("seen_month", sa.Date(), nullable=True))
    _refill_tally(by_criterion=True)
    _set_notification_kinds(KINDS_AFTER)
    op.create_table(
        "risk_recommendation",
        sa.Column("id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("kind", TEXT(length=32), nullable=False),
        sa.Column("band", TEXT(length=24), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("score_low", sa.Float(), nullable=False),
        sa.Column("score_high", sa.Float(), nullable=False),
        sa.Column("explanation", JSON, nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("pending_key", TEXT(length=60), nullable=True),
        sa.Column("raised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decided_by_user_id", ID, nullable=True),
        sa.Column("decision_reason", TEXT(length=1000), nullable=True),
        sa.Column("decision_id", ID, nullable=True),
        sa.Column("licence_event_id", ID, nullable=True),
        sa.CheckConstraint("kind IN ('watchlist', 'suspension_recommendation')",
                           name=op.f("ck_risk_recommendation_kind_allowed")),  # fmt: skip
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')",
                           name=op.f("ck_risk_recommendation_status_allowed")),  # fmt: skip
        sa.CheckConstraint("(status = 'pending') = (pending_key IS NOT NULL)",
                           name=op.f("ck_risk_recommendation_pending_key_iff_pending")),  # fmt: skip
        sa.CheckConstraint("status = 'pending' OR decision_reason IS NOT NULL",
                           name=op.f("ck_risk_recommendation_decision_has_reason")),  # fmt: skip
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_risk_recommendation_agency_id_agency")),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["app_user.id"],
                                name=op.f("fk_risk_recommendation_decided_by_user_id_app_user")),  # fmt: skip
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"],
                                name=op.f("fk_risk_recommendation_decision_id_decision")),  # fmt: skip
        sa.ForeignKeyConstraint(["licence_event_id"], ["licence_event.id"],
                                name=op.f("fk_risk_recommendation_licence_event_id_licence_event")),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_recommendation")),
        sa.UniqueConstraint("pending_key", name=op.f("uq_risk_recommendation_pending_key")),
    )
    op.create_index(op.f("ix_risk_recommendation_agency_id"), "risk_recommendation", ["agency_id"], unique=False)
    op.create_index("ix_risk_recommendation_status", "risk_recommendation", ["status", "raised_at"], unique=False)
    op.create_index("ix_contract_created_agency", "contract", ["created_at", "agency_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contract_created_agency", table_name="contract")
    op.drop_index("ix_risk_recommendation_status", table_name="risk_recommendation")
    op.drop_index(op.f("ix_risk_recommendation_agency_id"), table_name="risk_recommendation")
    op.drop_table("risk_recommendation")
    op.execute("DELETE FROM notification WHERE kind = 'risk_recommendation'")
    _set_notification_kinds(KINDS_BEFORE)
    _refill_tally(by_criterion=False)
    op.drop_column("finding_tally", "seen_month")
    op.drop_column("finding_tally", "criterion_id")
