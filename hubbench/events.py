"""Typed events emitted by the scenario engine.

A neutral module: the engine emits these events and the results room stores them, and neither imports
the other for it. The engine never prints nor writes reports: a run's listeners (the results store,
through `engine.results_thread`, and the CLI progress of `hubbench run`) receive the events in order;
the reports (JUnit, Cucumber JSON, JSON) and the console are built later from the stored run. Events
are plain frozen dataclasses, serialisable with `dataclasses.asdict` (datetimes as aware UTC datetimes).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def utcnow() -> datetime:
    return datetime.now(UTC)


class Verdict(enum.StrEnum):
    """Outcome of a step, scenario, tier or run. Order of `WORST_FIRST` decides aggregation."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the bench or the set-up failed, not the vendor
    TIMED_OUT = "timed_out"
    NOT_APPLICABLE = "not_applicable"
    PENDING_ATTESTATION = "pending_attestation"  # only a person can judge; "à attester"
    # external-hub mode: the evidence (hub trace, management API, broker log) belongs to a hub the
    # bench does not run; never passed, never failed: "non vérifiable à distance", with the reason
    UNVERIFIABLE_REMOTE = "unverifiable_remote"
    SKIPPED = "skipped"  # not executed because an earlier step did not pass
    BLOCKED = "blocked"  # a prerequisite rule already failed in a lower tier: "bloqué par le palier N"
    NOT_RUN = "not_run"  # console only: no result for this cell

    @property
    def label_fr(self) -> str:
        return VERDICT_LABELS_FR[self]

    @property
    def counts_as_failure(self) -> bool:
        return self in (Verdict.FAILED, Verdict.ERROR, Verdict.TIMED_OUT, Verdict.BLOCKED)


VERDICT_LABELS_FR: dict[Verdict, str] = {
    Verdict.PASSED: "réussi",
    Verdict.FAILED: "échoué",
    Verdict.ERROR: "erreur du banc",
    Verdict.TIMED_OUT: "délai dépassé",
    Verdict.UNVERIFIABLE_REMOTE: "non vérifiable à distance",
    Verdict.NOT_APPLICABLE: "non applicable",
    Verdict.PENDING_ATTESTATION: "à attester",
    Verdict.SKIPPED: "non exécuté",
    Verdict.BLOCKED: "bloqué par un palier inférieur",
    Verdict.NOT_RUN: "non lancé",
}


def blocked_label(tier: int | None) -> str:
    """« bloqué par le palier 2 » (the tier of the root check), or the generic label."""
    return f"bloqué par le palier {tier}" if tier else VERDICT_LABELS_FR[Verdict.BLOCKED]
# The tiers' French names (Projectathon "paliers"), shown by the console, the demo and the certificate.
TIER_NAMES_FR: dict[int, str] = {
    1: "Raccordement",
    2: "Réception de messages techniques",
    3: "Envoi de messages vides",
    4: "Réception d'un message fonctionnel initial",
    5: "Envoi d'une affaire et corrections",
    6: "Réception et réconciliation",
    7: "EMSI (demandes de concours)",
}


# The optional tier beyond the Projectathon's seven, run only when asked for (features/robustesse.feature).
ROBUSTNESS_TIER = 8
OPTIONAL_TIER_NAMES_FR: dict[int, tuple[str, str]] = {  # tier → (short name, what it covers)
    ROBUSTNESS_TIER: ("Robustesse", "pannes réseau et messages inhabituels (palier optionnel)"),
}


def tier_title(tier: int) -> str:
    if tier in OPTIONAL_TIER_NAMES_FR:
        return " — ".join(OPTIONAL_TIER_NAMES_FR[tier])
    return f"Palier {tier} — {TIER_NAMES_FR.get(tier, '?')}"


def tier_label(tier: int) -> str:
    """ "Palier 3", or an optional tier's short name ("Robustesse")."""
    return OPTIONAL_TIER_NAMES_FR[tier][0] if tier in OPTIONAL_TIER_NAMES_FR else f"Palier {tier}"


WORST_FIRST: tuple[Verdict, ...] = (
    Verdict.ERROR,
    Verdict.FAILED,
    Verdict.TIMED_OUT,
    Verdict.BLOCKED,  # a group's own failure shows before a failure caused by a lower tier
    Verdict.PENDING_ATTESTATION,
    Verdict.UNVERIFIABLE_REMOTE,
    Verdict.PASSED,
    Verdict.NOT_APPLICABLE,
    Verdict.SKIPPED,
    Verdict.NOT_RUN,
)


