"""Drop the tables of PTB's bot_data and callback data.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

The persistence no longer stores them: bot_data holds only what one process keeps while it
runs, and the bot does not use arbitrary callback data, so nothing reads or writes either
table. The downgrade makes them again, empty, as 0001 made them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("persistence_bot_data", "persistence_callback_data")


def upgrade() -> None:
    for table in TABLES:
        op.drop_table(table)


def downgrade() -> None:
    for table in TABLES:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("data", sa.JSON(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.CheckConstraint("id = 1", name=op.f(f"ck_{table}_single_row")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
