"""Verdict matrix of the tablet role on 15-SMUR (tiers 4–6, the bench playing the LRM) on the real hub.

Each reference vendor declares `--role tablette`; the engine picks its partner by that role (an LRM, not a
tablet). `conforme-tablette` runs on the default 15-SMUR vhost (pack 1.3.0: no RS-URL, RS-BPV nor RS-ER,
« non applicable » with the reason; no official 15-SMUR case) and on 15-smur_v1.6 (pack 2.4.0: every
tablet message, and the official cases played in the tablet role only). Each tablet fault runs on the
default vhost and fails exactly the scenario(s) of its rule, on its own tier and no other; the LRM's
scenarios are « non applicable » (rôle LRM non déclaré). All runs go at once against one node.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.prompt_api import opened_prompts
from support.runs import collect_all, failed_exactly, start_run, start_vendor, table

from hubbench.engine.links import get_link
from hubbench.engine.official_cases import case_role
from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES

LINK = "15-SMUR"
DEFAULT_VHOST = get_link(LINK).default_vhost
LINE_2_VHOST = "15-smur_v1.6"
TIERS = "4-6"
# run name → (profile, vhost, client id)
RUNS: dict[str, tuple[str, str, str]] = {
    "conforme-tablette": ("conforme-tablette", DEFAULT_VHOST, "fr.health.samu600"),
    "conforme-tablette 2.x": ("conforme-tablette", LINE_2_VHOST, "fr.health.samu601"),
    "tablette-sans-rc-ref-ressources": ("tablette-sans-rc-ref-ressources", DEFAULT_VHOST,
                                        "fr.health.samu602"),
    "tablette-statut-invalide": ("tablette-statut-invalide", DEFAULT_VHOST, "fr.health.samu603"),
    "tablette-nouveau-caseid-apres-maj": ("tablette-nouveau-caseid-apres-maj", DEFAULT_VHOST,
                                          "fr.health.samu604"),
}
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "tablette-sans-rc-ref-ressources": ("La tablette acquitte un message resourcesInfo",),
    "tablette-statut-invalide": ("Statut de ressource (RS-SR)",),
    "tablette-nouveau-caseid-apres-maj": ("La tablette garde le caseId",),
}
TABLET_FEATURES = ("palier-4-reception-tablette.feature", "palier-5-envoi-tablette.feature",
                   "palier-6-reconciliation-tablette.feature")
OK = {Verdict.PASSED, Verdict.NOT_APPLICABLE, Verdict.PENDING_ATTESTATION}
RUN_LIMIT_S = 300

pytestmark = pytest.mark.broker


def _tablet(scenario: dict[str, Any]) -> bool:
    return "role-tablette" in scenario["tags"]


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    sims: dict[str, VendorThread] = {}
    streams = tmp_path_factory.mktemp("invites-tablette")
    try:
        for name, (profile, vhost, client_id) in RUNS.items():
            sims[name] = start_vendor(live_hub, client_id, profile, vhost)
        started = time.monotonic()
        processes = {name: start_run(process_env(live_hub), f"ref-tablette-{name}", client_id, LINK, TIERS,
                                     vhost=vhost, roles=PROFILES[profile].roles,
                                     prompts_jsonl=streams / f"{profile}-{client_id}.jsonl")
                     for name, (profile, vhost, client_id) in RUNS.items()}
        results = collect_all(processes, sims, "matrice tablette 15-SMUR", started, limit_s=RUN_LIMIT_S)
        for name, (profile, _, client_id) in RUNS.items():
            stream = streams / f"{profile}-{client_id}.jsonl"
            lines = stream.read_text(encoding="utf-8").splitlines() if stream.exists() else []
            results[name]["prompt_lines"] = [json.loads(line) for line in lines]
        yield results
    finally:
        for sim in sims.values():
            sim.stop()


@pytest.mark.parametrize("name", ["conforme-tablette", "conforme-tablette 2.x"])
def test_conforming_tablet_passes_tiers_4_to_6(runs: dict[str, dict[str, Any]], name: str) -> None:
    result = runs[name]
    scenarios = result["scenarios"]
    tablet = [s for s in scenarios if _tablet(s)]
    assert {s["tier"] for s in tablet} == {4, 5, 6}, table(result)
    assert all(Verdict(s["verdict"]) in OK for s in scenarios), table(result)
    assert all(s["detail"].strip() for s in scenarios if Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE)
    passed = [s for s in tablet if Verdict(s["verdict"]) is Verdict.PASSED]
    pending = [s for s in tablet if Verdict(s["verdict"]) is Verdict.PENDING_ATTESTATION]
    assert len(pending) == 2, table(result)  # the case shown, the update shown: a person attests
    lrm = [s for s in scenarios if "role-lrm" in s["tags"]]
    assert lrm and all(Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE
                       and "rôle LRM non déclaré" in s["detail"] for s in lrm), table(result)
    if name.endswith("2.x"):  # every tablet message kind of the 2.x pack is judged, and passes
        assert len(passed) >= 9, table(result)
        official = {s["name"]: Verdict(s["verdict"]) for s in scenarios if "cas-officiel" in s["tags"]}
        assert len(official) == 4, table(result)
        for label, verdict in official.items():  # played in the declared role only
            tablet_case = case_role(label.removeprefix("Cas officiel ")) == "tablette"
            assert (verdict is not Verdict.NOT_APPLICABLE) == tablet_case, table(result)
            assert verdict in OK, table(result)
    else:  # pack 1.3.0: RS-URL, RS-BPV and RS-ER do not exist, each says so
        absent = [s for s in tablet if Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE]
        assert len(absent) == 3 and all("1.3.0" in s["detail"] for s in absent), table(result)
        assert len(passed) >= 6, table(result)


@pytest.mark.parametrize("profile", sorted(EXPECTED_FAILURES))
def test_each_tablet_fault_fails_its_own_tier_only(runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = runs[profile]
    failed = failed_exactly(result, profile, EXPECTED_FAILURES[profile])
    assert all(_tablet(s) for s in failed), table(result)  # failed, or timed out for a missing RC-REF


def test_every_tablet_fault_is_in_the_matrix() -> None:
    tablet_faults = {n for n, p in PROFILES.items() if p.is_fault and "tablette" in p.roles}
    assert tablet_faults == set(EXPECTED_FAILURES)
    assert {PROFILES[p].tier for p in tablet_faults} == {4, 5, 6}


def test_every_tablet_prompt_is_valid_against_the_schema(runs: dict[str, dict[str, Any]]) -> None:
    """The tablet's prompts (`send_smur_message`, one per message kind) are what a driver reads."""
    kinds: set[str] = set()
    for name, result in runs.items():
        for prompt in opened_prompts(result["prompt_lines"], name):
            if prompt["action"] == "send_smur_message":
                assert prompt["case_id"] and prompt["expected"]["content"], prompt
                kinds.add(prompt["message_kind"])
    assert kinds == {"resourcesStatus", "documentLink", "interventionReport", "rpis", "geoPositionsUpdate"}
