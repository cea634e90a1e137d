"""Each functional fault profile of the reference vendor fails the tier 4–7 scenario(s) naming its rule,
and no other (real hub, one process per run, all runs at once)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.runs import collect, start_run, start_vendor, table, with_vendor_log

from hubbench.engine.links import LINKS
from hubbench.events import Verdict

pytestmark = pytest.mark.broker

# the vendor's answers REFUS, PARTIELLE, DIVERGENTE (issue 14): each reuses the DC's MISSION.ID too
ANSWER_KINDS = {"Réponse REFUS à une demande de concours du partenaire, avec son motif",
                "Réponse PARTIELLE à une demande de concours du partenaire, avec ses ressources",
                "Réponse DIVERGENTE à une demande de concours du partenaire, avec l'horaire proposé"}
# profile → (link, tiers, scenarios expected to fail: every one cites the rule the profile breaks)
EXPECTED: dict[str, tuple[str, str, set[str]]] = {
    "doublon-sur-renvoi": ("15-15", "4", {"Un renvoi du dossier ne crée pas de second dossier"}),
    # RS-EDA-MAJ carries no `creation`: the fault shows on 15-NexSIS, whose corrections are createCase
    "creation-modifiee": ("15-NexSIS", "5", {"Correction : date de création inchangée"}),
    "nouveau-caseid-en-correction": ("15-15", "5", {"Correction : même caseId"}),
    "mauvaise-reponse-owner": ("15-15", "6", {"Transfert de responsabilité accepté",
                                              "Transfert de responsabilité refusé"}),
    "emsi-sans-mission-id": ("15-NexSIS", "7", {"Réponse à une demande de concours du partenaire (RDC)",
                                                *ANSWER_KINDS}),
    "mauvaise-version-schema": ("15-15", "5", {"Dossier conforme au schéma du vhost"}),
}


@pytest.fixture(scope="module")
def fault_runs(live_hub: Any) -> Iterator[dict[str, dict[str, Any]]]:
    sims, processes, env = {}, {}, process_env(live_hub)
    try:
        for profile, (link, tiers, _) in EXPECTED.items():
            vhost = LINKS[link].default_vhost
            client_id = f"fr.health.samu{uuid.uuid4().hex[:5]}"
            sims[profile] = start_vendor(live_hub, client_id, profile, vhost)
            processes[profile] = start_run(env, profile, client_id, link, tiers, vhost=vhost)
        yield {name: with_vendor_log(collect(process), sims[name]) for name, process in processes.items()}
    finally:
        for sim in sims.values():
            sim.stop()


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_fault_fails_its_scenario(fault_runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = fault_runs[profile]
    failing = {s["name"] for s in result["scenarios"] if Verdict(s["verdict"]).counts_as_failure}
    assert result["scenarios"], table(result)
    assert failing == EXPECTED[profile][2], f"{profile} :\n{table(result)}"
    assert all(Verdict(s["verdict"]) is Verdict.FAILED for s in result["scenarios"] if s["name"] in failing)
