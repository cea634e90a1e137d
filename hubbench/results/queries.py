"""Read side of the results database, for the CLI, the console and the reporters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hubbench.events import ROBUSTNESS_TIER, Verdict, aggregate
from hubbench.results.models import (
    Attestation,
    CheckResult,
    ExchangedMessage,
    Override,
    Prompt,
    Run,
    ScenarioResult,
    StepResult,
    TraceMessage,
)
from hubbench.results.views import (
    AttestationView,
    CheckView,
    MatrixRow,
    MessageView,
    OverrideView,
    PromptView,
    RunDetail,
    RunSummary,
    ScenarioView,
    StepView,
    TraceView,
)

_T = TypeVar("_T")

TIERS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
# The matrix's columns: the Projectathon tiers, then the optional Robustesse tier (its number in results is
# `hubbench.events.ROBUSTNESS_TIER`; the console shows it as « R »).
MATRIX_TIERS: tuple[int, ...] = (*TIERS, ROBUSTNESS_TIER)
_QUEUE_SUFFIXES = (".message", ".ack", ".info")


def _verdict(value: str | None) -> Verdict | None:
    return None if value is None else Verdict(value)


def run_summary(run: Run) -> RunSummary:
    return RunSummary(
        run_id=run.id,
        vendor=run.vendor,
        client_id=run.client_id,
        link=run.link,
        vhost=run.vhost,
        tiers=[int(t) for t in run.tiers],
        pack_tag=run.pack_tag,
        bench_version=run.bench_version,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status=run.status,
        interrupted=run.interrupted,
        verdict=_verdict(run.verdict),
        engine_verdict=_verdict(run.engine_verdict),
        counts=dict(run.counts or {}),
        declaration=run.declaration,
        pack=run.pack,
        session_id=run.session_id,
    )


def list_runs(
    session: Session,
    *,
    vendor: str | None = None,
    link: str | None = None,
    vhost: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
    limit: int | None = None,
    session_id: str | None = None,
) -> list[RunSummary]:
    """Runs, newest first; `since`/`until` bound the start time; `session_id`: one session's runs."""
    query = select(Run).order_by(Run.started_at.desc(), Run.id)
    for column, value in ((Run.vendor, vendor), (Run.link, link), (Run.vhost, vhost), (Run.status, status),
                          (Run.session_id, session_id)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(Run.started_at >= since)
    if until is not None:
        query = query.where(Run.started_at <= until)
    if limit is not None:
        query = query.limit(limit)
    return [run_summary(run) for run in session.scalars(query)]


def _by_scenario(rows: Iterable[_T], key: str) -> dict[int, list[_T]]:
    grouped: dict[int, list[_T]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def attestation_view(row: Attestation, scenario_id: str) -> AttestationView:
    return AttestationView(
        run_id=row.run_id,
        scenario_id=scenario_id,
        attestation_id=row.attestation_id,
        question=row.question,
        items=list(row.items),
        status=row.status,
        answers=None if row.answers is None else list(row.answers),
        comment=row.comment,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
        requested_at=row.requested_at,
    )


def prompt_view(row: Prompt, scenario_id: str) -> PromptView:
    return PromptView(
        run_id=row.run_id,
        scenario_id=scenario_id,
        prompt_id=row.prompt_id,
        actor=row.actor,
        action=row.action,
        instruction=row.instruction,
        parameters=dict(row.parameters),
        deadline=row.deadline,
        shown_at=row.shown_at,
        closed_at=row.closed_at,
        outcome=row.outcome,
    )


def run_detail(session: Session, run_id: str) -> RunDetail | None:
    """The run with its scenarios (in start order) → steps → checks, plus prompts, messages,
    attestations and overrides."""
    run = session.get(Run, run_id)
    if run is None:
        return None

    def rows(model: type[_T], *order: Any) -> list[_T]:
        run_of = model.run_id  # type: ignore[attr-defined]  # every table read here has the run's key
        return list(session.scalars(select(model).where(run_of == run_id).order_by(*order)))

    checks = _by_scenario(rows(CheckResult, CheckResult.id), "scenario_pk")
    steps = _by_scenario(rows(StepResult, StepResult.index, StepResult.id), "scenario_pk")
    prompts = _by_scenario(rows(Prompt, Prompt.id), "scenario_pk")
    messages = _by_scenario(rows(ExchangedMessage, ExchangedMessage.id), "scenario_pk")
    attestations = _by_scenario(rows(Attestation, Attestation.id), "scenario_pk")
    overrides: dict[str, list[Override]] = defaultdict(list)
    for override in rows(Override, Override.id):
        overrides[override.scenario_id].append(override)

    scenarios = []
    for sc in rows(ScenarioResult, ScenarioResult.started_at, ScenarioResult.id):
        checks_by_step: dict[int, list[CheckView]] = defaultdict(list)
        for c in checks[sc.id]:
            checks_by_step[c.step_index].append(
                CheckView(
                    step_index=c.step_index,
                    rule=c.rule,
                    verdict=Verdict(c.verdict),
                    expected=c.expected,
                    received=c.received,
                    distribution_id=c.distribution_id,
                    detail=c.detail,
                    at=c.at,
                    blocked_by=c.blocked_by,
                )
            )
        scenarios.append(
            ScenarioView(
                scenario_id=sc.scenario_id,
                feature=sc.feature,
                name=sc.name,
                tier=sc.tier,
                link=sc.link,
                tags=list(sc.tags),
                verdict=_verdict(sc.verdict),
                engine_verdict=_verdict(sc.engine_verdict),
                remark=sc.remark,
                started_at=sc.started_at,
                finished_at=sc.finished_at,
                duration_s=sc.duration_s,
                blocked_by=sc.blocked_by,
                blocked_by_tier=sc.blocked_by_tier,
                steps=[
                    StepView(
                        index=s.index,
                        keyword=s.keyword,
                        text=s.text,
                        verdict=_verdict(s.verdict),
                        detail=s.detail,
                        started_at=s.started_at,
                        finished_at=s.finished_at,
                        checks=checks_by_step.get(s.index, []),
                    )
                    for s in steps[sc.id]
                ],
                prompts=[prompt_view(p, sc.scenario_id) for p in prompts[sc.id]],
                messages=[
                    MessageView(
                        direction=m.direction,
                        queue=m.queue,
                        distribution_id=m.distribution_id,
                        kind=m.kind,
                        content_type=m.content_type,
                        body=m.body,
                        at=m.at,
                    )
                    for m in messages[sc.id]
                ],
                attestations=[attestation_view(a, sc.scenario_id) for a in attestations[sc.id]],
                overrides=[
                    OverrideView(
                        scenario_id=o.scenario_id,
                        verdict=Verdict(o.verdict),
                        comment=o.comment,
                        who=o.who,
                        at=o.at,
                    )
                    for o in overrides[sc.scenario_id]
                ],
            )
        )
    return RunDetail(run=run_summary(run), scenarios=scenarios)


def matrix(
    session: Session,
    *,
    run_id: str | None = None,
    vendor: str | None = None,
    link: str | None = None,
    include_running: bool = False,
) -> list[MatrixRow]:
    """vendor × link × tier → verdict, from the latest run of each (vendor, link), or from `run_id` only.

    A tier's verdict is the worst of its scenarios' effective verdicts; NOT_RUN where the run has none.
    """
    if run_id is not None:
        runs = list(session.scalars(select(Run).where(Run.id == run_id)))
    else:
        base = select(Run)
        if not include_running:
            base = base.where(Run.status != "running")
        for column, value in ((Run.vendor, vendor), (Run.link, link)):
            if value is not None:
                base = base.where(column == value)
        latest = (
            base.with_only_columns(Run.vendor, Run.link, func.max(Run.started_at).label("latest"))
            .group_by(Run.vendor, Run.link)
            .subquery()
        )
        runs_query = base.join(
            latest,
            (Run.vendor == latest.c.vendor)
            & (Run.link == latest.c.link)
            & (Run.started_at == latest.c.latest),
        ).order_by(Run.vendor, Run.link, Run.id)
        runs = []
        seen: set[tuple[str, str]] = set()
        for run in session.scalars(runs_query):  # two runs started at the very same instant: keep one
            if (run.vendor, run.link) not in seen:
                seen.add((run.vendor, run.link))
                runs.append(run)
    verdicts: dict[tuple[str, int], list[Verdict]] = defaultdict(list)
    roots: dict[tuple[str, int], int] = {}
    if runs:
        rows = session.execute(
            select(ScenarioResult.run_id, ScenarioResult.tier, ScenarioResult.verdict,
                   ScenarioResult.blocked_by_tier).where(ScenarioResult.run_id.in_([r.id for r in runs]))
        )
        for rid, tier, verdict, root_tier in rows:
            if verdict is not None:
                verdicts[(rid, tier)].append(Verdict(verdict))
                if verdict == Verdict.BLOCKED.value and root_tier is not None:
                    roots[(rid, tier)] = min(root_tier, roots.get((rid, tier), root_tier))
    return [
        MatrixRow(
            vendor=r.vendor,
            link=r.link,
            run_id=r.id,
            started_at=r.started_at,
            status=r.status,
            cells={t: aggregate(verdicts.get((r.id, t), [])) for t in MATRIX_TIERS},
            blocked_by={t: root for (rid, t), root in roots.items() if rid == r.id},
            declaration=r.declaration,
            provisional=bool((r.pack or {}).get("provisional")),
        )
        for r in runs
    ]


def trace_view(row: TraceMessage) -> TraceView:
    return TraceView(
        id=row.id,
        at=row.at,
        vhost=row.vhost,
        routing_key=row.routing_key,
        sender_id=row.sender_id,
        recipient_id=row.recipient_id,
        kind=row.kind,
        distribution_kind=row.distribution_kind,
        distribution_id=row.distribution_id,
        content_type=row.content_type,
        delivery_mode=row.delivery_mode,
        properties=row.properties,
        body=row.body,
        outcome=row.outcome,
        error_code=row.error_code,
        errors=list(row.errors or []),
        routed_to=row.routed_to,
        forwarded_content_type=row.forwarded_content_type,
        forwarded_body=row.forwarded_body,
    )


def partner_ids_of_run(session: Session, run_id: str) -> set[str]:
    """The bench partners a run talked with: prompt `recipient`/`partner_id` parameters and the queues
    on which the partner received the vendor's messages (`<partner>.message|.ack|.info`)."""
    ids: set[str] = set()
    for params in session.scalars(select(Prompt.parameters).where(Prompt.run_id == run_id)):
        for key in ("recipient", "partner_id"):
            if isinstance(params.get(key), str):
                ids.add(params[key])
    queues = session.scalars(
        select(ExchangedMessage.queue)
        .where(ExchangedMessage.run_id == run_id, ExchangedMessage.direction == "received")
        .distinct()
    )
    for queue in queues:
        for suffix in _QUEUE_SUFFIXES:
            if queue.endswith(suffix):
                ids.add(queue.removesuffix(suffix))
    return ids


def trace_for_run(
    session: Session, run_id: str, *, partner_ids: Sequence[str] = (), limit: int | None = None
) -> list[TraceView]:
    """Hub trace rows of a run: sender or recipient is the vendor's client id or one of the partners
    (recorded with the run; inferred from its prompts and queues for runs recorded without them),
    within the run's time window (up to now while it runs), oldest first."""
    run = session.get(Run, run_id)
    if run is None:
        return []
    ids = {run.client_id, *partner_ids, *(run.partner_ids or partner_ids_of_run(session, run_id))}
    query = (
        select(TraceMessage)
        .where(or_(TraceMessage.sender_id.in_(ids), TraceMessage.recipient_id.in_(ids)))
        .where(TraceMessage.at >= run.started_at, TraceMessage.at <= (run.finished_at or datetime.now(UTC)))
        .where(TraceMessage.vhost == run.vhost)
        .order_by(TraceMessage.at, TraceMessage.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [trace_view(row) for row in session.scalars(query)]


def trace_published_by(session: Session, vhost: str, routing_key: str, since: datetime) -> list[TraceView]:
    """Messages published on `vhost` with `routing_key` (a client's own id) since `since`, oldest first."""
    query = select(TraceMessage).where(
        TraceMessage.vhost == vhost, TraceMessage.routing_key == routing_key, TraceMessage.at >= since
    )
    return [trace_view(row) for row in session.scalars(query.order_by(TraceMessage.at, TraceMessage.id))]


def trace_by_distribution_id(session: Session, distribution_id: str) -> list[TraceView]:
    query = select(TraceMessage).where(TraceMessage.distribution_id == distribution_id)
    return [trace_view(row) for row in session.scalars(query.order_by(TraceMessage.at, TraceMessage.id))]


def pending_attestations(session: Session, *, run_id: str | None = None) -> list[AttestationView]:
    query = (
        select(Attestation, ScenarioResult.scenario_id)
        .join(ScenarioResult, Attestation.scenario_pk == ScenarioResult.id)
        .where(Attestation.status == "pending")
        .order_by(Attestation.requested_at, Attestation.id)
    )
    if run_id is not None:
        query = query.where(Attestation.run_id == run_id)
    return [attestation_view(row, scenario_id) for row, scenario_id in session.execute(query)]


def open_prompts(session: Session, *, actor: str | None = None) -> list[PromptView]:
    """Prompts not closed yet, oldest first (reference vendors poll this for their client id)."""
    query = (
        select(Prompt, ScenarioResult.scenario_id)
        .join(ScenarioResult, Prompt.scenario_pk == ScenarioResult.id)
        .where(Prompt.outcome.is_(None))
        .order_by(Prompt.shown_at, Prompt.id)
    )
    if actor is not None:
        query = query.where(Prompt.actor == actor)
    return [prompt_view(row, scenario_id) for row, scenario_id in session.execute(query)]
