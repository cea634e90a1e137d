"""Shared by the reporters: load a stored run, explain a scenario's verdict in French."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from hubbench.errors import UsageError
from hubbench.events import Verdict, blocked_label
from hubbench.results.views import RunDetail, RunSummary, ScenarioView

PROVISIONAL_TAG = "@provisoire"
PROVISIONAL_NOTE = ("Verdict PROVISOIRE : validation de repli hubsante-model, le pack officiel du vhost "
                    "était indisponible ; aucun certificat ne peut en être tiré.")


class RunSource(Protocol):
    def run_detail(self, run_id: str) -> RunDetail | None: ...


def load_run(store: RunSource, run_id: str) -> RunDetail:
    detail = store.run_detail(run_id)
    if detail is None:
        raise UsageError(f"Exécution inconnue : {run_id}")
    return detail


def prepare(path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def pack_properties(run: RunSummary) -> list[tuple[str, str]]:
    """The run's pack provenance as (name, value) pairs: tag, source, checksum, provisional (and why)."""
    pack = run.pack or {}
    pairs = [("pack_tag", run.pack_tag), ("pack_source", str(pack.get("source") or "inconnue")),
             ("pack_checksum", str(pack.get("checksum") or "aucune")),
             ("provisional", "true" if run.provisional else "false")]
    if run.provisional:
        pairs.append(("provisional_reason", str(pack.get("reason") or "")))
    return pairs


def verdict_of(scenario: ScenarioView) -> Verdict:
    return scenario.verdict or Verdict.NOT_RUN


def unverifiable_checks(scenario: ScenarioView) -> list[dict[str, str]]:
    """External-hub mode: the checks whose evidence only the hub's operator has, with the reason."""
    return [
        {"rule": c.rule, "needs": c.expected, "reason": c.received}
        for c in scenario.checks
        if c.verdict is Verdict.UNVERIFIABLE_REMOTE
    ]


def unverifiable_lines(scenario: ScenarioView) -> list[str]:
    return [f"Non vérifiable à distance : {c['rule']} ({c['needs']})" for c in unverifiable_checks(scenario)]


def verdict_text(scenario: ScenarioView) -> str:
    """The scenario's verdict in French; « bloqué par le palier N » for a blocked one."""
    verdict = verdict_of(scenario)
    return blocked_label(scenario.blocked_by_tier) if verdict is Verdict.BLOCKED else verdict.label_fr


def failure_lines(scenario: ScenarioView) -> list[str]:
    """Why a scenario did not pass: failing checks (expected / received / rule), else failing steps,
    plus the override or remark that decided the verdict."""
    lines = [
        f"Attendu : {c.expected} — Reçu : {c.received} — Règle : {c.rule}"
        + (f" (distributionID {c.distribution_id})" if c.distribution_id else "")
        for c in scenario.checks
        if c.verdict.counts_as_failure
    ]
    if not lines:
        lines = [
            f"Étape « {s.keyword} {s.text} » : {s.verdict.label_fr}" + (f" — {s.detail}" if s.detail else "")
            for s in scenario.steps
            if s.verdict is not None and s.verdict.counts_as_failure
        ]
    lines += [
        f"Attestation « {a.question} » jugée invalide par {a.answered_by}"
        for a in scenario.attestations
        if a.answers and any(x["answer"] == "invalid" for x in a.answers)
    ]
    if scenario.remark:
        lines.append(scenario.remark)
    if verdict_of(scenario) is Verdict.BLOCKED:
        root = f" (cause première : {scenario.blocked_by})" if scenario.blocked_by else ""
        lines.insert(0, f"{verdict_text(scenario).capitalize()}{root}")
    return lines or [f"Verdict : {verdict_text(scenario)}"]
