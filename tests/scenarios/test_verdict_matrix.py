"""Verdict matrix of the reference vendors on the real hub: tiers 1–3, link 15-15.

`conforme` passes every automatable check (attestations may stay pending); each fault profile fails
exactly the one scenario that checks the rule it breaks, and no other. All runs go at once (one
process per run, each with its own partner id) against one node and its dispatcher, with them two faults
whose rule later tiers depend on, run on their tier and tiers 4–7 on 15-NexSIS (all seven tiers exist there):
`sans-ack` is red on tier 2 only and « bloqué par le palier 2 » on tiers 4, 6 and 7;
`distribution-id-invalide` red on tier 3 only and « bloqué par le palier 3 » on tiers 5 and 7 — root
causes, not cascades.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import collect, failures, start_run, start_vendor, table, with_vendor_log

from hubbench.engine.links import default_partner_id, get_link
from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES

LINK, TIERS = "15-15", "1-3"
RUN_LIMIT_S = 300


def _tier(profile: str) -> int:
    """Tier of the rule a fault profile breaks ("Palier N — …"); 0 for `conforme`."""
    return PROFILES[profile].tier or 0


# conforme and the faults of tiers 1–3 (functional faults of tiers 4–7 are checked with their tiers)
MATRIX = [name for name in PROFILES if _tier(name) <= 3
          and "tablette" not in PROFILES[name].roles]  # the tablet: tests/scenarios/test_tablet_matrix.py
FAULTS = [name for name in MATRIX if PROFILES[name].is_fault]
CLIENT_IDS = {name: f"fr.health.samu9{i:02d}" for i, name in enumerate(MATRIX, start=10)}

# Faults whose rule later tiers depend on, run on 15-NexSIS (the link with all seven tiers) on their own
# tier and the functional ones: profile → (tiers run, the tiers « bloqué par » its own). Their own client
# ids: these runs go with the matrix's, all within one bounded wait.
CASCADES: dict[str, tuple[str, set[int]]] = {
    "sans-ack": ("2,4,6,7", {4, 6, 7}),
    "distribution-id-invalide": ("3,5,7", {5, 7}),
}
CASCADE_LINK, CASCADE_LIMIT_S = "15-NexSIS", 480
CASCADE_IDS = {name: f"fr.health.samu97{i}" for i, name in enumerate(CASCADES)}

# The one scenario (a fragment of its French name) each fault profile must fail.
EXPECTED_FAILURE: dict[str, str | tuple[str, ...]] = {
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
    # issue 14's tier-1 branches: a client that checks nothing accepts both impostor hubs
    "accepte-tout-serveur": ("faux hub au certificat d'une autre autorité",
                             "faux hub au certificat d'un autre nom"),
    "sans-verification-nom": "faux hub au certificat d'un autre nom",
    # issue 14's tier-3 branches: a message the vendor must refuse
    "rc-ref-refus-absent": "Message non conforme refusé par un RC-REF",
    "erreur-editeur-sans-cause": "Message non conforme : message d'erreur du système",
}
REFUSED_RC_REF = "Message non conforme refusé par un RC-REF « refused »"

pytestmark = pytest.mark.broker


def _partner(client_id: str, link: str) -> str:
    if link == "15-NexSIS":
        return default_partner_id(get_link(link), client_id)
    return client_id.replace("samu9", "samuP")


CASCADE_KEY = "palier suivant : {}"  # a cascade run's key among the module's runs


@pytest.fixture(scope="module")
def played(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    """Every run of the module at once, each against its profile's reference vendor (its own client id and
    partner): the matrix on 15-15 tiers 1–3 (by profile) and the cascades on 15-NexSIS (`CASCADE_KEY`);
    the cascades' runs, mostly waiting on a vendor that never answers, overlap the matrix's."""
    plan = {name: (name, client_id, LINK, TIERS) for name, client_id in CLIENT_IDS.items()}
    plan |= {CASCADE_KEY.format(name): (name, CASCADE_IDS[name], CASCADE_LINK, tiers)
             for name, (tiers, _) in CASCADES.items()}
    sims: dict[str, VendorThread] = {}
    try:
        for key, (profile, client_id, link, _) in plan.items():
            sims[key] = start_vendor(live_hub, client_id, profile, get_link(link).default_vhost)
        processes = {key: start_run(process_env(live_hub), f"ref-{profile}", client_id, link, tiers,
                                    partner=_partner(client_id, link))
                     for key, (profile, client_id, link, tiers) in plan.items()}
        deadline = time.monotonic() + max(RUN_LIMIT_S, CASCADE_LIMIT_S)
        yield {key: with_vendor_log(collect(process, max(1.0, deadline - time.monotonic())), sims[key], 12)
               for key, process in processes.items()}
    finally:
        for sim in sims.values():
            sim.stop()


@pytest.fixture(scope="module")
def runs(played: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: played[name] for name in CLIENT_IDS}


@pytest.fixture(scope="module")
def cascades(played: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: played[CASCADE_KEY.format(name)] for name in CASCADES}


def _fragments(profile: str) -> tuple[str, ...]:
    expected = EXPECTED_FAILURE[profile]
    return (expected,) if isinstance(expected, str) else expected


def _failing(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenarios failed by themselves (a blocked one failed for a lower tier's root: not counted)."""
    return [s for s in failures(result) if Verdict(s["verdict"]) is not Verdict.BLOCKED]


