"""reasons without amounts: stored reason sentences and what was written from them lose
the overdue amount, now that no sentence carries money (money is data, shown by role)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:55:00
"""

import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AMOUNT = re.compile(r" \(-?[\d,.]+ outstanding\)")
"""How earlier versions wrote the overdue amount into the payments sentence."""
TEXTS = (("tasks", "title"), ("tasks", "description"), ("playbook_firings", "summary"))


def _without_amounts(reasons: Any) -> Any:
    if isinstance(reasons, str):
        reasons = json.loads(reasons)
    for reason in reasons or []:
        if isinstance(reason, dict) and isinstance(reason.get("sentence"), str):
            reason["sentence"] = AMOUNT.sub("", reason["sentence"])
    return reasons


def upgrade() -> None:
    bind = op.get_bind()
    scores = sa.table("account_scores", sa.column("id", sa.Integer), sa.column("reasons", sa.JSON))
    found = bind.execute(
        sa.select(scores.c.id, scores.c.reasons).where(
            sa.cast(scores.c.reasons, sa.Text).like("%outstanding)%")
        )
    ).all()
    for row_id, reasons in found:
        cleaned = _without_amounts(reasons)
        bind.execute(scores.update().where(scores.c.id == row_id).values(reasons=cleaned))
    for table_name, column_name in TEXTS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column_name, sa.Text))
        column = table.c[column_name]
        rows = bind.execute(
            sa.select(table.c.id, column).where(column.like("%outstanding)%"))
        ).all()
        for row_id, text in rows:
            bind.execute(
                table.update()
                .where(table.c.id == row_id)
                .values({column_name: AMOUNT.sub("", text)})
            )


def downgrade() -> None:
    """Nothing to undo: the amounts are not needed in the text."""
