"""Verdict matrix of the reference vendors on the real hub: tiers 1–3, link 15-15.

`conforme` passes every automatable check (attestations may stay pending); each fault profile fails
exactly the one scenario that checks the rule it breaks, and no other. All runs go at once (one
process per run, each with its own partner id) against one node and its dispatcher.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import collect, failures, start_run, start_vendor, table, with_vendor_log

from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES

LINK, VHOST, TIERS = "15-15", "15-15_v1.5", "1-3"
RUN_LIMIT_S = 300


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
def runs(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    sims: dict[str, VendorThread] = {}
    try:
        for name, client_id in CLIENT_IDS.items():
            sims[name] = start_vendor(live_hub, client_id, name, VHOST)
        processes = {name: start_run(process_env(live_hub), f"ref-{name}", client_id, LINK, TIERS,
                                     partner=client_id.replace("samu9", "samuP"))
                     for name, client_id in CLIENT_IDS.items()}
        yield {name: with_vendor_log(collect(process, RUN_LIMIT_S), sims[name], 12)
               for name, process in processes.items()}
    finally:
        for sim in sims.values():
            sim.stop()


def test_conforme_passes_every_automatable_check(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    assert result["scenarios"], table(result, 160)
    assert {s["tier"] for s in result["scenarios"]} == {1, 2, 3}, table(result, 160)
    allowed = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
    assert all(Verdict(s["verdict"]) in allowed for s in result["scenarios"]), table(result, 160)
    assert any(Verdict(s["verdict"]) is Verdict.PASSED for s in result["scenarios"])


@pytest.mark.parametrize("profile", FAULTS)
def test_fault_profile_fails_exactly_its_scenario(runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = runs[profile]
    failing = failures(result)
    assert len(failing) == 1, f"{profile} :\n{table(result, 160)}"
    (failed,) = failing
    assert EXPECTED_FAILURE[profile] in failed["name"], f"{profile} :\n{table(result, 160)}"
    assert Verdict(failed["verdict"]) is not Verdict.ERROR, f"{profile} :\n{table(result, 160)}"
    assert failed["tier"] == _tier(profile), table(result, 160)


def test_every_scenario_is_exercised_by_a_fault(runs: dict[str, dict[str, Any]]) -> None:
    """Guard on the matrix itself: the expected failures name scenarios that exist in the run."""
    names = [s["name"] for s in runs["conforme"]["scenarios"]]
    for profile, fragment in EXPECTED_FAILURE.items():
        assert sum(fragment in n for n in names) == 1, (profile, fragment, names)
    assert set(EXPECTED_FAILURE) == set(FAULTS)
