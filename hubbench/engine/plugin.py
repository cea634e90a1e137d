"""The engine's pytest plugin: selects scenarios by tags and turns pytest-bdd hooks into events.

Registered as an object (`pytest.main(..., plugins=[EnginePlugin(...)])`); it provides the `bench`
fixture (a `ScenarioEngine`) to step definitions. Verdicts come from the exceptions steps raise
(`engine.errors.verdict_of`), never from pytest's own outcome.

Only pytest-bdd's public hooks are used: a scenario's tags (its own, its rule's, its feature's) come
from `pytest_bdd_apply_tag` at collection time, where tiers and links are selected; its name from
`pytest_bdd_before_scenario`, where the `--scenario` filter applies and where a scenario outside the
vendor's declaration is reported « non applicable » with the reason (`declaration.selection`), never
left out silently. A failure whose prerequisite rule already failed in a lower tier is recorded
BLOCKED (`engine.prerequisites`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pytest

from hubbench.declaration import not_declared
from hubbench.engine.attestations import Attestor
from hubbench.engine.context import RunContext
from hubbench.engine.errors import Blocked, FailureCheck, blocked_from, describe, failure_check, verdict_of
from hubbench.engine.links import ALL_LINKS_TAG, LINKS, OPTIONAL_TIER_TAGS, tier_label
from hubbench.engine.lrm import LRM_TAGS, lrm_tag
from hubbench.engine.prerequisites import Ledger, RootFailure, after_roots_of
from hubbench.engine.prompts import Prompter
from hubbench.engine.scenario import RUN_CLOSERS, ScenarioEngine, Services
from hubbench.events import (
    CheckRecorded,
    Event,
    ScenarioFinished,
    ScenarioStarted,
    StepFinished,
    StepStarted,
    Verdict,
    aggregate,
    blocked_label,
)

TIER_TAG_PREFIX = "palier-"
OFFICIAL_CASE_TAG = "cas-officiel"  # scenarios expanded per official case of the pack (official_cases)
EXAMPLE_FIXTURE = "_pytest_bdd_example"  # the row pytest-bdd renders a scenario's <placeholders> with
INTERRUPTED = "exécution interrompue avant la fin de cette étape"
NOT_CHOSEN = "scénario écarté par --scenario"

# Scenario function → its tags, for the process's life: pytest-bdd binds a feature file's scenarios once
# per process (the test module stays imported), so a second run in the same process sees no new tags.
_SCENARIO_TAGS: WeakKeyDictionary[Callable[..., object], set[str]] = WeakKeyDictionary()
_STEP_RULE = re.compile(r"\[([^\[\]]+)\]\s*$")


def step_rule(keyword: str, text: str) -> str:
    """The rule a step cites ("… [Palier 2 — DST 1.2 §3.3.1 (…)]"), else the step itself."""
    cited = _STEP_RULE.search(text)
    return cited.group(1).strip() if cited else f"Étape « {keyword} {text} »"


def tier_of(tags: set[str] | frozenset[str]) -> int | None:
    for tag in tags:
        if tag in OPTIONAL_TIER_TAGS:
            return OPTIONAL_TIER_TAGS[tag]
        if tag.startswith(TIER_TAG_PREFIX) and tag[len(TIER_TAG_PREFIX) :].isdigit():
            return int(tag[len(TIER_TAG_PREFIX) :])
    return None


def selected(tags: set[str] | frozenset[str], tiers: tuple[int, ...], link_tag: str, lrm: str = "") -> bool:
    """A scenario runs when its tier is asked for and it applies to the run's link; one tagged with a kind
    of LRM (`engine.lrm`) only for that kind, on 15-NexSIS."""
    tier = tier_of(tags)
    kinds = tags & LRM_TAGS
    if tier is None or tier not in tiers:
        return False
    link = LINKS.get(link_tag)
    shared = ALL_LINKS_TAG in tags and (link is None or link.shares(tier))
    return (shared or link_tag in tags) and (not kinds or lrm in kinds)


@dataclass
class _Current:
    scenario_id: str
    started: float
    steps: list[Any]
    verdicts: list[Verdict] = field(default_factory=list)
    open_step: int | None = None
    open_rule: str = ""
    terminal: Verdict | None = None
    detail: str = ""
    root: RootFailure | None = None  # set when a step was blocked by a lower tier's failed root


@dataclass
class ScenarioSummary:
    scenario_id: str
    name: str
    tier: int
    verdict: Verdict
    detail: str
    tags: tuple[str, ...] = ()
    blocked_by_tier: int | None = None  # BLOCKED: the tier of the root check ("bloqué par le palier N")

    @property
    def verdict_label(self) -> str:
        if self.verdict is Verdict.BLOCKED:
            return blocked_label(self.blocked_by_tier)
        return self.verdict.label_fr


class EnginePlugin:
    def __init__(
        self,
        ctx: RunContext,
        services: Services,
        emit: Callable[[Event], None],
        attestor: Attestor,
        names: tuple[str, ...] = (),
    ) -> None:
        self.ctx = ctx
        self.services = services
        self.emit = emit
        self.attestor = attestor
        self.prompter = Prompter(ctx.run_id, ctx.client_id, emit, ctx.clock)
        self.names = tuple(n.lower() for n in names)
        self.interrupted = False
        self.summaries: list[ScenarioSummary] = []
        self.collected = 0
        self.input_errors: list[str] = []  # broken feature files, unknown steps: the bench's own input
        self._engine: ScenarioEngine | None = None
        self._current: _Current | None = None
        self._names_by_id: dict[str, tuple[str, int]] = {}
        self._tags_by_id: dict[str, tuple[str, ...]] = {}
        self.ledger = Ledger()
        self._shared: dict[str, Any] = {"run_start": ctx.clock.now(), "prerequisites": self.ledger}

    # ------------------------------------------------------------ set-up
    def pytest_configure(self, config: pytest.Config) -> None:
        # Verdicts come from the exception itself, never from pytest's report: a report with pytest's
        # default "long" traceback (source of every frame, repr of every argument, the whole
        # `ScenarioEngine` included) cost up to a second per failed, pending or non-applicable
        # scenario. The plain Python traceback is kept for whoever reads pytest's report.
        config.option.tbstyle = "native"

    # ------------------------------------------------------------ selection
    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_apply_tag(self, tag: str, function: Callable[..., object]) -> bool:
        """Called once per tag of each scenario (its own, its rule's and its feature's) as it is bound:
        the tags are kept for the selection; no pytest marks are needed."""
        _SCENARIO_TAGS.setdefault(function, set()).add(tag)
        return True

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Scenarios tagged @cas-officiel get one example per official case of the vhost's pack, made
        here at collection time (the feature file lists no case: the pack does). The example row is
        the one pytest-bdd renders `<cas>` with; a Plan du Scénario (its own rows) is left alone."""
        tags = _SCENARIO_TAGS.get(metafunc.function, set())
        if OFFICIAL_CASE_TAG not in tags or not selected(tags, self.ctx.tiers, self.ctx.link.tag):
            return
        outlines = metafunc.definition.iter_markers("parametrize")
        if any(EXAMPLE_FIXTURE in str(mark.args[:1]) for mark in outlines):
            return
        from hubbench.engine.official_cases import example_rows

        rows = example_rows(self.ctx, self._shared)
        metafunc.parametrize(EXAMPLE_FIXTURE, [row for _, row in rows], ids=[ident for ident, _ in rows])

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            wanted = selected(_tags_of(item), self.ctx.tiers, self.ctx.link.tag, lrm_tag(self.ctx))
            (keep if wanted else drop).append(item)
        keep.sort(key=lambda it: tier_of(_tags_of(it)) or 0)
        items[:] = keep
        self.collected = len(keep)
        if drop:
            config.hook.pytest_deselected(items=drop)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = [line.strip() for line in report.longreprtext.splitlines() if line.strip()]
            errors = [line.removeprefix("E ").strip() for line in lines if line.startswith("E ")]
            reason = (errors or lines or [""])[-1]
            self.input_errors.append(f"{report.nodeid or 'scénarios'} illisible : {reason}")

    # ------------------------------------------------------------ the fixture
    @pytest.fixture
    def bench(self) -> Iterator[ScenarioEngine]:
        engine = ScenarioEngine(
            self.ctx, self.services, self.emit, self.prompter, self.attestor, shared=self._shared
        )
        self._engine = engine
        if self._current is not None:  # steps ask for the fixture after the scenario has started
            engine.start(self._current.scenario_id)
            engine.checker.begin_step(self._current.open_step or 0)
        yield engine
        self._engine = None

    # ------------------------------------------------------------ scenarios
    def pytest_bdd_before_scenario(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any
    ) -> None:
        if self.names and not any(n in scenario.name.lower() for n in self.names):
            pytest.skip(NOT_CHOSEN)
        rule = getattr(scenario, "rule", None)
        tags = set(scenario.tags) | set(feature.tags) | (set(rule.tags) if rule is not None else set())
        self._begin(scenario_id_of(feature, scenario, request), Path(feature.filename).name, scenario.name,
                    tags, list(scenario.steps))
        declaration = self.ctx.declaration
        reason = not_declared(tags, declaration.declaration, self.ctx.link.name) if declaration else None
        if reason is not None:
            self._not_declared(reason)
            pytest.skip(reason)

    def _not_declared(self, reason: str) -> None:
        """Close the scenario just begun as « non applicable » (each step says why), without running it."""
        current = self._require_current()
        for step in current.steps:
            index = len(current.verdicts)
            self.emit(StepStarted(self.ctx.run_id, scenario_id=current.scenario_id, index=index,
                                  keyword=step.keyword.strip(), text=step.name))
            current.open_step = index
            self._finish_step(Verdict.NOT_APPLICABLE, reason)
        current.terminal, current.detail = Verdict.NOT_APPLICABLE, reason
        self._close_scenario(current, Verdict.NOT_APPLICABLE)

    def _begin(self, scenario_id: str, feature: str, name: str, tags: set[str], steps: list[Any]) -> None:
        tier = tier_of(tags) or 0
        self.ledger.current_tier = tier
        self.ledger.after_roots = frozenset(after_roots_of(tags))
        self._names_by_id[scenario_id] = (name, tier)
        self._tags_by_id[scenario_id] = tuple(sorted(tags))
        self._current = _Current(scenario_id, time.monotonic(), steps)
        if self._engine is not None:
            self._engine.start(scenario_id)
        self.emit(
            ScenarioStarted(
                self.ctx.run_id,
                scenario_id=scenario_id,
                feature=feature,
                name=name,
                tier=tier,
                link=self.ctx.link.name,
                tags=tuple(sorted(tags)),
            )
        )

    def pytest_bdd_before_step(
        self, request: Any, feature: Any, scenario: Any, step: Any, step_func: Any
    ) -> None:
        current = self._require_current()
        index = len(current.verdicts)
        current.open_step, current.open_rule = index, step_rule(step.keyword.strip(), step.name)
        if self._engine is not None:
            self._engine.checker.begin_step(index)
        self.emit(
            StepStarted(
                self.ctx.run_id,
                scenario_id=current.scenario_id,
                index=index,
                keyword=step.keyword.strip(),
                text=step.name,
            )
        )

    def pytest_bdd_after_step(self, request: Any, feature: Any, scenario: Any, step: Any, **_: Any) -> None:
        if self._engine is not None:
            try:
                self._engine.checker.conclude_step()
            except Exception as exc:
                self._step_failed(exc)
                raise
        self._finish_step(Verdict.PASSED, "")

    def pytest_bdd_step_error(
        self, request: Any, feature: Any, scenario: Any, step: Any, exception: Exception, **_: Any
    ) -> None:
        self._step_failed(exception)

    def _step_failed(self, exception: BaseException) -> None:
        """End the open step with the exception's verdict: BLOCKED when the exception names a prerequisite
        whose root check failed in a lower tier (the check row then links to that root)."""
        current = self._require_current()
        root = None if getattr(exception, "recorded", False) else self.ledger.blocking(
            getattr(exception, "prerequisite", None))
        if root is not None and verdict_of(exception).counts_as_failure:
            exception = blocked_from(exception, root, current.open_rule)
        if isinstance(exception, Blocked):
            current.root = current.root or exception.root
        self._record_failure(failure_check(exception, current.open_rule))
        self._finish_step(verdict_of(exception), describe(exception), terminal=True)

    def pytest_bdd_step_func_lookup_error(
        self, request: Any, feature: Any, scenario: Any, step: Any, exception: Exception
    ) -> None:
        current = self._require_current()
        self.emit(
            StepStarted(
                self.ctx.run_id,
                scenario_id=current.scenario_id,
                index=len(current.verdicts),
                keyword=step.keyword.strip(),
                text=step.name,
            )
        )
        current.open_step = len(current.verdicts)
        unknown = f"« {step.keyword.strip()} {step.name} »"
        self.input_errors.append(f"étape sans définition dans steps/ : {unknown}")
        self._record_failure(
            FailureCheck(
                Verdict.ERROR,
                step_rule(step.keyword.strip(), step.name),
                "une définition de cette étape dans le banc",
                "aucune définition (étape inconnue des modules steps/)",
            )
        )
        self._finish_step(Verdict.ERROR, f"Étape sans définition dans le banc : {step.name}", terminal=True)

    def pytest_bdd_after_scenario(self, request: Any, feature: Any, scenario: Any) -> None:
        if self._current is None:  # not started: left out by --scenario
            return
        current = self._current
        interrupted_here = current.open_step is not None
        if interrupted_here:
            self._finish_step(Verdict.SKIPPED, INTERRUPTED)
        for step in current.steps[len(current.verdicts) :]:
            index = len(current.verdicts)
            self.emit(
                StepStarted(
                    self.ctx.run_id,
                    scenario_id=current.scenario_id,
                    index=index,
                    keyword=step.keyword.strip(),
                    text=step.name,
                )
            )
            current.open_step = index
            self._finish_step(Verdict.SKIPPED, "non exécutée : une étape précédente n'a pas réussi")
        verdict = scenario_verdict(current.verdicts, current.terminal, interrupted=interrupted_here)
        self._close_scenario(current, verdict)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Run-wide resources a tier opened on first use (the Robustesse tier's proxy) end with the run."""
        for close in reversed(self._shared.pop(RUN_CLOSERS, [])):
            close()

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        self.interrupted = True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
        report = yield
        if call.when == "setup" and report.failed and self._current is None:
            tags = _tags_of(item)
            if tags:  # a scenario that could not even start: a bench error (its name is not known yet)
                self._begin(item.nodeid, item.path.name, item.name, tags, [])
                current = self._require_current()
                current.terminal = Verdict.ERROR
                current.detail = (
                    f"Mise en place du scénario impossible : {call.excinfo.value if call.excinfo else ''}"
                )
                self._close_scenario(current, Verdict.ERROR)
        return report

    # ------------------------------------------------------------ helpers
    def _require_current(self) -> _Current:
        if self._current is None:
            raise RuntimeError("aucun scénario en cours")
        return self._current

    def _record_failure(self, failure: FailureCheck | None) -> None:
        """Every failed, timed-out or bench-error step gets a check row naming its rule, what was
        expected and what arrived, even when the step raised without going through the Checker."""
        current = self._require_current()
        if failure is None or current.open_step is None:
            return
        self.emit(
            CheckRecorded(
                self.ctx.run_id,
                scenario_id=current.scenario_id,
                step_index=current.open_step,
                rule=failure.rule,
                verdict=failure.verdict,
                expected=failure.expected,
                received=failure.received,
                distribution_id=failure.distribution_id,
                detail=failure.detail,
                blocked_by=failure.blocked_by,
            )
        )

    def _finish_step(self, verdict: Verdict, detail: str, *, terminal: bool = False) -> None:
        current = self._require_current()
        if current.open_step is None:
            return
        index, current.open_step = current.open_step, None
        current.verdicts.append(verdict)
        if terminal:
            current.terminal, current.detail = verdict, detail
        self.emit(
            StepFinished(
                self.ctx.run_id, scenario_id=current.scenario_id, index=index, verdict=verdict, detail=detail
            )
        )

    def report_tiers_without_scenarios(self) -> None:
        """A requested tier with no scenario for this link (e.g. EMSI, tier 7, exists on 15-NexSIS only)
        is reported "non applicable", so no report shows it as merely "not run"."""
        judged = {summary.tier for summary in self.summaries}
        link = self.ctx.link.name
        for tier in sorted(set(self.ctx.tiers) - judged):
            scenario_id = f"palier-{tier}::sans-objet-{link}"
            name = f"{tier_label(tier)} : aucun scénario pour la liaison {link}"
            tags = (f"palier-{tier}", link)
            self.emit(ScenarioStarted(self.ctx.run_id, scenario_id=scenario_id, feature=f"palier-{tier}",
                                      name=name, tier=tier, link=link, tags=tags))
            reason = self.ctx.link.reason_not_applicable(tier)
            if reason:  # the link says why (15-GPS, tiers 6–7): one step carries the reason
                self.emit(StepStarted(self.ctx.run_id, scenario_id=scenario_id, index=0, keyword="Alors",
                                      text=f"palier non applicable sur {link}"))
                self.emit(StepFinished(self.ctx.run_id, scenario_id=scenario_id, index=0,
                                       verdict=Verdict.NOT_APPLICABLE, detail=reason))
            self.emit(ScenarioFinished(self.ctx.run_id, scenario_id=scenario_id,
                                       verdict=Verdict.NOT_APPLICABLE, duration_s=0.0))
            self.summaries.append(ScenarioSummary(scenario_id, name, tier, Verdict.NOT_APPLICABLE,
                                                  reason or "palier sans objet sur cette liaison", tags))

    def _close_scenario(self, current: _Current, verdict: Verdict) -> None:
        root = current.root if verdict is Verdict.BLOCKED else None
        self.emit(
            ScenarioFinished(
                self.ctx.run_id,
                scenario_id=current.scenario_id,
                verdict=verdict,
                duration_s=round(time.monotonic() - current.started, 3),
                blocked_by=root.scenario_id if root else None,
                blocked_by_tier=root.tier if root else None,
            )
        )
        name, tier = self._names_by_id.get(current.scenario_id, (current.scenario_id, 0))
        tags = self._tags_by_id.get(current.scenario_id, ())
        self.ledger.scenario_closed(current.scenario_id, name, tier, tags, verdict)
        self.summaries.append(ScenarioSummary(current.scenario_id, name, tier, verdict, current.detail, tags,
                                              root.tier if root else None))
        self._current = None


def scenario_verdict(step_verdicts: list[Verdict], terminal: Verdict | None, *, interrupted: bool) -> Verdict:
    """The scenario's verdict from its steps (skipped steps do not count).

    A step that ended "non applicable" makes the whole scenario non applicable; an interrupted
    scenario with nothing wrong so far, or one where the operator skipped a step, is "non exécuté".
    """
    done: list[Verdict] = [v for v in step_verdicts if v is not Verdict.SKIPPED]
    if terminal is Verdict.SKIPPED and not interrupted and all(v is Verdict.PASSED for v in done):
        return Verdict.SKIPPED  # a step the operator skipped (OperatorSkipped): never passed
    if terminal is Verdict.NOT_APPLICABLE and all(
        v in (Verdict.PASSED, Verdict.NOT_APPLICABLE) for v in done
    ):
        return Verdict.NOT_APPLICABLE
    if interrupted and all(v is Verdict.PASSED for v in done):
        return Verdict.SKIPPED
    if not done:
        return Verdict.SKIPPED if interrupted else Verdict.NOT_RUN
    return aggregate(done)


def scenario_id_of(feature: Any, scenario: Any, request: Any) -> str:
    """Stable id "<feature file>::<scenario name>" (+ " [example]" for a Plan du Scénario row)."""
    base = f"{Path(feature.filename).name}::{scenario.name}"
    callspec = getattr(getattr(request, "node", None), "callspec", None)
    return f"{base} [{callspec.id}]" if callspec is not None else base


def _tags_of(item: pytest.Item) -> set[str]:
    function = getattr(item, "obj", None)
    return set(_SCENARIO_TAGS.get(function, ())) if callable(function) else set()
