"""Verdict rules applied by the store on top of what the engine announced (pure functions).

Attestation (a person judges each checklist item valid / approximate / invalid):
  * an item answered `invalid`             → the attestation is FAILED;
  * otherwise every item `valid`           → PASSED;
  * otherwise (some `approximate`)         → PASSED with a remark ("validé avec réserve"): an
    approximation is accepted, as the official test LRM does, but it stays visible in every report.
  * not answered yet                       → PENDING_ATTESTATION.
Scenario: the engine's verdict when it has no attestation; otherwise the worst (`aggregate`) of its
step verdicts other than PENDING_ATTESTATION, the engine verdict when it is not PENDING_ATTESTATION,
and one verdict per attestation. An override (the latest one) replaces the result, comment kept.
Run: the worst of its scenarios' effective verdicts, plus ERROR when the engine itself announced
ERROR for the run (a set-up failure no scenario shows); the engine verdict when it has no scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hubbench.events import Verdict, aggregate

ANSWERS: tuple[str, ...] = ("valid", "approximate", "invalid")
ANSWER_LABELS_FR = {"valid": "valide", "approximate": "approximatif", "invalid": "invalide"}
APPROXIMATE_REMARK = "validé avec réserve (approximatif) : "


def attestation_verdict(answers: Sequence[str] | None) -> Verdict:
    if answers is None:
        return Verdict.PENDING_ATTESTATION
    if "invalid" in answers:
        return Verdict.FAILED
    return Verdict.PASSED


def approximate_items(answers: Sequence[str] | None) -> list[int]:
    return [i for i, answer in enumerate(answers or ()) if answer == "approximate"]


def scenario_verdict(
    engine_verdict: Verdict | None,
    step_verdicts: Iterable[Verdict],
    attestation_verdicts: Sequence[Verdict],
) -> Verdict | None:
    """None while the scenario has not finished and has no attestation answered."""
    if not attestation_verdicts:
        return engine_verdict
    if engine_verdict is None:
        return None
    parts = [v for v in step_verdicts if v is not Verdict.PENDING_ATTESTATION]
    if engine_verdict is not Verdict.PENDING_ATTESTATION:
        parts.append(engine_verdict)
    return aggregate([*parts, *attestation_verdicts])


def run_verdict(
    engine_verdict: Verdict | None, scenario_verdicts: Sequence[Verdict | None]
) -> Verdict | None:
    present = [v for v in scenario_verdicts if v is not None]
    if not present:
        return engine_verdict
    if engine_verdict is Verdict.ERROR:
        present.append(Verdict.ERROR)
    return aggregate(present)
