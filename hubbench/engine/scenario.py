"""`ScenarioEngine`: what a step sees (the `bench` fixture). One per scenario, thin over the run's parts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from hubbench.engine.attestations import Attestor
from hubbench.engine.checker import Checker
from hubbench.engine.context import RunContext
from hubbench.engine.prerequisites import Ledger
from hubbench.engine.prompts import OpenPrompt, Prompter
from hubbench.events import Event, Verdict

if TYPE_CHECKING:  # the services pull in pika and SQLAlchemy: a step module need not load them to be typed
    from hubbench.engine.injector import Injector
    from hubbench.engine.observers import BrokerLog, LiveQueues, ManagementObserver, TraceObserver
    from hubbench.engine.partner import Partner

_T = TypeVar("_T")
RUN_CLOSERS = "run_closers"  # in `shared`: what `on_run_end` registered, called by the plugin at the end


@dataclass
class Services:
    """The run's connections to the hub, created once per run by the runner (`engine.wiring`); None when
    unavailable (unit tests, a run without a hub). `live` None: queue counts come from the management API
    only. `remote_hub` (external-hub mode, `engine.remote`): the hub's URL; the hub-side services are then
    absent and a step that needs one is "non vérifiable à distance"; `trace` is the partner's view."""

    partner: Partner | None = None
    injector: Injector | None = None
    management: ManagementObserver | None = None
    trace: TraceObserver | None = None
    broker_log: BrokerLog | None = None
    live: LiveQueues | None = None
    remote_hub: str | None = None


# What each hub-side service gives the bench, for the "non vérifiable à distance" reason.
HUB_SIDE_EVIDENCE: dict[str, str] = {
    "management": "l'API de gestion du broker (connexions, consommateurs, statistiques des files)",
    "broker_log": "le journal du broker (refus d'accès)",
    "live": "les files du système testé vues par le broker",
    "injector": "l'identité du dispatcher (dépôt direct dans les files du système testé)",
    "trace": "la trace du dispatcher",
}


def _required(service: _T | None, name: str, remote_hub: str | None = None) -> _T:
    if service is None:
        if remote_hub is not None and name in HUB_SIDE_EVIDENCE:
            from hubbench.engine.errors import RemoteUnverifiable

            raise RemoteUnverifiable("", f"{HUB_SIDE_EVIDENCE[name]} ({remote_hub})")
        raise RuntimeError(f"service du banc indisponible : {name}")
    return service


@dataclass
class ScenarioEngine:
    ctx: RunContext
    services: Services
    emit: Callable[[Event], None]
    prompter: Prompter
    attestor: Attestor
    scenario_id: str = ""
    checker: Checker = field(init=False)
    memo: dict[str, Any] = field(default_factory=dict)  # values handed from one step to the next
    shared: dict[str, Any] = field(default_factory=dict)  # run-wide (e.g. the vendor's empty message)

    def __post_init__(self) -> None:
        self.checker = Checker(self.ctx.run_id, self.scenario_id, self.emit, blocking=self.ledger.blocking)

    def start(self, scenario_id: str) -> None:
        self.scenario_id = scenario_id
        self.checker = Checker(self.ctx.run_id, scenario_id, self.emit, blocking=self.ledger.blocking)
        self.memo.clear()

    @property
    def ledger(self) -> Ledger:
        """The run's failed prerequisite roots (shared by every scenario of the run)."""
        ledger = self.shared.setdefault("prerequisites", Ledger())
        if not isinstance(ledger, Ledger):
            raise TypeError("shared['prerequisites'] n'est pas un Ledger")
        return ledger

    def wait_after_root(self, timeout: float, prerequisite: str) -> float:
        """`timeout`, or the quiet window when `prerequisite`'s root check already failed in a lower tier:
        the wait could then only end « bloqué par le palier N », so an answer that comes at once still
        passes and a missing one is not waited for in full (a cascade resolves in seconds)."""
        return min(timeout, self.ctx.timeouts.quiet) if self.ledger.blocking(prerequisite) else timeout

    @property
    def check(self) -> Checker:
        return self.checker

    @property
    def partner(self) -> Partner:
        return _required(self.services.partner, "partner")

    @property
    def injector(self) -> Injector:
        return _required(self.services.injector, "injector", self.services.remote_hub)

    @property
    def management(self) -> ManagementObserver:
        return _required(self.services.management, "management", self.services.remote_hub)

    @property
    def trace(self) -> TraceObserver:
        return _required(self.services.trace, "trace", self.services.remote_hub)

    @property
    def broker_log(self) -> BrokerLog:
        return _required(self.services.broker_log, "broker_log", self.services.remote_hub)

    @property
    def live(self) -> LiveQueues:
        """The AMQP view of the vendor's queues, where a step needs it (`services.live` where optional)."""
        return _required(self.services.live, "live", self.services.remote_hub)

    @contextmanager
    def prompt(
        self, action: str, instruction: str, parameters: dict[str, Any], timeout: float | None = None
    ) -> Iterator[OpenPrompt]:
        with self.prompter.prompt(
            self.scenario_id, action, instruction, parameters, timeout or self.ctx.timeouts.operator
        ) as opened:
            yield opened

    def on_run_end(self, close: Callable[[], None]) -> None:
        """Call `close` once when the run ends (a run-wide resource a step opened on first use)."""
        self.shared.setdefault(RUN_CLOSERS, []).append(close)

    def attest(self, key: str, question: str, items: list[dict[str, Any]] | None = None) -> Verdict:
        return self.attestor.attest(self.scenario_id, key, question, items or [], self.checker.record)
