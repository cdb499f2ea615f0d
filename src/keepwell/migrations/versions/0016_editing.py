"""editing: import overrides, lost-reason codes, task outcomes, contacts met

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lost_reason_code", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("overrides", JSON, nullable=True))
        batch_op.create_index(
            batch_op.f("ix_accounts_lost_reason_code"), ["lost_reason_code"], unique=False
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overrides", JSON, nullable=True))

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("outcome_note", sa.Text(), nullable=True))

    op.create_table(
        "interaction_contacts",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_interaction_contacts_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interaction_contacts_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "contact_id", name=op.f("pk_interaction_contacts")
        ),
    )
    with op.batch_alter_table("interaction_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interaction_contacts_contact_id"), ["contact_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("interaction_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_contacts_contact_id"))
    op.drop_table("interaction_contacts")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("outcome_note")
        batch_op.drop_column("outcome")

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("overrides")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_lost_reason_code"))
        batch_op.drop_column("overrides")
        batch_op.drop_column("lost_reason_code")
