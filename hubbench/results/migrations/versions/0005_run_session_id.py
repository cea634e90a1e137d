"""run session id: the acceptance session a run belongs to (`runs.session_id`, `hubbench session run`);
NULL for a lone `hubbench run` and for runs recorded before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "session_id" in {c["name"] for c in inspector.get_columns("runs")}:
        return  # a database completed by the baseline from this bench's own tables
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_runs_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_session_id"))
        batch_op.drop_column("session_id")
