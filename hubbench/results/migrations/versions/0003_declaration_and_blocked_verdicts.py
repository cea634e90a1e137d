"""declaration and blocked verdicts: the vendor's declaration with each run (`runs.declaration`) and the
root of a « bloqué par le palier N » verdict (`scenario_results.blocked_by`, `.blocked_by_tier`,
`checks.blocked_by`); NULL for runs recorded before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


ADDED: tuple[tuple[str, str, sa.types.TypeEngine[Any]], ...] = (
    ("checks", "blocked_by", sa.String(length=512)),
    ("runs", "declaration", sa.JSON()),
    ("scenario_results", "blocked_by", sa.String(length=512)),
    ("scenario_results", "blocked_by_tier", sa.Integer()),
)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column, kind in ADDED:
        if column in {c["name"] for c in inspector.get_columns(table)}:
            continue  # a database completed by the baseline from this bench's own tables
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scenario_results", schema=None) as batch_op:
        batch_op.drop_column("blocked_by_tier")
        batch_op.drop_column("blocked_by")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("declaration")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_column("blocked_by")
