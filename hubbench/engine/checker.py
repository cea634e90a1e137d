"""Judging rules: every judgement becomes a `CheckRecorded` event that cites its rule.

A hard check that fails raises `CheckFailed` at once (the step stops). Soft checks record their
failure and let the step go on, so one step can report several broken rules; the plugin fails the
step at its end when any soft check failed (`SoftChecksFailed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hubbench.engine.errors import CheckFailed
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
    _soft_failures: list[CheckRecorded] = field(default_factory=list)

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
    ) -> bool:
        """Record one rule; a hard failure raises `CheckFailed`, a soft one is kept for the step end."""
        event = self.record(
            Verdict.PASSED if ok else Verdict.FAILED, rule, expected, received, distribution_id, detail
        )
        if ok:
            return True
        if soft:
            self._soft_failures.append(event)
            return False
        failure = CheckFailed(rule, expected, received, distribution_id)
        failure.recorded = True
        raise failure

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
        """Raise `SoftChecksFailed` when a soft check of the current step failed."""
        if self._soft_failures:
            failures, self._soft_failures = self._soft_failures, []
            raise SoftChecksFailed(failures)


def _show(value: object) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, str):
        return f"« {value} »"
    return str(value)
