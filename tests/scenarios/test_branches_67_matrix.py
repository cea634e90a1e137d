"""The branches of tiers 6 and 7 (issue 14) on the real hub: EMSI answers REFUS / PARTIELLE / DIVERGENTE
given by the vendor and received from the partner, the tier-6 field variations, the vendor's ownership
request and the re-sharing of a case to a second partner.

`conforme` passes tiers 6–7 on 15-15 and on 15-NexSIS (person-only scenarios pending); each new fault
profile runs tiers 6–7 on the link where its deviation shows and fails exactly the scenarios of the rule
it breaks, all on its own tier (the vendor's case of tier 5 is asked for on first use; tiers 1–5 never
see these deviations, and test_functional_matrix.py runs every other fault against these scenarios).
All runs go at once against one node and its dispatcher.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.ci import skip_or_fail
from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import (
    check_fails_exactly,
    collect_all,
    failures,
    partner_for,
    start_run,
    start_vendor,
    table,
)

from hubbench.engine.links import get_link
from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread

# (run name, profile, link, tiers)
RUNS: tuple[tuple[str, str, str, str], ...] = (
    ("conforme 15-15", "conforme", "15-15", "6-7"),
    ("conforme 15-NexSIS", "conforme", "15-NexSIS", "6-7"),
    ("variation-localisation-sans-rc-ref", "variation-localisation-sans-rc-ref", "15-15", "6-7"),
    ("demande-owner-sans-cible", "demande-owner-sans-cible", "15-15", "6-7"),
    ("repartage-premier-partenaire-seul", "repartage-premier-partenaire-seul", "15-15", "6-7"),
    ("emsi-reponse-toujours-acceptee", "emsi-reponse-toujours-acceptee", "15-NexSIS", "6-7"),
    ("emsi-reponse-non-acceptee-ignoree", "emsi-reponse-non-acceptee-ignoree", "15-NexSIS", "6-7"),
)
CLIENT_IDS = {name: f"fr.health.samu{i}" for i, (name, *_) in enumerate(RUNS, start=560)}
ANSWERS = ("REFUS", "PARTIELLE", "DIVERGENTE")

# The scenarios (fragments of their French names) each new fault must fail, and only those.
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "variation-localisation-sans-rc-ref": ("Variation du champ localisation",),
    "demande-owner-sans-cible": ("Demande de prise en charge envoyée par le système",),
    "repartage-premier-partenaire-seul": ("Mise à jour repartagée aux deux partenaires",),
    "emsi-reponse-toujours-acceptee": tuple(f"Réponse {code} à une demande de concours" for code in ANSWERS),
    "emsi-reponse-non-acceptee-ignoree": tuple(f"Réception d'une réponse {code} du partenaire"
                                               for code in ANSWERS),
}
NEW_SCENARIOS = {  # tier → fragments of the scenarios this change adds, each run by conforme
    6: ("Variation du champ priorité", "Variation du champ localisation", "Variation du champ patient",
        "Variation du champ ressources", "Demande de prise en charge envoyée par le système",
        "Mise à jour repartagée aux deux partenaires"),
    7: (*EXPECTED_FAILURES["emsi-reponse-toujours-acceptee"],
        *EXPECTED_FAILURES["emsi-reponse-non-acceptee-ignoree"]),
}
AUTOMATABLE_OK = {Verdict.PASSED, Verdict.NOT_APPLICABLE}
FAILING = {Verdict.FAILED, Verdict.TIMED_OUT}

pytestmark = pytest.mark.broker


def _partner(client_id: str, link: str) -> str:
    return partner_for(client_id, link) if link == "15-NexSIS" else client_id.replace("samu5", "samuP")


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    if not all((get_link(link).name for _, _, link, _ in RUNS)):
        skip_or_fail("liens inconnus")
    sims: dict[str, VendorThread] = {}
    try:
        for name, profile, link, _ in RUNS:
            sims[name] = start_vendor(live_hub, CLIENT_IDS[name], profile, get_link(link).default_vhost)
        started = time.monotonic()
        processes = {name: start_run(process_env(live_hub), f"ref-b67-{name}", CLIENT_IDS[name], link, tiers,
                                     partner=_partner(CLIENT_IDS[name], link))
                     for name, _, link, tiers in RUNS}
        yield collect_all(processes, sims, "branches des paliers 6 et 7", started)
    finally:
        for sim in sims.values():
            sim.stop()


@pytest.mark.parametrize("name", ["conforme 15-15", "conforme 15-NexSIS"])
def test_conforme_passes_tiers_6_and_7(runs: dict[str, dict[str, Any]], name: str) -> None:
    result = runs[name]
    scenarios = result["scenarios"]
    assert {s["tier"] for s in scenarios} == {6, 7}, table(result)
    automatable = [s for s in scenarios if Verdict(s["verdict"]) is not Verdict.PENDING_ATTESTATION]
    assert all(Verdict(s["verdict"]) in AUTOMATABLE_OK for s in automatable), table(result)
    link = name.split()[-1]
    expected_new = NEW_SCENARIOS[6] if link == "15-15" else NEW_SCENARIOS[7]
    for fragment in expected_new:
        (found,) = [s for s in scenarios if fragment in s["name"]]
        assert Verdict(found["verdict"]) is Verdict.PASSED, f"{fragment} :\n{table(result)}"


@pytest.mark.parametrize("profile", sorted(EXPECTED_FAILURES))
def test_each_new_fault_fails_exactly_its_scenarios(runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = runs[profile]
    # a withheld RC-REF is « délai dépassé », a wrong message « échec »: both failures, never an error
    check_fails_exactly(result, profile, EXPECTED_FAILURES[profile], verdicts=FAILING)
    assert {s["tier"] for s in result["scenarios"]} == {6, 7}, table(result)  # the other tier ran, passed


def test_the_failures_cite_the_rule_with_expected_and_found(runs: dict[str, dict[str, Any]]) -> None:
    """What a vendor reads: the always-ACCEPTE answer is reported with the code asked and the one sent."""
    (refus,) = [s for s in failures(runs["emsi-reponse-toujours-acceptee"]) if "Réponse REFUS" in s["name"]]
    assert "REFUS" in refus["detail"] and "ACCEPTE" in refus["detail"], refus["detail"]
    (owner,) = failures(runs["demande-owner-sans-cible"])
    assert CLIENT_IDS["demande-owner-sans-cible"] in owner["detail"], owner["detail"]