def _blocked(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result["scenarios"] if Verdict(s["verdict"]) is Verdict.BLOCKED]


def _table(result: dict[str, Any]) -> str:
    return table(result, 160)


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
    fragments = _fragments(profile)
    assert len(failing) == len(fragments), f"{profile} :\n{_table(result)}"
    for fragment in fragments:
        assert any(fragment in s["name"] for s in failing), f"{profile} :\n{_table(result)}"
    assert all(Verdict(s["verdict"]) is not Verdict.ERROR for s in failing), f"{profile} :\n{_table(result)}"
    assert {s["tier"] for s in failing} == {_tier(profile)}, _table(result)
    # nothing below tier 3 to block it; a later scenario of the root's own tier may be (tier 3's refusal
    # by RC-REF after « Acquittement de réception finale (RC-REF) » failed)
    blocked = _blocked(result)
    assert all(s["blocked_by_tier"] == _tier(profile) == s["tier"] for s in blocked), _table(result)
    expected_blocked = [REFUSED_RC_REF] if profile == "sans-rc-ref" else []
    assert [s["name"] for s in blocked] == expected_blocked, f"{profile} :\n{_table(result)}"


@pytest.mark.parametrize("profile", sorted(CASCADES))
def test_later_tiers_are_blocked_by_the_root_not_failed(cascades: dict[str, dict[str, Any]],
                                                        profile: str) -> None:
    """The fault is red on its own tier only (its one scenario); the later tiers whose flows need that
    rule are « bloqué par le palier N », each linked to the root tier, and the run still fails (a blocked
    scenario is no pass)."""
    result = cascades[profile]
    root_tier = _tier(profile)
    failing = _failing(result)
    assert [s["tier"] for s in failing] == [root_tier], f"{profile} :\n{_table(result)}"
    assert _fragments(profile)[0] in failing[0]["name"], _table(result)
    blocked = _blocked(result)
    run_tiers, blocked_tiers = CASCADES[profile]
    assert {s["tier"] for s in blocked} == blocked_tiers, f"{profile} :\n{_table(result)}"
    assert all(s["blocked_by_tier"] == root_tier for s in blocked), _table(result)
    assert all(f"bloqué par le palier {root_tier}" in s["detail"] for s in blocked), _table(result)
    assert {s["tier"] for s in result["scenarios"]} == set(map(int, run_tiers.split(","))), _table(result)
    assert Verdict(result["verdict"]) is Verdict.FAILED, _table(result)


def test_every_scenario_is_exercised_by_a_fault(runs: dict[str, dict[str, Any]]) -> None:
    """Guard on the matrix itself: the expected failures name scenarios that exist in the run."""
    names = [s["name"] for s in runs["conforme"]["scenarios"]]
    for profile in EXPECTED_FAILURE:
        for fragment in _fragments(profile):
            assert sum(fragment in n for n in names) == 1, (profile, fragment, names)
    assert set(EXPECTED_FAILURE) == set(FAULTS)
