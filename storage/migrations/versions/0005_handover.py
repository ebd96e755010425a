"""Handovers and transfer requests.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

`handovers` records each move of customers to new owners (a leaving rep's whole book, a transfer
from the card, an approved request, a risk alert's Reassign) and `handover_customers` who had each
customer before and who has it since: the move itself is a few set-based UPDATEs that follow these
rows. `transfer_requests` keeps a rep's request to take over a teammate's customer until a
manager approves or refuses it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def stamp(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def user_ref(
    table: str, column: str, *, ondelete: str = "SET NULL", nullable: bool = True
) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    """A column referring to a user, with its named foreign key."""
    return (
        sa.Column(column, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
        ),
    )


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        *user_ref("handovers", "from_user_id"),
        *user_ref("handovers", "actor_id"),
        sa.Column("via", sa.String(length=16), nullable=False),
        stamp(),
        sa.CheckConstraint(
            "via IN ('handover', 'card', 'request', 'risk_alert')", name=op.f("ck_handovers_via")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_handovers_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index("ix_handovers_team_created", "handovers", ["team_id", "created_at"])

    op.create_table(
        "handover_customers",
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        *user_ref("handover_customers", "from_user_id"),
        *user_ref("handover_customers", "to_user_id"),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_handover_customers_handover_id_handovers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_handover_customers_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("handover_id", "customer_id", name=op.f("pk_handover_customers")),
    )
    op.create_index("ix_handover_customers_handover_to", "handover_customers", ["handover_id", "to_user_id"])
    op.create_index(op.f("ix_handover_customers_customer_id"), "handover_customers", ["customer_id"])

    op.create_table(
        "transfer_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        *user_ref("transfer_requests", "requester_id", ondelete="CASCADE", nullable=False),
        *user_ref("transfer_requests", "owner_id"),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        stamp(),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        *user_ref("transfer_requests", "decided_by_id"),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused', 'void')", name=op.f("ck_transfer_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_transfer_requests_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_transfer_requests_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_requests")),
    )
    op.create_index(
        "ix_transfer_requests_customer_requester", "transfer_requests", ["customer_id", "requester_id"]
    )


def downgrade() -> None:
    op.drop_table("transfer_requests")
    op.drop_table("handover_customers")
    op.drop_table("handovers")
