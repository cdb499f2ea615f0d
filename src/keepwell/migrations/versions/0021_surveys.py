"""surveys: invitations with hashed answer links, opt-outs (unsubscribes, bounces), link hits

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_link_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_link_hits")),
    )
    with op.batch_alter_table("survey_link_hits", schema=None) as batch_op:
        batch_op.create_index("ix_survey_link_hits_ip_at", ["ip", "at"], unique=False)
        batch_op.create_index("ix_survey_link_hits_link_at", ["invitation_id", "at"], unique=False)
    op.create_table(
        "survey_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_survey_opt_outs_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_opt_outs")),
        sa.UniqueConstraint("email", name=op.f("uq_survey_opt_outs_email")),
    )
    op.create_table(
        "survey_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("trigger_kind", sa.String(length=32), nullable=False),
        sa.Column("trigger_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("form_token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("sent_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_survey_invitations_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_survey_invitations_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_invitations_response_id_survey_responses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_invitations_token_hash")),
    )
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_invitations_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "ix_survey_invitations_contact_sent", ["contact_id", "sent_at"], unique=False
        )
        batch_op.create_index(
            "ix_survey_invitations_trigger", ["trigger_kind", "trigger_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_invitations_trigger")
        batch_op.drop_index("ix_survey_invitations_contact_sent")
        batch_op.drop_index(batch_op.f("ix_survey_invitations_account_id"))
    op.drop_table("survey_invitations")
    op.drop_table("survey_opt_outs")
    with op.batch_alter_table("survey_link_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_link_hits_link_at")
        batch_op.drop_index("ix_survey_link_hits_ip_at")
    op.drop_table("survey_link_hits")
