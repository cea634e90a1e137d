"""JUnit XML: one testsuite per (tier, feature), one testcase per scenario.

failed / timed out → <failure> whose message is "Attendu : … — Reçu : … — Règle : …"; blocked by a
lower tier → <failure type="blocked"> whose message is « Bloqué par le palier N (cause première : …) »;
bench error → <error>; pending attestation → <skipped message="à attester">; skipped / not applicable
→ <skipped> (its message gives the reason, e.g. « non déclaré : … »); « non vérifiable à distance »
(external hub) → <skipped> whose text lists each unverifiable check. Each suite's properties carry the
run's declaration and the pack's provenance (pack_tag, pack_source, pack_checksum, provisional); on
provisional validation each testcase carries `verdict = "… (provisoire)"` and says why in system-out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from pathlib import Path

from hubbench.declaration import summary_text
from hubbench.events import Verdict
from hubbench.results.reporters._common import (
    PROVISIONAL_NOTE,
    RunSource,
    failure_lines,
    load_run,
    pack_properties,
    prepare,
    unverifiable_lines,
    verdict_of,
    verdict_text,
)
from hubbench.results.views import ScenarioView

_FAILURES = (Verdict.FAILED, Verdict.TIMED_OUT, Verdict.BLOCKED)


def _testcase(suite: ET.Element, scenario: ScenarioView, provisional: bool) -> str | None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=scenario.name,
        classname=f"palier{scenario.tier}.{scenario.feature}",
        time=f"{scenario.duration_s or 0:.3f}",
    )
    verdict = verdict_of(scenario)
    if verdict is Verdict.PASSED:
        kind = None
    elif verdict in _FAILURES or verdict is Verdict.ERROR:
        kind = "failure" if verdict in _FAILURES else "error"
        lines = failure_lines(scenario)
        element = ET.SubElement(case, kind, message=lines[0], type=verdict.value)
        element.text = "\n".join(lines)
    else:
        kind = "skipped"
        reasons = {s.detail for s in scenario.steps if s.verdict is Verdict.NOT_APPLICABLE and s.detail}
        message = verdict_text(scenario) + (f" — {' ; '.join(sorted(reasons))}" if reasons else "")
        element = ET.SubElement(case, "skipped", message=message)
        pending = [a.question for a in scenario.attestations if a.status == "pending"]
        element.text = "\n".join([*pending, *unverifiable_lines(scenario)]) or None
    if provisional:  # every verdict of the run rests on provisional validation
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", name="verdict", value=f"{verdict.label_fr} (provisoire)")
    out = [line for line in (PROVISIONAL_NOTE if provisional else "", scenario.remark or "") if line]
    if out:
        ET.SubElement(case, "system-out").text = "\n".join(out)
    return kind


def write_junit(store: RunSource, run_id: str, path: str | Path) -> Path:
    detail = load_run(store, run_id)
    run = detail.run
    mark = " — VERDICTS PROVISOIRES" if run.provisional else ""
    root = ET.Element("testsuites", name=f"hubbench {run.vendor} {run.link} ({run.run_id}){mark}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    ordered = sorted(detail.scenarios, key=lambda s: (s.tier, s.feature))
    for (tier, feature), group in groupby(ordered, key=lambda s: (s.tier, s.feature)):
        scenarios = list(group)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"Palier {tier} — {feature}",
            timestamp=min(s.started_at for s in scenarios).isoformat(),
            time=f"{sum(s.duration_s or 0 for s in scenarios):.3f}",
        )
        props = ET.SubElement(suite, "properties")
        for name in ("run_id", "vendor", "client_id", "link", "vhost", "bench_version"):
            ET.SubElement(props, "property", name=name, value=str(getattr(run, name)))
        ET.SubElement(props, "property", name="declaration", value=summary_text(run.declaration, run.link))
        for name, text in pack_properties(run):
            ET.SubElement(props, "property", name=name, value=text)
        counts = {"tests": len(scenarios), "failures": 0, "errors": 0, "skipped": 0}
        for scenario in scenarios:
            kind = _testcase(suite, scenario, run.provisional)
            if kind is not None:
                counts[{"failure": "failures", "error": "errors", "skipped": "skipped"}[kind]] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    target = prepare(path)
    ET.ElementTree(root).write(target, encoding="utf-8", xml_declaration=True)
    return target
