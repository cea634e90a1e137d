"""`ScenarioEngine`: what a step sees (the `bench` fixture). One per scenario, thin over the run's parts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hubbench.engine.attestations import Attestor
from hubbench.engine.checker import Checker
from hubbench.engine.context import RunContext
from hubbench.engine.prompts import OpenPrompt, Prompter
from hubbench.events import Event, Verdict


@dataclass
class Services:
    """The run's connections to the hub, created once per run by the runner (None when unavailable).

    partner: engine.partner.Partner; injector: engine.injector.Injector;
    management: engine.observers.ManagementObserver; trace: engine.observers.TraceObserver;
    broker_log: engine.observers.BrokerLog; live: engine.observers.LiveQueues (None: management only).
    """

    partner: Any = None
    injector: Any = None
    management: Any = None
    trace: Any = None
    broker_log: Any = None
    live: Any = None

    def require(self, name: str) -> Any:
        value = getattr(self, name)
        if value is None:
            raise RuntimeError(f"service du banc indisponible : {name}")
        return value


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
        self.checker = Checker(self.ctx.run_id, self.scenario_id, self.emit)

    def start(self, scenario_id: str) -> None:
        self.scenario_id = scenario_id
        self.checker = Checker(self.ctx.run_id, scenario_id, self.emit)
        self.memo.clear()

    @property
    def check(self) -> Checker:
        return self.checker

    @property
    def partner(self) -> Any:
        return self.services.require("partner")

    @property
    def injector(self) -> Any:
        return self.services.require("injector")

    @property
    def management(self) -> Any:
        return self.services.require("management")

    @property
    def trace(self) -> Any:
        return self.services.require("trace")

    @property
    def broker_log(self) -> Any:
        return self.services.require("broker_log")

    @contextmanager
    def prompt(
        self, action: str, instruction: str, parameters: dict[str, Any], timeout: float | None = None
    ) -> Iterator[OpenPrompt]:
        with self.prompter.prompt(
            self.scenario_id, action, instruction, parameters, timeout or self.ctx.timeouts.operator
        ) as opened:
            yield opened

    def attest(self, key: str, question: str, items: list[dict[str, Any]] | None = None) -> Verdict:
        return self.attestor.attest(self.scenario_id, key, question, items or [], self.checker.record)
