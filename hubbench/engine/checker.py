"""Judging rules: every judgement becomes a `CheckRecorded` event that cites its rule.

A hard check that fails raises `CheckFailed` at once (the step stops). Soft checks record their
failure and let the step go on, so one step can report several broken rules; the plugin fails the
step at its end when any soft check failed (`SoftChecksFailed`). A check that names the prerequisite
rule it depends on (`prerequisite=`, see `engine.prerequisites`) and fails while that rule's root check
already failed in a lower tier is recorded BLOCKED (`Blocked`), linked to the root scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hubbench.engine.errors import Blocked, CheckFailed
from hubbench.engine.prerequisites import RootFailure
from hubbench.events import CheckRecorded, Event, Verdict


class SoftChecksFailed(CheckFailed):
    """Raised after a step whose soft checks failed; lists every failed rule (each already recorded)."""

    recorded = True

    def __init__(self, failures: list[CheckRecorded]) -> None:
        first = failures[0]
        super().__init__(first.rule, first.expected, first.received, first.distribution_id)
        self.failures = failures
        if len(failures) > 1:
            self.message = f"{len(failures)} règles non respectées : " + " | ".join(
                f"{f.rule} (attendu {f.expected} ; reçu {f.received})" for f in failures
            )


@dataclass
class Checker:
    run_id: str
    scenario_id: str
    emit: Callable[[Event], None]
    step_index: int = 0
    blocking: Callable[[str | None], RootFailure | None] = lambda key: None  # `Ledger.blocking`
    _soft_failures: list[CheckRecorded] = field(default_factory=list)
    _roots: dict[str, RootFailure] = field(default_factory=dict)  # root scenario id → root, blocked checks

    def begin_step(self, index: int) -> None:
        self.step_index = index
        self._soft_failures = []

    def record(
        self,
        verdict: Verdict,
        rule: str,
        expected: str,
        received: str,
        distribution_id: str | None = None,
        detail: str = "",
        blocked_by: str | None = None,
    ) -> CheckRecorded:
        event = CheckRecorded(
            self.run_id,
            scenario_id=self.scenario_id,
            step_index=self.step_index,
            rule=rule,
            verdict=verdict,
            expected=expected,
            received=received,
            distribution_id=distribution_id,
            detail=detail,
            blocked_by=blocked_by,
        )
        self.emit(event)
        return event

    def that(
        self,
        ok: bool,
        rule: str,
        expected: str,
        received: str,
        distribution_id: str | None = None,
        *,
        soft: bool = False,
        detail: str = "",
        prerequisite: str | None = None,
    ) -> bool:
        """Record one rule; a hard failure raises `CheckFailed` (`Blocked` when `prerequisite` failed in a
        lower tier), a soft one is kept for the step end."""
        root = None if ok else self.blocking(prerequisite)
        if root is not None:
            self._roots[root.scenario_id] = root
            event = self.record(Verdict.BLOCKED, rule, expected, received, distribution_id,
                                root.explain(rule), blocked_by=root.scenario_id)
        else:
            verdict = Verdict.PASSED if ok else Verdict.FAILED
            event = self.record(verdict, rule, expected, received, distribution_id, detail)
        if ok:
            return True
        if soft:
            self._soft_failures.append(event)
            return False
        failure = self._raised(event)
        failure.recorded = True
        raise failure

    def _raised(self, event: CheckRecorded) -> CheckFailed | Blocked:
        root = self._roots.get(event.blocked_by or "")
        if root is not None:
            return Blocked(root, event.rule, event.expected, event.received, event.distribution_id)
        return CheckFailed(event.rule, event.expected, event.received, event.distribution_id)

    def equal(
        self,
        received: object,
        expected: object,
        rule: str,
        distribution_id: str | None = None,
        *,
        soft: bool = False,
    ) -> bool:
        return self.that(
            received == expected, rule, _show(expected), _show(received), distribution_id, soft=soft
        )

    def soft_failures(self) -> list[CheckRecorded]:
        return list(self._soft_failures)

    def conclude_step(self) -> None:
        """Raise `SoftChecksFailed` when a soft check of the current step failed by itself, `Blocked` when
        every failed soft check was blocked by a lower tier's root."""
        if self._soft_failures:
            failures, self._soft_failures = self._soft_failures, []
            own = [f for f in failures if f.verdict is not Verdict.BLOCKED]
            if own:
                raise SoftChecksFailed(own)
            blocked = self._raised(failures[0])
            blocked.recorded = True
            raise blocked


def _show(value: object) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, str):
        return f"« {value} »"
    return str(value)
