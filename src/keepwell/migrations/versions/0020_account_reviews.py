"""account reviews: the team's draft and approval of a customer's periodic review

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_reviews_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_reviews")),
        sa.UniqueConstraint(
            "account_id", "period", name=op.f("uq_account_reviews_account_id_period")
        ),
    )
    with op.batch_alter_table("account_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_reviews_account_id"), ["account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("account_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_reviews_account_id"))
    op.drop_table("account_reviews")
