"""per-account order and ticket indexes that cover the list counts

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 02:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERING = {
    "orders": ("ix_orders_account_ordered", ["account_id", "ordered_at"], ["status", "amount"]),
    "tickets": ("ix_tickets_account_opened", ["account_id", "opened_at"], ["closed_at", "status"]),
}


def upgrade() -> None:
    for table, (name, keys, covered) in COVERING.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [*keys, *covered])


def downgrade() -> None:
    for table, (name, keys, _covered) in COVERING.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, keys)