def aggregate(verdicts: list[Verdict]) -> Verdict:
    """The verdict of a group: the worst of its members (empty group → not run)."""
    present = set(verdicts)
    for verdict in WORST_FIRST:
        if verdict in present:
            return verdict
    return Verdict.NOT_RUN


@dataclass(frozen=True)
class Event:
    run_id: str
    at: datetime = field(default_factory=utcnow, kw_only=True)


@dataclass(frozen=True)
class RunStarted(Event):
    vendor: str
    client_id: str
    link: str
    vhost: str
    tiers: tuple[int, ...]
    pack_tag: str
    bench_version: str
    partner_ids: tuple[str, ...] = ()  # the bench's partner client ids the run talks with
    declaration: dict[str, Any] | None = None  # `RunDeclaration.to_json()`: origin, links, features
    pack: dict[str, Any] | None = None  # the vhost's pack provenance (`protocol.provenance.Provenance`)
    session_id: str | None = None  # `hubbench session run`: the session the run belongs to


@dataclass(frozen=True)
class ScenarioStarted(Event):
    scenario_id: str  # stable: "<feature file>::<scenario name>"
    feature: str
    name: str
    tier: int
    link: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepStarted(Event):
    scenario_id: str
    index: int
    keyword: str
    text: str


@dataclass(frozen=True)
class CheckRecorded(Event):
    """One judged rule. `rule` cites the spec, e.g. "Palier 3 — DST 1.2 §3.4.3 (distributionID)"."""

    scenario_id: str
    step_index: int
    rule: str
    verdict: Verdict
    expected: str
    received: str
    distribution_id: str | None = None  # links the check to the trace
    detail: str = ""
    blocked_by: str | None = None  # BLOCKED: the scenario id of the root check (a lower tier)


@dataclass(frozen=True)
class PromptShown(Event):
    """An instruction for the vendor's operator ("envoyez un message vide à fr.health.samu770")."""

    scenario_id: str
    prompt_id: str
    actor: str  # the vendor client id that must act
    action: str  # machine-readable action name, e.g. "send_empty_message"
    instruction: str  # French, for people
    parameters: dict[str, Any]
    deadline: datetime


@dataclass(frozen=True)
class PromptClosed(Event):
    scenario_id: str
    prompt_id: str
    outcome: str  # "done" | "timed_out" | "cancelled" | "resent" | "skipped" (official case step)


@dataclass(frozen=True)
class MessageExchanged(Event):
    """A message the bench's partner sent to, or received from, the vendor."""

    scenario_id: str
    direction: str  # "sent" (bench → vendor) | "received" (vendor → bench)
    queue: str
    distribution_id: str | None
    kind: str | None
    content_type: str
    body: bytes


@dataclass(frozen=True)
class AttestationRequested(Event):
    """A check only a person can make; the checklist items are judged valid/approximate/invalid."""

    scenario_id: str
    attestation_id: str
    question: str
    items: tuple[dict[str, Any], ...]  # {"path": "$.createCase.caseId", "expected": "..."}


@dataclass(frozen=True)
class AttestationAnswered(Event):
    """Answers to an `AttestationRequested`, given up front in the run's answers file (`--answers`).

    `answers` holds one entry per item: {"item": i, "answer": "valid"|"approximate"|"invalid",
    "comment": str}. Answers given later in the console do not go through the engine.
    """

    scenario_id: str
    attestation_id: str
    answers: tuple[dict[str, Any], ...]
    answered_by: str
    comment: str = ""


@dataclass(frozen=True)
class StepFinished(Event):
    scenario_id: str
    index: int
    verdict: Verdict
    detail: str = ""


@dataclass(frozen=True)
class ScenarioFinished(Event):
    scenario_id: str
    verdict: Verdict
    duration_s: float
    blocked_by: str | None = None  # BLOCKED: the root scenario (a lower tier's) whose rule failed first
    blocked_by_tier: int | None = None


@dataclass(frozen=True)
class RunFinished(Event):
    verdict: Verdict
    counts: dict[str, int]
    interrupted: bool = False


Listener = Callable[[Event], None]


class EventBus:
    """Delivers each event to every listener, in registration order. A failing listener is isolated."""

    def __init__(self, listeners: list[Listener] | None = None) -> None:
        self._listeners: list[Listener] = list(listeners or [])
        self.listener_errors: list[tuple[Listener, Exception]] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def emit(self, event: Event) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception as exc:  # a reporter must never break a run
                self.listener_errors.append((listener, exc))
