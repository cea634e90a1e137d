"""The optional Robustesse tier on the real hub: the reference vendors connect through the bench's fault
proxy (a `connect_via_proxy` prompt), then live its network faults and its unusual messages.

`conforme` passes every scenario; each robustness fault profile is caught by the scenario(s) of the rule
it breaks and by no scenario before them (`sans-reconnexion` stays gone after the first cut, so every
later scenario fails too). All runs go at once (one process per run) against one node and its dispatcher.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import collect_all, failures, start_run, start_vendor, table

from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES, ROBUSTNESS_TIER

LINK, VHOST, TIERS = "15-15", "15-15_v1.5", "R"
RUN_LIMIT_S = 420
FIRST_CUT = "Coupure pendant un envoi"
SEND_SCENARIOS = (FIRST_CUT, "Fermeture pendant l'attente de la confirmation")
FUZZ = "Messages inhabituels mais valides"
SCHEMA_FUZZ = "Messages générés depuis le schéma officiel"

# Each fault profile → the scenarios (fragments of their French names) it must fail, and only those.
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "perd-non-confirmes": SEND_SCENARIOS,
    "sans-reconnexion": (FIRST_CUT, *SEND_SCENARIOS[1:], "Coupure pendant une réception",
                         "Réinitialisation de la liaison", "Liaison bloquée", FUZZ, SCHEMA_FUZZ),
    "meurt-sur-chaine-longue": (FUZZ, SCHEMA_FUZZ),  # gone after the first fuzz: the second finds it dead
    "arret-sur-texte-inhabituel": (FUZZ, SCHEMA_FUZZ),  # idem, its queue stays blocked
    "rejette-dates-limites": (SCHEMA_FUZZ,),  # model dates only: the free-content fuzz cannot see it
}
PROFILE_NAMES = ("conforme", *EXPECTED_FAILURES)
CLIENT_IDS = {name: f"fr.health.samu7{i:02d}" for i, name in enumerate(PROFILE_NAMES[:5], start=10)}
CLIENT_IDS["rejette-dates-limites"] = "fr.health.samu640"  # issue 18's range
PARTNERS = {name: client_id.replace("samu7", "samuR") for name, client_id in CLIENT_IDS.items()}
PARTNERS["rejette-dates-limites"] = "fr.health.samu641"
# It differs from `conforme` only on model messages, which no other Robustesse scenario sends: its run
# plays the schema fuzzing alone (the suite's time budget).
ONLY = {"rejette-dates-limites": (SCHEMA_FUZZ,)}

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    sims: dict[str, VendorThread] = {}
    try:
        for name, client_id in CLIENT_IDS.items():
            sims[name] = start_vendor(live_hub, client_id, name, VHOST)
        started = time.monotonic()
        processes = {name: start_run(process_env(live_hub), f"ref-rob-{name}", client_id, LINK, TIERS,
                                     partner=PARTNERS[name], names=ONLY.get(name, ()))
                     for name, client_id in CLIENT_IDS.items()}
        yield collect_all(processes, sims, "matrice Robustesse", started, log_lines=20)
    finally:
        for sim in sims.values():
            sim.stop()


def test_conforme_passes_the_robustness_tier(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    assert len(result["scenarios"]) == 7, table(result)
    assert {s["tier"] for s in result["scenarios"]} == {ROBUSTNESS_TIER}, table(result)
    assert all(Verdict(s["verdict"]) is Verdict.PASSED for s in result["scenarios"]), table(result)


@pytest.mark.parametrize("profile", list(EXPECTED_FAILURES))
def test_each_robustness_fault_is_caught_by_its_scenarios(runs: dict[str, dict[str, Any]], profile: str
                                                          ) -> None:
    result = runs[profile]
    failed = [s["name"] for s in failures(result)]
    expected = EXPECTED_FAILURES[profile]
    assert len(failed) == len(expected), f"{profile} :\n{table(result)}"
    for fragment in expected:
        assert any(fragment in name for name in failed), f"{profile} ({fragment}) :\n{table(result)}"
    assert PROFILES[profile].tier == ROBUSTNESS_TIER


def test_fuzz_failure_names_the_smallest_failing_message(runs: dict[str, dict[str, Any]]) -> None:
    """The evidence of a consumer fault: the message it fell on, the smallest of its batch to fail."""
    evidence = {"meurt-sur-chaine-longue": "chaîne de", "arret-sur-texte-inhabituel": "Unicode"}
    for profile, family in evidence.items():
        (fuzz,) = [s for s in failures(runs[profile]) if FUZZ in s["name"]]
        assert "premier message sans RC-REF" in fuzz["detail"] and family in fuzz["detail"], fuzz["detail"]


def test_schema_fuzz_failure_keeps_the_shrunk_message(runs: dict[str, dict[str, Any]]) -> None:
    """A vendor still alive after refusing a message: the evidence is that message shrunk against it."""
    (fuzz,) = [s for s in failures(runs["rejette-dates-limites"]) if SCHEMA_FUZZ in s["name"]]
    detail = fuzz["detail"]
    assert "sans réponse" in detail and "graine" in detail and "années" in detail, detail
    assert "réduction contre le système" in detail and "le système consomme encore" in detail, detail
