"""Client references on tickets, ticket messages and written feedback.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

As for visits and orders, `client_ref` names the Telegram message that caused the row
("<chat id>:<message id>"), so an update processed a second time after a crash finds the
row it made the first time instead of making another.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("tickets", "ticket_events", "feedback")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("client_ref", sa.String(length=64), nullable=True))
            batch.create_unique_constraint(f"uq_{table}_client_ref", ["client_ref"])


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_client_ref", type_="unique")
            batch.drop_column("client_ref")
