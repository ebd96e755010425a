"""Risk alerts and their mute.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

`risk_alerts` remembers each pushed risk rise (for the 7-day cooldown and for calibration from
the recipient's answer); `customers.risk_muted_until` holds a snooze or a "not a risk".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LEVELS = "'low', 'medium', 'high'"


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("risk_muted_until", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "risk_alerts",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("previous_level", sa.String(length=16), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"level IN ({LEVELS})", name=op.f("ck_risk_alerts_level")),
        sa.CheckConstraint(f"previous_level IN ({LEVELS})", name=op.f("ck_risk_alerts_previous_level")),
        sa.CheckConstraint(
            "answer IN ('visit_scheduled', 'snoozed', 'not_a_risk', 'reassigned')",
            name=op.f("ck_risk_alerts_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_risk_alerts_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_risk_alerts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_risk_alerts_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_risk_alerts_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_alerts")),
    )
    op.create_index(
        "ix_risk_alerts_customer_level_created", "risk_alerts", ["customer_id", "level", "created_at"]
    )
    op.create_index("ix_risk_alerts_team_created", "risk_alerts", ["team_id", "created_at"])


def downgrade() -> None:
    op.drop_table("risk_alerts")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("risk_muted_until")
