"""telemetry pruned days and their hashed natural keys

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telemetry_pruned_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("pruned_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_telemetry_pruned_days")),
    )
    op.create_table(
        "telemetry_pruned_keys",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_telemetry_pruned_keys_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("asset_id", "day", name=op.f("pk_telemetry_pruned_keys")),
    )


def downgrade() -> None:
    op.drop_table("telemetry_pruned_keys")
    op.drop_table("telemetry_pruned_days")
