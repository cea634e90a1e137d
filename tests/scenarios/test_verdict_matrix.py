"""Verdict matrix of the reference vendors on the real hub: tiers 1–3, link 15-15.

`conforme` passes every automatable check (attestations may stay pending); each fault profile fails
exactly the one scenario that checks the rule it breaks, and no other. All runs go at once (one
process per run, each with its own partner id) against one node and its dispatcher.
"""

from __future__ import annotations

import json
import subprocess
import sys
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
from hubbench.sim.profiles import PROFILES

LINK, VHOST, TIERS = "15-15", "15-15_v1.5", "1-3"
RUN_LIMIT_S = 300
RUN_ONE = Path(__file__).with_name("run_one.py")


def _tier(profile: str) -> int:
    """Tier of the rule a fault profile breaks ("Palier N — …"); 0 for `conforme`."""
    return PROFILES[profile].tier or 0


# conforme and the faults of tiers 1–3 (functional faults of tiers 4–7 are checked with their tiers)
MATRIX = [name for name in PROFILES if _tier(name) <= 3]
FAULTS = [name for name in MATRIX if PROFILES[name].is_fault]
CLIENT_IDS = {name: f"fr.health.samu9{i:02d}" for i, name in enumerate(MATRIX, start=10)}

# The one scenario (a fragment of its French name) each fault profile must fail.
EXPECTED_FAILURE: dict[str, str] = {
    "sans-ack": "Les messages reçus sont acquittés",
    "requeue-infini": "Un message indécodable est rejeté sans remise en file",
    "ignore-info": "Les files .info et .ack sont consommées",
    "non-persistant": "Message persistant",
    "mauvais-emetteur": "Émetteur égal à la clé de routage",
    "distribution-id-invalide": "Identifiant de distribution préfixé par l'émetteur",
    "enveloppe-invalide": "Enveloppe EDXL-DE conforme au schéma du vhost",
    "sans-rc-ref": "Acquittement de réception finale (RC-REF)",
    "acquitte-les-acquittements": "Pas d'acquittement d'un acquittement",
    "xml-mauvais-content-type": "Message vide au format XML",
}

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(hub_node: Any) -> Iterator[dict[str, dict[str, Any]]]:
    home, settings = hub_node.home, hub_node.settings
    env = {**pack_source_env(), HOME_ENV: str(home.root)}
    already_running = dispatcher_health(home).get("running", False)
    with pytest.MonkeyPatch.context() as patch:
        for key in (PACK_SOURCE_ENV,):
            if env.get(key):
                patch.setenv(key, env[key])
        start_dispatcher(home, settings)
    registry = ClientRegistry(home, settings)
    for client_id in CLIENT_IDS.values():
        registry.add(client_id, vhosts=[VHOST], editor="hubbench-tests")
    sims = []
    try:
        for name, client_id in CLIENT_IDS.items():
            sims.append(VendorThread(build_vendor(home, client_id, PROFILES[name], vhost=VHOST,
                                                  settings=settings)).start())
        processes = {
            name: subprocess.Popen([sys.executable, str(RUN_ONE), f"ref-{name}", client_id, LINK, TIERS,
                                    client_id.replace("samu9", "samuP")],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, client_id in CLIENT_IDS.items()
        }
        results: dict[str, dict[str, Any]] = {}
        for name, process in processes.items():
            try:
                out, err = process.communicate(timeout=RUN_LIMIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
            lines = [line for line in out.splitlines() if line.startswith("{")]
            results[name] = json.loads(lines[-1]) if lines else {"error": err[-2000:], "scenarios": []}
        for name, sim in zip(CLIENT_IDS, sims, strict=True):
            results[name]["sim_log"] = [entry.text for entry in sim.vendor.log][-12:]
            results[name]["sim_error"] = repr(sim.error) if sim.error else None
        yield results
    finally:
        for sim in sims:
            sim.stop()
        if not already_running:
            stop_dispatcher(home)


def _failing(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result["scenarios"] if Verdict(s["verdict"]).counts_as_failure]


def _table(result: dict[str, Any]) -> str:
    rows = [f"  P{s['tier']} {s['verdict']:<20} {s['name']} — {s['detail'][:160]}"
            for s in result["scenarios"]]
    log = "\n".join(f"  | {line}" for line in result.get("sim_log", []))
    return ("\n".join(rows) or f"  aucun scénario ({result.get('error', '')})") + (
        f"\n  journal du vendeur de référence (fin, erreur {result.get('sim_error')}) :\n{log}")


def test_conforme_passes_every_automatable_check(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    assert result["scenarios"], _table(result)
    assert {s["tier"] for s in result["scenarios"]} == {1, 2, 3}, _table(result)
    allowed = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
    assert all(Verdict(s["verdict"]) in allowed for s in result["scenarios"]), _table(result)
    assert any(Verdict(s["verdict"]) is Verdict.PASSED for s in result["scenarios"])


@pytest.mark.parametrize("profile", FAULTS)
def test_fault_profile_fails_exactly_its_scenario(runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = runs[profile]
    failing = _failing(result)
    assert len(failing) == 1, f"{profile} :\n{_table(result)}"
    (failed,) = failing
    assert EXPECTED_FAILURE[profile] in failed["name"], f"{profile} :\n{_table(result)}"
    assert Verdict(failed["verdict"]) is not Verdict.ERROR, f"{profile} :\n{_table(result)}"
    assert failed["tier"] == _tier(profile), _table(result)


def test_every_scenario_is_exercised_by_a_fault(runs: dict[str, dict[str, Any]]) -> None:
    """Guard on the matrix itself: the expected failures name scenarios that exist in the run."""
    names = [s["name"] for s in runs["conforme"]["scenarios"]]
    for profile, fragment in EXPECTED_FAILURE.items():
        assert sum(fragment in n for n in names) == 1, (profile, fragment, names)
    assert set(EXPECTED_FAILURE) == set(FAULTS)
