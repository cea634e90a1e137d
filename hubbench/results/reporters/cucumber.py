"""Standard Cucumber JSON (features → elements → steps), as read by Cucumber report tools.

Step status: passed; failed (failed, bench error, timed out, blocked by a lower tier); pending (pending
attestation); skipped (skipped, not applicable, or never finished); durations in nanoseconds. The
features' description gives the run's declaration. Attestations and overrides
appear as `after` hooks of the scenario, so the scenario's final status is visible without inventing
steps. The feature description names the pack (tag, source, checksum); on provisional validation every
feature and scenario carries the tag `@provisoire` and the scenario description says why.
"""

from __future__ import annotations

import json
import re
from itertools import groupby
from pathlib import Path
from typing import Any

from hubbench.declaration import summary_text
from hubbench.events import Verdict
from hubbench.results.reporters._common import (
    PROVISIONAL_NOTE,
    PROVISIONAL_TAG,
    RunSource,
    failure_lines,
    load_run,
    pack_properties,
    prepare,
    verdict_of,
)
from hubbench.results.views import ScenarioView, StepView

_STATUS = {
    Verdict.PASSED: "passed",
    Verdict.FAILED: "failed",
    Verdict.ERROR: "failed",
    Verdict.TIMED_OUT: "failed",
    Verdict.BLOCKED: "failed",
    Verdict.PENDING_ATTESTATION: "pending",
    Verdict.UNVERIFIABLE_REMOTE: "undefined",
    Verdict.SKIPPED: "skipped",
    Verdict.NOT_APPLICABLE: "skipped",
    Verdict.NOT_RUN: "skipped",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _step(step: StepView, line: int) -> dict[str, Any]:
    result: dict[str, Any] = {"status": _STATUS[step.verdict] if step.verdict else "skipped"}
    if step.finished_at is not None:
        result["duration"] = max(0, int((step.finished_at - step.started_at).total_seconds() * 1e9))
    errors = [
        f"Attendu : {c.expected} — Reçu : {c.received} — Règle : {c.rule}"
        for c in step.checks
        if c.verdict.counts_as_failure
    ]
    if step.verdict is not None and step.verdict.counts_as_failure:
        errors.append(f"{step.verdict.label_fr}" + (f" — {step.detail}" if step.detail else ""))
    if errors:
        result["error_message"] = "\n".join(errors)
    keyword = step.keyword if step.keyword.endswith(" ") else f"{step.keyword} "
    return {
        "keyword": keyword,
        "name": step.text,
        "line": line,
        "match": {"location": "hubbench"},
        "result": result,
    }


def _hooks(scenario: ScenarioView) -> list[dict[str, Any]]:
    hooks = []
    for attestation in scenario.attestations:
        status = "pending" if attestation.status == "pending" else "passed"
        if attestation.answers and any(x["answer"] == "invalid" for x in attestation.answers):
            status = "failed"
        hook: dict[str, Any] = {
            "match": {"location": f"attestation:{attestation.attestation_id}"},
            "result": {"status": status, "duration": 0},
        }
        if status != "passed":
            hook["result"]["error_message"] = (
                f"à attester : {attestation.question}"
                if status == "pending"
                else ("\n".join(failure_lines(scenario)))
            )
        hooks.append(hook)
    if scenario.overrides:
        final = scenario.overrides[-1]
        hooks.append(
            {
                "match": {"location": "override"},
                "result": {
                    "status": _STATUS[final.verdict],
                    "duration": 0,
                    "error_message": f"verdict forcé par {final.who} : {final.comment}",
                },
            }
        )
    return hooks


def _element(scenario: ScenarioView, feature_id: str, line: int, provisional: bool) -> dict[str, Any]:
    tags = [t if t.startswith("@") else f"@{t}" for t in scenario.tags]
    if provisional:
        tags.append(PROVISIONAL_TAG)
    description = "\n".join(x for x in (PROVISIONAL_NOTE if provisional else "", scenario.remark or "") if x)
    element: dict[str, Any] = {
        "id": f"{feature_id};{_slug(scenario.name)}",
        "keyword": "Scénario",
        "type": "scenario",
        "name": scenario.name,
        "description": description,
        "line": line,
        "tags": [{"name": t, "line": line - 1} for t in tags],
        "steps": [_step(step, line + 1 + i) for i, step in enumerate(scenario.steps)],
    }
    hooks = _hooks(scenario)
    if not scenario.steps and verdict_of(scenario) is not Verdict.PASSED:  # keep the verdict visible
        status = _STATUS[verdict_of(scenario)]
        message = "\n".join(failure_lines(scenario))
        hooks.append(
            {
                "match": {"location": "hubbench"},
                "result": {"status": status, "duration": 0, "error_message": message},
            }
        )
    if hooks:
        element["after"] = hooks
    return element


def cucumber_features(store: RunSource, run_id: str) -> list[dict[str, Any]]:
    detail = load_run(store, run_id)
    pack = (f"{name} = {value}" for name, value in pack_properties(detail.run))
    description = " · ".join([summary_text(detail.run.declaration, detail.run.link), *pack])
    features = []
    ordered = sorted(detail.scenarios, key=lambda s: (s.feature, s.started_at))
    for feature, group in groupby(ordered, key=lambda s: s.feature):
        feature_id = _slug(feature)
        elements, line = [], 3
        for scenario in group:
            elements.append(_element(scenario, feature_id, line, detail.run.provisional))
            line += len(scenario.steps) + 3
        features.append(
            {
                "uri": feature,
                "id": feature_id,
                "keyword": "Fonctionnalité",
                "name": feature,
                "description": description,
                "line": 1,
                "tags": [{"name": PROVISIONAL_TAG, "line": 0}] if detail.run.provisional else [],
                "elements": elements,
            }
        )
    return features


def write_cucumber_json(store: RunSource, run_id: str, path: str | Path) -> Path:
    target = prepare(path)
    target.write_text(
        json.dumps(cucumber_features(store, run_id), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return target
