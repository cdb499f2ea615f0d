"""interaction authors, token expiry, sign-in attempts by address

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:05:12.443929
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_interactions_author_user_id_users"),
            "users",
            ["author_user_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_ip_at", ["ip", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_ip_at")

    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_interactions_author_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("author_user_id")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
