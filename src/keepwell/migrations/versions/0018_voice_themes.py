"""voice themes stored and kept current: runs, themes, every comment's theme

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "voice_theme_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("representation", sa.String(length=64), nullable=False),
        sa.Column("centring", JSON, nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_theme_runs")),
    )
    op.create_table(
        "voice_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("examples", JSON, nullable=False),
        sa.Column("centroid", JSON, nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["voice_theme_runs.id"],
            name=op.f("fk_voice_themes_run_id_voice_theme_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_themes")),
    )
    with op.batch_alter_table("voice_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_themes_run_id"), ["run_id"], unique=False)

    op.create_table(
        "voice_theme_comments",
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("compound", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_voice_theme_comments_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["voice_themes.id"],
            name=op.f("fk_voice_theme_comments_theme_id_voice_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source", "comment_id", name=op.f("pk_voice_theme_comments")),
    )
    with op.batch_alter_table("voice_theme_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voice_theme_comments_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index("ix_voice_theme_comments_theme_at", ["theme_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("voice_theme_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_voice_theme_comments_theme_at")
        batch_op.drop_index(batch_op.f("ix_voice_theme_comments_account_id"))
    op.drop_table("voice_theme_comments")
    with op.batch_alter_table("voice_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_themes_run_id"))
    op.drop_table("voice_themes")
    op.drop_table("voice_theme_runs")
