"""audit trail (actor columns, append-only on PostgreSQL)

The audit event names the API key and the organisation that acted, and its actor ids become plain numbers (no
foreign key: the trail outlives the users it names, and an append-only row can never be set to null). An index
finds one record's history. On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of audit events unless
the transaction set ``rw.audit_maintenance = 'on'`` (the test suite's wipe); ``audit verify`` detects any change
made through that door or by a superuser who disables the trigger.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ids are 64-bit on PostgreSQL (0009; models/wide_integers.py)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
USER_FK = "fk_audit_event_actor_user_id_app_user"

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION rw_audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('rw.audit_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
TRIGGERS = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION rw_audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION rw_audit_event_append_only()",
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(USER_FK, type_="foreignkey")
        batch_op.add_column(sa.Column("actor_key_id", ID, nullable=True))
        batch_op.add_column(sa.Column("organisation_id", ID, nullable=True))
        batch_op.create_index("ix_audit_event_object", ["object_type", "object_id"], unique=False)
    if postgresql:
        op.execute(APPEND_ONLY_FUNCTION)
        for trigger in TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS rw_audit_event_append_only()")
    # The foreign key comes back: events naming a user deleted since then lose the user's id (the label stays).
    op.execute(
        "UPDATE audit_event SET actor_user_id = NULL WHERE actor_user_id IS NOT NULL "
        "AND actor_user_id NOT IN (SELECT id FROM app_user)"
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_object")
        batch_op.drop_column("organisation_id")
        batch_op.drop_column("actor_key_id")
        batch_op.create_foreign_key(USER_FK, "app_user", ["actor_user_id"], ["id"])
