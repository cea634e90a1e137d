"""Baseline: the schema of hubbench 0.1.0 (every table and column the bench made before Alembic).

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Columns added to existing tables before Alembic (the bench then altered tables ad hoc): a database
# made by an older 0.1.0 bench may lack them.
LEGACY_COLUMNS: tuple[tuple[str, str, sa.types.TypeEngine[Any]], ...] = (
    ("runs", "partner_ids", sa.JSON()),
    ("runs", "pack", sa.JSON()),
    ("trace_messages", "forwarded_body", sa.LargeBinary()),
)


def _create_runs() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("vendor", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("vhost", sa.String(length=255), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("pack_tag", sa.String(length=64), nullable=False),
        sa.Column("bench_version", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("engine_verdict", sa.String(length=32), nullable=True),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("interrupted", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("pid_token", sa.String(length=64), nullable=True),
        sa.Column("partner_ids", sa.JSON(), nullable=True),
        sa.Column("pack", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_vendor"), ["vendor"], unique=False)
        batch_op.create_index("ix_runs_vendor_link_started", ["vendor", "link", "started_at"], unique=False)


def _create_trace_messages() -> None:
    op.create_table(
        "trace_messages",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vhost", sa.String(length=255), nullable=False),
        sa.Column("routing_key", sa.Text(), nullable=True),
        sa.Column("sender_id", sa.String(length=255), nullable=True),
        sa.Column("recipient_id", sa.String(length=255), nullable=True),
        sa.Column("kind", sa.String(length=128), nullable=True),
        sa.Column("distribution_kind", sa.String(length=32), nullable=True),
        sa.Column("distribution_id", sa.String(length=512), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("delivery_mode", sa.Integer(), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("routed_to", sa.String(length=512), nullable=True),
        sa.Column("forwarded_content_type", sa.String(length=255), nullable=True),
        sa.Column("forwarded_body", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trace_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_messages_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_trace_messages_distribution_id"), ["distribution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_trace_messages_recipient_id"), ["recipient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trace_messages_sender_id"), ["sender_id"], unique=False)


def _create_overrides() -> None:
    op.create_table(
        "overrides",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_id", sa.String(length=512), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overrides_run_id"), ["run_id"], unique=False)


def _create_scenario_results() -> None:
    op.create_table(
        "scenario_results",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_id", sa.String(length=512), nullable=False),
        sa.Column("feature", sa.String(length=512), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("engine_verdict", sa.String(length=32), nullable=True),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "scenario_id"),
    )
    with op.batch_alter_table("scenario_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scenario_results_run_id"), ["run_id"], unique=False)
        batch_op.create_index("ix_scenario_results_run_tier", ["run_id", "tier"], unique=False)


def _create_attestations() -> None:
    op.create_table(
        "attestations",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attestation_id", sa.String(length=255), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=255), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scenario_pk"], ["scenario_results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attestation_id"),
    )
    with op.batch_alter_table("attestations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attestations_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attestations_scenario_pk"), ["scenario_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_attestations_status"), ["status"], unique=False)


def _create_checks() -> None:
    op.create_table(
        "checks",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("expected", sa.Text(), nullable=False),
        sa.Column("received", sa.Text(), nullable=False),
        sa.Column("distribution_id", sa.String(length=512), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scenario_pk"], ["scenario_results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checks_distribution_id"), ["distribution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checks_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checks_scenario_pk"), ["scenario_pk"], unique=False)


def _create_exchanged_messages() -> None:
    op.create_table(
        "exchanged_messages",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=512), nullable=False),
        sa.Column("distribution_id", sa.String(length=512), nullable=True),
        sa.Column("kind", sa.String(length=128), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scenario_pk"], ["scenario_results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exchanged_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchanged_messages_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_exchanged_messages_distribution_id"), ["distribution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exchanged_messages_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchanged_messages_scenario_pk"), ["scenario_pk"], unique=False)


def _create_prompts() -> None:
    op.create_table(
        "prompts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("prompt_id", sa.String(length=255), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=128), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scenario_pk"], ["scenario_results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prompt_id"),
    )
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prompts_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_prompts_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prompts_scenario_pk"), ["scenario_pk"], unique=False)


def _create_step_results() -> None:
    op.create_table(
        "step_results",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scenario_pk"], ["scenario_results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("step_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_results_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_results_scenario_pk"), ["scenario_pk"], unique=False)


TABLES = (  # parents before children (foreign keys)
    ("runs", _create_runs),
    ("trace_messages", _create_trace_messages),
    ("overrides", _create_overrides),
    ("scenario_results", _create_scenario_results),
    ("attestations", _create_attestations),
    ("checks", _create_checks),
    ("exchanged_messages", _create_exchanged_messages),
    ("prompts", _create_prompts),
    ("step_results", _create_step_results),
)


def upgrade() -> None:
    """Create the tables a database lacks, and the columns a pre-Alembic database lacks (idempotent: a
    database made before Alembic, tables without `alembic_version`, is brought to this revision too)."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for table, create in TABLES:
        if table not in existing:
            create()
    for table, column, kind in LEGACY_COLUMNS:
        if table in existing and column not in {
            c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)
        }:
            op.add_column(table, sa.Column(column, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("step_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_results_scenario_pk"))
        batch_op.drop_index(batch_op.f("ix_step_results_run_id"))

    op.drop_table("step_results")
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prompts_scenario_pk"))
        batch_op.drop_index(batch_op.f("ix_prompts_run_id"))
        batch_op.drop_index(batch_op.f("ix_prompts_actor"))

    op.drop_table("prompts")
    with op.batch_alter_table("exchanged_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchanged_messages_scenario_pk"))
        batch_op.drop_index(batch_op.f("ix_exchanged_messages_run_id"))
        batch_op.drop_index(batch_op.f("ix_exchanged_messages_distribution_id"))
        batch_op.drop_index(batch_op.f("ix_exchanged_messages_at"))

    op.drop_table("exchanged_messages")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checks_scenario_pk"))
        batch_op.drop_index(batch_op.f("ix_checks_run_id"))
        batch_op.drop_index(batch_op.f("ix_checks_distribution_id"))

    op.drop_table("checks")
    with op.batch_alter_table("attestations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attestations_status"))
        batch_op.drop_index(batch_op.f("ix_attestations_scenario_pk"))
        batch_op.drop_index(batch_op.f("ix_attestations_run_id"))

    op.drop_table("attestations")
    with op.batch_alter_table("scenario_results", schema=None) as batch_op:
        batch_op.drop_index("ix_scenario_results_run_tier")
        batch_op.drop_index(batch_op.f("ix_scenario_results_run_id"))

    op.drop_table("scenario_results")
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overrides_run_id"))

    op.drop_table("overrides")
    with op.batch_alter_table("trace_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_messages_sender_id"))
        batch_op.drop_index(batch_op.f("ix_trace_messages_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_trace_messages_distribution_id"))
        batch_op.drop_index(batch_op.f("ix_trace_messages_at"))

    op.drop_table("trace_messages")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_vendor_link_started")
        batch_op.drop_index(batch_op.f("ix_runs_vendor"))
        batch_op.drop_index(batch_op.f("ix_runs_status"))
        batch_op.drop_index(batch_op.f("ix_runs_started_at"))

    op.drop_table("runs")
