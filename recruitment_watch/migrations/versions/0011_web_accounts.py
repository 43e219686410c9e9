"""web accounts: lockout, confirmed TOTP without replay, recovery codes, invitations, security events, revocable
sessions with where they come from, who issued an API key, and the admins' per-pack switch

Existing users keep their password and TOTP secret; a stored secret counts as confirmed (it was set by the CLI).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
# ids are 64-bit on PostgreSQL (0009; models/wide_integers.py)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): most tables refer to app_user, so SQLite could not rebuild it.
    op.add_column("app_user", sa.Column("totp_confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("app_user", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column("app_user", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("app_user", sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("app_user", sa.Column("locale", TEXT(length=8), nullable=True))
    op.execute("UPDATE app_user SET totp_confirmed_at = created_at WHERE totp_secret IS NOT NULL")

    op.add_column("user_session", sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("user_session", sa.Column("revoked_reason", TEXT(length=40), nullable=True))
    op.add_column("user_session", sa.Column("ip", TEXT(length=45), nullable=True))
    op.add_column("user_session", sa.Column("user_agent", TEXT(length=200), nullable=True))
    op.execute("UPDATE user_session SET last_seen_at = created_at")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_by_user_id", ID, nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_api_key_issued_by_user_id_app_user"), "app_user", ["issued_by_user_id"], ["id"]
        )

    op.create_table(
        "recovery_code",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("code_hash", TEXT(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_recovery_code_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("id", ID, nullable=False),
        sa.Column("token_hash", TEXT(length=64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_by_user_id", ID, nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["app_user.id"], name=op.f("fk_invitation_created_by_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_invitation_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    op.create_index(op.f("ix_invitation_user_id"), "invitation", ["user_id"], unique=False)

    op.create_table(
        "security_event",
        sa.Column("id", ID, nullable=False),
        sa.Column("occurred_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", TEXT(length=40), nullable=False),
        sa.Column("outcome", TEXT(length=16), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("actor_user_id", ID, nullable=True),
        sa.Column("email", TEXT(length=254), nullable=True),
        sa.Column("ip", TEXT(length=45), nullable=True),
        sa.Column("detail", TEXT(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["app_user.id"], name=op.f("fk_security_event_actor_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_security_event_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    op.create_index(op.f("ix_security_event_kind"), "security_event", ["kind"], unique=False)
    op.create_index(op.f("ix_security_event_occurred_at"), "security_event", ["occurred_at"], unique=False)
    op.create_index(op.f("ix_security_event_user_id"), "security_event", ["user_id"], unique=False)

    op.create_table(
        "pack_setting",
        sa.Column("pack_id", TEXT(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("reason", TEXT(length=300), nullable=False),
        sa.Column("changed_by_user_id", ID, nullable=True),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"], ["app_user.id"], name=op.f("fk_pack_setting_changed_by_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("pack_id", name=op.f("pk_pack_setting")),
    )


def downgrade() -> None:
    op.drop_table("pack_setting")
    op.drop_index(op.f("ix_security_event_user_id"), table_name="security_event")
    op.drop_index(op.f("ix_security_event_occurred_at"), table_name="security_event")
    op.drop_index(op.f("ix_security_event_kind"), table_name="security_event")
    op.drop_table("security_event")
    op.drop_index(op.f("ix_invitation_user_id"), table_name="invitation")
    op.drop_table("invitation")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_api_key_issued_by_user_id_app_user"), type_="foreignkey")
        batch_op.drop_column("issued_by_user_id")
    for column in ("user_agent", "ip", "revoked_reason", "last_seen_at"):
        op.drop_column("user_session", column)
    for column in ("locale", "locked_until", "failed_logins", "totp_last_step", "totp_confirmed_at"):
        op.drop_column("app_user", column)
