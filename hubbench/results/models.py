"""Declarative models of the results database (trace of the hub, runs and everything a run records).

Every datetime is stored and returned as an aware UTC datetime (`UtcDateTime`), on SQLite as on
PostgreSQL. Child rows of a run are deleted with it (`ON DELETE CASCADE`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# BIGINT primary keys do not autoincrement on SQLite; INTEGER does (it is the rowid).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime refused (UTC expected): {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
        bytes: LargeBinary,
    }


class TraceMessage(Base):
    """One message seen by the dispatcher, with what it did of it (forward or RS-ERROR, DST 1.2 §3.4.7)."""

    __tablename__ = "trace_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    vhost: Mapped[str] = mapped_column(String(255))
    routing_key: Mapped[str | None] = mapped_column(Text)
    sender_id: Mapped[str | None] = mapped_column(String(255), index=True)
    recipient_id: Mapped[str | None] = mapped_column(String(255), index=True)
    kind: Mapped[str | None] = mapped_column(String(128))
    distribution_kind: Mapped[str | None] = mapped_column(String(32))
    distribution_id: Mapped[str | None] = mapped_column(String(512), index=True)
    content_type: Mapped[str | None] = mapped_column(String(255))
    delivery_mode: Mapped[int | None]
    properties: Mapped[dict[str, Any] | None]
    body: Mapped[bytes | None]
    outcome: Mapped[str] = mapped_column(
        String(32)
    )  # routed | rejected | dead_letter | unroutable | error_report
    error_code: Mapped[int | None]
    errors: Mapped[list[Any] | None]  # [{path, rule, expected, found, message, scope}]
    routed_to: Mapped[str | None] = mapped_column(String(512))
    forwarded_content_type: Mapped[str | None] = mapped_column(String(255))
    forwarded_body: Mapped[bytes | None]  # the delivered body when it differs (CISU conversion); purged too


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    vendor: Mapped[str] = mapped_column(String(255), index=True)
    client_id: Mapped[str] = mapped_column(String(255))
    link: Mapped[str] = mapped_column(String(64))
    vhost: Mapped[str] = mapped_column(String(255))
    tiers: Mapped[list[Any]]
    pack_tag: Mapped[str] = mapped_column(String(64))
    bench_version: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    engine_verdict: Mapped[str | None] = mapped_column(String(32))  # as announced by RunFinished
    verdict: Mapped[str | None] = mapped_column(String(32))  # effective: attestations and overrides applied
    counts: Mapped[dict[str, Any] | None]
    interrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)  # running | finished | interrupted
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]
    pid_token: Mapped[str | None] = mapped_column(String(64))  # process start time, guards against pid reuse
    partner_ids: Mapped[list[Any] | None]  # from RunStarted; NULL for runs recorded before it was carried
    declaration: Mapped[dict[str, Any] | None]  # vendor's declaration (RunStarted); NULL before it existed
    # The vhost's pack provenance {tag, source, checksum, provisional, reason, vhost, available}
    # (protocol.provenance); NULL for runs recorded before it was carried.
    pack: Mapped[dict[str, Any] | None]


def _run_fk() -> Mapped[str]:
    return mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)


def _scenario_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("scenario_results.id", ondelete="CASCADE"), index=True)


class ScenarioResult(Base):
    __tablename__ = "scenario_results"
    __table_args__ = (UniqueConstraint("run_id", "scenario_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_id: Mapped[str] = mapped_column(String(512))
    feature: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(Text)
    tier: Mapped[int]
    link: Mapped[str] = mapped_column(String(64))
    tags: Mapped[list[Any]]
    engine_verdict: Mapped[str | None] = mapped_column(String(32))  # as announced by ScenarioFinished
    verdict: Mapped[str | None] = mapped_column(String(32))  # effective
    remark: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    duration_s: Mapped[float | None] = mapped_column(Float)
    blocked_by: Mapped[str | None] = mapped_column(String(512))  # BLOCKED: the root scenario's id
    blocked_by_tier: Mapped[int | None]  # BLOCKED: the root scenario's tier ("bloqué par le palier N")


class StepResult(Base):
    __tablename__ = "step_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_pk: Mapped[int] = _scenario_fk()
    index: Mapped[int]
    keyword: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class CheckResult(Base):
    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_pk: Mapped[int] = _scenario_fk()
    step_index: Mapped[int]
    rule: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(32))
    expected: Mapped[str] = mapped_column(Text)
    received: Mapped[str] = mapped_column(Text)
    distribution_id: Mapped[str | None] = mapped_column(String(512), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    blocked_by: Mapped[str | None] = mapped_column(String(512))  # BLOCKED: the root scenario's id


class Prompt(Base):
    __tablename__ = "prompts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_pk: Mapped[int] = _scenario_fk()
    prompt_id: Mapped[str] = mapped_column(String(255), unique=True)
    actor: Mapped[str] = mapped_column(String(255), index=True)
    action: Mapped[str] = mapped_column(String(128))
    instruction: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]]
    deadline: Mapped[datetime]
    shown_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))  # NULL while open; events.PromptClosed


class ExchangedMessage(Base):
    __tablename__ = "exchanged_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_pk: Mapped[int] = _scenario_fk()
    direction: Mapped[str] = mapped_column(String(16))  # sent | received
    queue: Mapped[str] = mapped_column(String(512))
    distribution_id: Mapped[str | None] = mapped_column(String(512), index=True)
    kind: Mapped[str | None] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(255))
    body: Mapped[bytes | None]  # NULL once purged (health data)
    at: Mapped[datetime] = mapped_column(index=True)


class Attestation(Base):
    __tablename__ = "attestations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_pk: Mapped[int] = _scenario_fk()
    attestation_id: Mapped[str] = mapped_column(String(255), unique=True)
    question: Mapped[str] = mapped_column(Text)
    items: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | answered
    answers: Mapped[list[Any] | None]  # [{"item": i, "answer": valid|approximate|invalid, "comment": str}]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(255))
    answered_at: Mapped[datetime | None]
    requested_at: Mapped[datetime]


class Override(Base):
    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    scenario_id: Mapped[str] = mapped_column(String(512))
    verdict: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime]


class ConsoleAccount(Base):
    """A log-in of the console served on a network (`hubbench console --listen`): its role, the vendor a
    vendor account is bound to, and an Argon2id hash of its password (never the password)."""

    __tablename__ = "console_accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # admin | evaluateur | editeur
    vendor: Mapped[str | None] = mapped_column(String(255))  # set for (and only for) editeur
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class QueuedCampaign(Base):
    """One campaign (a vendor × link × tiers run) of a session's queue, taken by `hubbench worker` on
    any bench host (`results/campaigns.py`: claimed with SELECT … FOR UPDATE SKIP LOCKED)."""

    __tablename__ = "campaign_queue"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session: Mapped[str] = mapped_column(String(255), index=True)  # a plain session id (any string)
    vendor: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    link: Mapped[str] = mapped_column(String(64))
    tiers: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any] | None]  # extra `hubbench run` options: {"declaration": path, …}
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str | None] = mapped_column(String(255))
    enqueued_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    run_id: Mapped[str | None] = mapped_column(String(64))
    exit_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)


Index("ix_scenario_results_run_tier", ScenarioResult.run_id, ScenarioResult.tier)
Index("ix_runs_vendor_link_started", Run.vendor, Run.link, Run.started_at)
