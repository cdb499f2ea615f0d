"""indexes that read accounts in case-insensitive name order

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lower_name = sa.func.lower(sa.text("name"))
    op.create_index("ix_accounts_by_name", "accounts", [lower_name, "id"])
    op.create_index("ix_accounts_status_by_name", "accounts", ["status", lower_name, "id"])


def downgrade() -> None:
    op.drop_index("ix_accounts_status_by_name", table_name="accounts")
    op.drop_index("ix_accounts_by_name", table_name="accounts")
