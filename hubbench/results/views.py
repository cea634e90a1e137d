"""What the store's queries return: plain dataclasses, turned into JSON-ready dicts by `as_dict`."""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubbench.events import Verdict


def as_dict(view: Any) -> Any:
    """JSON-ready form: datetimes as ISO 8601, bytes as base64, verdicts as their value."""
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        return {f.name: as_dict(getattr(view, f.name)) for f in dataclasses.fields(view)}
    if isinstance(view, dict):
        return {str(k): as_dict(v) for k, v in view.items()}
    if isinstance(view, list | tuple):
        return [as_dict(v) for v in view]
    if isinstance(view, datetime):
        return view.isoformat()
    if isinstance(view, bytes):
        return base64.b64encode(view).decode("ascii")
    if isinstance(view, Verdict):
        return view.value
    return view


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    vendor: str
    client_id: str
    link: str
    vhost: str
    tiers: list[int]
    pack_tag: str
    bench_version: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    interrupted: bool
    verdict: Verdict | None
    engine_verdict: Verdict | None
    counts: dict[str, int]
    declaration: dict[str, Any] | None = None  # `RunDeclaration.to_json()`; None before declarations
    pack: dict[str, Any] | None = None  # pack provenance (protocol.provenance); None for older runs
    session_id: str | None = None  # `hubbench session run`: the session of the run; None for a lone run

    @property
    def provisional(self) -> bool:
        """Every verdict of this run rests on provisional validation (never certified)."""
        return bool((self.pack or {}).get("provisional"))


@dataclass(frozen=True)
class CheckView:
    step_index: int
    rule: str
    verdict: Verdict
    expected: str
    received: str
    distribution_id: str | None
    detail: str
    at: datetime
    blocked_by: str | None = None  # BLOCKED: the root scenario's id


@dataclass(frozen=True)
class StepView:
    index: int
    keyword: str
    text: str
    verdict: Verdict | None
    detail: str
    started_at: datetime
    finished_at: datetime | None
    checks: list[CheckView] = field(default_factory=list)


@dataclass(frozen=True)
class PromptView:
    run_id: str
    scenario_id: str
    prompt_id: str
    actor: str
    action: str
    instruction: str
    parameters: dict[str, Any]
    deadline: datetime
    shown_at: datetime
    closed_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class MessageView:
    direction: str
    queue: str
    distribution_id: str | None
    kind: str | None
    content_type: str
    body: bytes | None
    at: datetime


@dataclass(frozen=True)
class AttestationView:
    run_id: str
    scenario_id: str
    attestation_id: str
    question: str
    items: list[dict[str, Any]]
    status: str
    answers: list[dict[str, Any]] | None
    comment: str | None
    answered_by: str | None
    answered_at: datetime | None
    requested_at: datetime


@dataclass(frozen=True)
class OverrideView:
    scenario_id: str
    verdict: Verdict
    comment: str
    who: str
    at: datetime


@dataclass(frozen=True)
class ScenarioView:
    scenario_id: str
    feature: str
    name: str
    tier: int
    link: str
    tags: list[str]
    verdict: Verdict | None
    engine_verdict: Verdict | None
    remark: str | None
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    blocked_by: str | None = None  # BLOCKED: the root scenario (a lower tier's) whose rule failed first
    blocked_by_tier: int | None = None
    steps: list[StepView] = field(default_factory=list)
    prompts: list[PromptView] = field(default_factory=list)
    messages: list[MessageView] = field(default_factory=list)
    attestations: list[AttestationView] = field(default_factory=list)
    overrides: list[OverrideView] = field(default_factory=list)

    @property
    def checks(self) -> list[CheckView]:
        return [check for step in self.steps for check in step.checks]


@dataclass(frozen=True)
class RunDetail:
    run: RunSummary
    scenarios: list[ScenarioView]


@dataclass(frozen=True)
class MatrixRow:
    vendor: str
    link: str
    run_id: str
    started_at: datetime
    status: str
    cells: dict[int, Verdict]  # tier 1..7 → verdict (NOT_RUN where the run has nothing)
    blocked_by: dict[int, int] = field(default_factory=dict)  # BLOCKED cell's tier → its root's tier
    declaration: dict[str, Any] | None = None
    provisional: bool = False  # the run's evidence is provisional: every cell reads « … (provisoire) »


@dataclass(frozen=True)
class TraceView:
    id: int
    at: datetime
    vhost: str
    routing_key: str | None
    sender_id: str | None
    recipient_id: str | None
    kind: str | None
    distribution_kind: str | None
    distribution_id: str | None
    content_type: str | None
    delivery_mode: int | None
    properties: dict[str, Any] | None
    body: bytes | None
    outcome: str
    error_code: int | None
    errors: list[dict[str, Any]]
    routed_to: str | None
    forwarded_content_type: str | None
    forwarded_body: bytes | None = None  # the delivered body when the dispatcher converted the message
