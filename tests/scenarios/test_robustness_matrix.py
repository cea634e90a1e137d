"""The optional Robustesse tier on the real hub: the reference vendors connect through the bench's fault
proxy (a `connect_via_proxy` prompt), then live its network faults and its unusual messages.

`conforme` passes every scenario; each robustness fault profile is caught by the scenario(s) of the rule
it breaks and by no scenario before them (`sans-reconnexion` stays gone after the first cut, so every
later scenario fails too). All runs go at once (one process per run) against one node and its dispatcher.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matrix_support import collect, failing, summary, table

from hubbench.campaigns.demo import pack_source_env
from hubbench.events import Verdict
from hubbench.home import HOME_ENV, PACK_SOURCE_ENV
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.supervision import dispatcher_health, start_dispatcher, stop_dispatcher
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES, ROBUSTNESS_TIER

LINK, VHOST, TIERS = "15-15", "15-15_v1.5", "R"
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
            results = {name: collect(process) for name, process in processes.items()}
            for name, sim in zip(CLIENT_IDS, sims, strict=True):
                results[name]["sim_log"] = [entry.text for entry in sim.vendor.log][-20:]
                results[name]["sim_error"] = repr(sim.error) if sim.error else None
            print(f"\nmatrice Robustesse : {len(processes)} campagnes en {time.monotonic() - started:.0f} s")
            for name, result in results.items():
                print(f"  {name:<28} {summary(result)}")
            yield results
        finally:
            for sim in sims:
                sim.stop()
            if not already_running:
                stop_dispatcher(home)


def test_conforme_passes_the_robustness_tier(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    assert len(result["scenarios"]) == 6, table(result)
    assert {s["tier"] for s in result["scenarios"]} == {ROBUSTNESS_TIER}, table(result)
    assert all(Verdict(s["verdict"]) is Verdict.PASSED for s in result["scenarios"]), table(result)


@pytest.mark.parametrize("profile", list(EXPECTED_FAILURES))
def test_each_robustness_fault_is_caught_by_its_scenarios(runs: dict[str, dict[str, Any]], profile: str
                                                          ) -> None:
    result = runs[profile]
    failed = [s["name"] for s in failing(result)]
    expected = EXPECTED_FAILURES[profile]
    assert len(failed) == len(expected), f"{profile} :\n{table(result)}"
    for fragment in expected:
        assert any(fragment in name for name in failed), f"{profile} ({fragment}) :\n{table(result)}"
    assert PROFILES[profile].tier == ROBUSTNESS_TIER


def test_fuzz_failure_names_the_smallest_failing_message(runs: dict[str, dict[str, Any]]) -> None:
    """The evidence of a consumer fault: the message it fell on, the smallest of its batch to fail."""
    evidence = {"meurt-sur-chaine-longue": "chaîne de", "arret-sur-texte-inhabituel": "Unicode"}
    for profile, family in evidence.items():
        (fuzz,) = [s for s in failing(runs[profile]) if FUZZ in s["name"]]
        assert "premier message sans RC-REF" in fuzz["detail"] and family in fuzz["detail"], fuzz["detail"]
