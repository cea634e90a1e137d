"""hubbench's own run report: the stored run as JSON (run, scenarios → steps → checks, prompts,
exchanged messages, attestations, overrides). Message bodies are health data: left out unless asked.
Top level: `pack` (tag, source, checksum, provisional, reason), `provisional` (every verdict of the run
rests on provisional validation) and `remote_unverifiable` (external-hub mode: each check « non vérifiable
à distance », its scenario, rule and what evidence it needs)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubbench.results.reporters._common import RunSource, load_run, prepare, unverifiable_checks
from hubbench.results.views import as_dict

REPORT_FORMAT = "hubbench-run-report/1"


def json_report(store: RunSource, run_id: str, *, include_bodies: bool = False) -> dict[str, Any]:
    detail = load_run(store, run_id)
    if not include_bodies:
        detail = dataclasses.replace(
            detail,
            scenarios=[
                dataclasses.replace(s, messages=[dataclasses.replace(m, body=None) for m in s.messages])
                for s in detail.scenarios
            ],
        )
    remote = [{"scenario_id": s.scenario_id, "scenario": s.name, "tier": s.tier, **check}
              for s in detail.scenarios for check in unverifiable_checks(s)]
    return {"format": REPORT_FORMAT, "generated_at": datetime.now(UTC).isoformat(),
            "provisional": detail.run.provisional, "pack": detail.run.pack,
            "remote_unverifiable": remote, **as_dict(detail)}


def write_json(store: RunSource, run_id: str, path: str | Path, *, include_bodies: bool = False) -> Path:
    target = prepare(path)
    report = json_report(store, run_id, include_bodies=include_bodies)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return target
