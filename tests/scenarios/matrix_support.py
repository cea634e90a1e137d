"""What the scenario matrices share: partner ids of a run's own, a run's result read from `run_one.py`,
the table printed when an assertion fails."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from hubbench.engine.links import default_partner_id, get_link
from hubbench.events import Verdict

RUN_LIMIT_S = 420


def partner_for(client_id: str, link: str) -> str:
    """A partner id of the run's own (SAMU codes of 1–5 characters; a tablet below it on 15-SMUR)."""
    if link == "15-NexSIS":
        return default_partner_id(get_link(link), client_id)
    samu = client_id.replace("samu8", "samuQ")
    return f"{samu}.smur" if link == "15-SMUR" else samu


def collect(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The JSON line `run_one.py` printed (or its error output), waiting at most `RUN_LIMIT_S`."""
    try:
        out, err = process.communicate(timeout=RUN_LIMIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"error": err[-3000:], "scenarios": []}


def failing(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result["scenarios"] if Verdict(s["verdict"]).counts_as_failure]


def summary(result: dict[str, Any]) -> str:
    """Verdict counts and the failing scenarios, on one line."""
    counts: dict[str, int] = {}
    for scenario in result["scenarios"]:
        counts[scenario["verdict"]] = counts.get(scenario["verdict"], 0) + 1
    return f"{counts}  échecs : {'; '.join(s['name'] for s in failing(result)) or '—'}"


def table(result: dict[str, Any]) -> str:
    rows = [f"  P{s['tier']} {s['verdict']:<20} {s['name']} — {s['detail'][:200]}"
            for s in result["scenarios"]]
    log = "\n".join(f"  | {line}" for line in result.get("sim_log", []))
    return ("\n".join(rows) or f"  aucun scénario ({result.get('error', '')})") + (
        f"\n  journal du vendeur de référence (fin, erreur {result.get('sim_error')}) :\n{log}")
