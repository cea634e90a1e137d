"""The optional Robustesse tier on the real hub: the reference vendors connect through the bench's fault
proxy (a `connect_via_proxy` prompt), then live its network faults and its unusual messages.

`conforme` passes every scenario; each robustness fault profile is caught by the scenario(s) of the rule
it breaks and by no scenario before them (`sans-reconnexion` stays gone after the first cut, so every
later scenario fails too). All runs go at once (one process per run) against one node and its dispatcher.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubbench.campaigns.demo import pack_source_env
from hubbench.events import Verdict
from hubbench.home import HOME_ENV, PACK_SOURCE_ENV
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.supervision import dispatcher_health, start_dispatcher, stop_dispatcher
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES, ROBUSTNESS_TIER

LINK, VHOST, TIERS = "15-15", "15-15_v1.5", "R"
RUN_LIMIT_S = 240
RUN_ONE = Path(__file__).with_name("run_one.py")
FIRST_CUT = "Coupure pendant un envoi"
SEND_SCENARIOS = (FIRST_CUT, "Fermeture pendant l'attente de la confirmation")
FUZZ = "Messages inhabituels mais valides"

# Each fault profile → the scenarios (fragments of their French names) it must fail, and only those.
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "perd-non-confirmes": SEND_SCENARIOS,
    "sans-reconnexion": (FIRST_CUT, *SEND_SCENARIOS[1:], "Coupure pendant une réception",
                         "Réinitialisation de la liaison", "Liaison bloquée", FUZZ),
    "meurt-sur-chaine-longue": (FUZZ,),
    "arret-sur-texte-inhabituel": (FUZZ,),
}
PROFILE_NAMES = ("conforme", *EXPECTED_FAILURES)
CLIENT_IDS = {name: f"fr.health.samu7{i:02d}" for i, name in enumerate(PROFILE_NAMES, start=10)}

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(hub_node: Any) -> Iterator[dict[str, dict[str, Any]]]:
    home, settings = hub_node.home, hub_node.settings
    env = {**pack_source_env(), HOME_ENV: str(home.root)}
    already_running = dispatcher_health(home).get("running", False)
    registry = ClientRegistry(home, settings)
    sims: list[VendorThread] = []
    with pytest.MonkeyPatch.context() as patch:
        if env.get(PACK_SOURCE_ENV):
            patch.setenv(PACK_SOURCE_ENV, env[PACK_SOURCE_ENV])
        start_dispatcher(home, settings)
        try:
            for name, client_id in CLIENT_IDS.items():
                registry.add(client_id, vhosts=[VHOST], editor="hubbench-tests")
                sims.append(VendorThread(build_vendor(home, client_id, PROFILES[name], vhost=VHOST,
                                                      settings=settings)).start())
            started = time.monotonic()
            processes = {
                name: subprocess.Popen(
                    [sys.executable, str(RUN_ONE), f"ref-rob-{name}", client_id, LINK, TIERS,
                     client_id.replace("samu7", "samuR")],
                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for name, client_id in CLIENT_IDS.items()
            }
            results = {name: _result_of(process, started) for name, process in processes.items()}
            for name, result in results.items():
                print(f"  {name:<28} {result.get('verdict')} en {result.get('elapsed_s', '?')} s")
            for name, sim in zip(CLIENT_IDS, sims, strict=True):
                results[name]["sim_log"] = [entry.text for entry in sim.vendor.log][-20:]
                results[name]["sim_error"] = repr(sim.error) if sim.error else None
            print(f"\nmatrice Robustesse : {len(processes)} campagnes en {time.monotonic() - started:.0f} s")
            yield results
        finally:
            for sim in sims:
                sim.stop()
            if not already_running:
                stop_dispatcher(home)


def _result_of(process: subprocess.Popen[str], started: float) -> dict[str, Any]:
    try:
        out, err = process.communicate(timeout=RUN_LIMIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    found = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    result = found[-1] if found else {"error": err[-3000:], "scenarios": []}
    return {**result, "elapsed_s": round(time.monotonic() - started)}


def _report(result: dict[str, Any]) -> str:
    rows = "\n".join(f"  {s['verdict']:<20} {s['name']} — {s['detail'][:220]}" for s in result["scenarios"])
    log = "\n".join(f"  | {line}" for line in result.get("sim_log", []))
    return f"{rows or result.get('error', '')}\n  vendeur (erreur {result.get('sim_error')}) :\n{log}"


def _failed(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result["scenarios"] if Verdict(s["verdict"]).counts_as_failure]


def test_conforme_passes_the_robustness_tier(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    assert len(result["scenarios"]) == 6, _report(result)
    assert {s["tier"] for s in result["scenarios"]} == {ROBUSTNESS_TIER}, _report(result)
    assert all(Verdict(s["verdict"]) is Verdict.PASSED for s in result["scenarios"]), _report(result)


@pytest.mark.parametrize("profile", list(EXPECTED_FAILURES))
def test_each_robustness_fault_is_caught_by_its_scenarios(runs: dict[str, dict[str, Any]], profile: str
                                                          ) -> None:
    result = runs[profile]
    failed = [s["name"] for s in _failed(result)]
    expected = EXPECTED_FAILURES[profile]
    assert len(failed) == len(expected), f"{profile} :\n{_report(result)}"
    for fragment in expected:
        assert any(fragment in name for name in failed), f"{profile} ({fragment}) :\n{_report(result)}"
    assert PROFILES[profile].tier == ROBUSTNESS_TIER


def test_fuzz_failure_names_the_smallest_failing_message(runs: dict[str, dict[str, Any]]) -> None:
    """The evidence of a consumer fault: the message it fell on, the smallest of its batch to fail."""
    evidence = {"meurt-sur-chaine-longue": "chaîne de", "arret-sur-texte-inhabituel": "Unicode"}
    for profile, family in evidence.items():
        (fuzz,) = [s for s in _failed(runs[profile]) if FUZZ in s["name"]]
        assert "premier message sans RC-REF" in fuzz["detail"] and family in fuzz["detail"], fuzz["detail"]
