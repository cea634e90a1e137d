"""Vendor phase of bench/reliability.py: the Robustesse tier (issue 18) against the reference vendors.

On the reliability node and its dispatcher, the conforming vendor and each robustness fault profile run
tier R at once (one engine process each, bounded by `limit_s`): the bench's proxy cuts, resets and stalls
their links, then fuzzes their consumers. Figures: network faults injected (fault scenarios that got past
their connection step), the vendors' recoveries (sessions opened again after a loss), messages lost
(that the vendors abandoned), fuzz messages sent (probes aside), consumer failures found (fuzz
scenarios failed), and whether each fault profile was caught while `conforme` passed.
"""

from __future__ import annotations

import re
import time
from typing import Any

from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import collect_all, failures, start_run, start_vendor

from hubbench.engine import consumer_fuzz, robustness
from hubbench.events import Verdict
from hubbench.sim.profiles import PROFILES, ROBUSTNESS_TIER

# fuzz scenario → messages per batch, batches (a passed scenario sent them all; a verdict's detail only
# says what a failed one sent)
FUZZ_SCENARIOS = {
    "Messages inhabituels mais valides": (robustness.FUZZ_BATCH_SIZE, robustness.FUZZ_BATCHES),
    "Messages générés depuis le schéma officiel": (consumer_fuzz.BATCH_SIZE, consumer_fuzz.BATCHES),
}
NOT_REACHED = "pas revenu depuis la panne"  # a scenario whose connection step found the vendor gone
SENT = re.compile(r"(\d+) messages générés envoyés")
BATCH = re.compile(r"lot (\d+)")
FIRST_ID = 646  # fr.health.samu646…: clients of this phase, then their partners


def vendor_phase(hub: HubFixture, vhost: str, limit_s: float) -> dict[str, Any]:
    names = ["conforme", *(p.name for p in PROFILES.values() if p.tier == ROBUSTNESS_TIER)]
    ids = {name: f"fr.health.samu{FIRST_ID + i}" for i, name in enumerate(names)}
    started = time.monotonic()
    sims = {name: start_vendor(hub, client_id, name, vhost) for name, client_id in ids.items()}
    try:
        processes = {
            name: start_run(process_env(hub), f"fiabilite-{name}", client_id, "15-15", "R", vhost=vhost,
                            partner=f"fr.health.samu{FIRST_ID + len(ids) + i}")
            for i, (name, client_id) in enumerate(ids.items())
        }
        results = collect_all(processes, sims, "phase éditeur (Robustesse)", started, limit_s=limit_s)
    finally:
        for sim in sims.values():
            sim.stop()
    return _figures(results, sims, time.monotonic() - started)


def _fuzz_sent(verdict: Verdict, detail: str, batch_size: int, batches: int) -> int:
    if verdict is Verdict.PASSED:
        return batch_size * batches
    if found := SENT.search(detail):
        return int(found[1])
    return int(found[1]) * batch_size if (found := BATCH.search(detail)) else 0


def _figures(results: dict[str, dict[str, Any]], sims: dict[str, Any], seconds: float) -> dict[str, Any]:
    faults = sent = found = 0
    caught: dict[str, bool] = {}
    for name, result in results.items():
        for scenario in result["scenarios"]:
            fuzz = next((size for f, size in FUZZ_SCENARIOS.items() if f in scenario["name"]), None)
            verdict, detail = Verdict(scenario["verdict"]), scenario["detail"]
            reached = verdict in (Verdict.PASSED, Verdict.FAILED) and NOT_REACHED not in detail
            if reached and fuzz is None:
                faults += 1
            if reached and fuzz is not None:
                sent += _fuzz_sent(verdict, detail, *fuzz)
                found += int(verdict is Verdict.FAILED)
        if name != "conforme":
            caught[name] = bool(failures(result))
    conforme = results["conforme"]
    return {
        "faults_injected": faults,
        "recoveries": sum(sim.vendor.stats.recoveries for sim in sims.values()),
        "messages_lost": sum(sim.vendor.stats.dropped for sim in sims.values()),
        "fuzz_cases_sent": sent,
        "crashes_found": found,
        "vendor_crashes": sum(1 for sim in sims.values() if sim.error is not None),
        "conforme_passed": bool(conforme["scenarios"]) and not failures(conforme),
        "faults_caught": sum(caught.values()),
        "fault_profiles": len(caught),
        "seconds": round(seconds, 1),
    }
