"""campaign_queue: the sessions' campaign queue that `hubbench worker` takes from (several bench hosts
on one PostgreSQL database: `results/campaigns.py`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("campaign_queue"):
        return
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "campaign_queue",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("session", sa.String(length=255), nullable=False),
        sa.Column("vendor", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("tiers", sa.String(length=64), nullable=False),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=255), nullable=True),
        sa.Column("enqueued_at", moment, nullable=False),
        sa.Column("claimed_at", moment, nullable=True),
        sa.Column("heartbeat_at", moment, nullable=True),
        sa.Column("finished_at", moment, nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaign_queue_session", "campaign_queue", ["session"])
    op.create_index("ix_campaign_queue_state", "campaign_queue", ["state"])


def downgrade() -> None:
    op.drop_index("ix_campaign_queue_state", table_name="campaign_queue")
    op.drop_index("ix_campaign_queue_session", table_name="campaign_queue")
    op.drop_table("campaign_queue")
