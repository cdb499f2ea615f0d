"""indexes that read a scoring run's accounts in score order

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 01:55:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_account_scores_run_risk": "churn_probability",
    "ix_account_scores_run_health": "health_score",
    "ix_account_scores_run_at_risk": "revenue_at_risk",
}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(name, "account_scores", ["run_id", column, "account_id"])


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="account_scores")
