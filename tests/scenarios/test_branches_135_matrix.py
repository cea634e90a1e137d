"""Issue 14's branches of tiers 1, 3, 4 and 5 on the real hub: the reference vendors against the engine.

`conforme` refuses both impostor hubs (another CA, a wrong name), acks again a distributionID delivered
twice, and leaves the person-only checks (integrated once, « non délivré », the hub's error surfaced)
pending, never passed. Each new fault fails its own scenario(s) on its own tier and nothing else:
`accepte-tout-serveur` both impostors, `sans-verification-nom` the wrong name only,
`doublon-non-reacquitte` the duplicate delivery, `rc-ref-refus-absent` the refusal by RC-REF of a
non-conforming message, `erreur-editeur-sans-cause` the vendor's error message about it. `sans-rc-ref`
(tier 3) leaves the duplicate-delivery scenario (tier 4) and the refusal by RC-REF (tier 3, played after
the root) « bloqué par le palier 3 », not independent reds; its error message about the refused message
still passes. All runs go at once
(one process each, its own vendor and partner ids, `Timeouts.fast()`), filtered to the scenarios at stake.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import check_fails_exactly, collect_all, failures, start_run, start_vendor, table

from hubbench.engine.links import get_link
from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES

LINK = "15-15"
IMPOSTOR = "faux hub"
OTHER_CA, WRONG_NAME = "certificat d'une autre autorité", "certificat d'un autre nom"
TWICE = "Un même distributionID livré deux fois"
UNACKED, HUB_ERROR = "Acquittement retenu par le partenaire", "Erreur du hub signalée"
RC_REF_ROOT = "Acquittement de réception finale (RC-REF)"
REFUSED_RC_REF = "Message non conforme refusé par un RC-REF"
VENDOR_ERROR = "Message non conforme : message d'erreur"
REFUSALS = (REFUSED_RC_REF, VENDOR_ERROR)

# run name → (profile, tiers, scenario-name filters)
RUNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "conforme": ("conforme", "1,3,4,5", (IMPOSTOR, RC_REF_ROOT, *REFUSALS, TWICE, UNACKED, HUB_ERROR)),
    "accepte-tout-serveur": ("accepte-tout-serveur", "1,4", (IMPOSTOR, TWICE)),
    "sans-verification-nom": ("sans-verification-nom", "1,4", (IMPOSTOR, TWICE)),
    "doublon-non-reacquitte": ("doublon-non-reacquitte", "1,4", (IMPOSTOR, TWICE)),
    "rc-ref-refus-absent": ("rc-ref-refus-absent", "3", (RC_REF_ROOT, *REFUSALS)),
    "erreur-editeur-sans-cause": ("erreur-editeur-sans-cause", "3", (RC_REF_ROOT, *REFUSALS)),
    "sans-rc-ref": ("sans-rc-ref", "3,4", (RC_REF_ROOT, *REFUSALS, TWICE)),
}
CLIENT_IDS = {name: f"fr.health.samu{580 + i}" for i, name in enumerate(RUNS)}
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "accepte-tout-serveur": (OTHER_CA, WRONG_NAME),
    "sans-verification-nom": (WRONG_NAME,),
    "doublon-non-reacquitte": (TWICE,),
    "rc-ref-refus-absent": (REFUSED_RC_REF,),
    "erreur-editeur-sans-cause": (VENDOR_ERROR,),
}
OWN_TIER = {"accepte-tout-serveur": 1, "sans-verification-nom": 1, "doublon-non-reacquitte": 4,
            "rc-ref-refus-absent": 3, "erreur-editeur-sans-cause": 3}
RUN_LIMIT_S = 150

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    vhost = get_link(LINK).default_vhost
    sims: dict[str, VendorThread] = {}
    try:
        for name, (profile, _, _) in RUNS.items():
            sims[name] = start_vendor(live_hub, CLIENT_IDS[name], profile, vhost)
        started = time.monotonic()
        processes = {name: start_run(process_env(live_hub), f"ref-b135-{name}", CLIENT_IDS[name], LINK, tiers,
                                     partner=CLIENT_IDS[name].replace("samu5", "samuR"), names=names)
                     for name, (_, tiers, names) in RUNS.items()}
        yield collect_all(processes, sims, "branches du ticket 14", started, limit_s=RUN_LIMIT_S)
    finally:
        for sim in sims.values():
            sim.stop()


def _by_name(result: dict[str, Any], fragment: str) -> dict[str, Any]:
    (found,) = [s for s in result["scenarios"] if fragment in s["name"]]
    return found


def test_conforme_refuses_the_impostors_and_leaves_the_person_checks_pending(
        runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    for fragment in (OTHER_CA, WRONG_NAME, RC_REF_ROOT, *REFUSALS):
        assert Verdict(_by_name(result, fragment)["verdict"]) is Verdict.PASSED, table(result)
    for fragment in (TWICE, UNACKED, HUB_ERROR):  # an attestation is never passed by the machine
        assert Verdict(_by_name(result, fragment)["verdict"]) is Verdict.PENDING_ATTESTATION, table(result)
    assert not failures(result), table(result)


@pytest.mark.parametrize("profile", sorted(EXPECTED_FAILURES))
def test_each_new_fault_fails_its_own_scenarios_only(runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = runs[profile]
    check_fails_exactly(result, profile, EXPECTED_FAILURES[profile])  # all FAILED, on the profile's tier
    assert PROFILES[profile].tier == OWN_TIER[profile]
    ran = {int(tier) for tier in RUNS[profile][1].split(",")}
    assert {s["tier"] for s in result["scenarios"]} == ran, table(result)


def test_an_impostor_failure_says_what_the_impostor_saw(runs: dict[str, dict[str, Any]]) -> None:
    detail = _by_name(runs["sans-verification-nom"], WRONG_NAME)["detail"]
    assert "certificat accepté" in detail and "en-tête AMQP" in detail, detail


def test_what_needs_rc_ref_is_blocked_by_tier_3_without_rc_ref(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["sans-rc-ref"]
    root = _by_name(result, RC_REF_ROOT)
    assert Verdict(root["verdict"]) in (Verdict.FAILED, Verdict.TIMED_OUT), table(result)
    for fragment in (TWICE, REFUSED_RC_REF):  # tier 4, and tier 3 after its root
        blocked = _by_name(result, fragment)
        assert Verdict(blocked["verdict"]) is Verdict.BLOCKED, table(result)
        assert blocked["blocked_by_tier"] == 3, table(result)
        assert "bloqué par le palier 3" in blocked["detail"], table(result)
    assert Verdict(_by_name(result, VENDOR_ERROR)["verdict"]) is Verdict.PASSED, table(result)


def test_a_refusal_failure_says_what_arrived(runs: dict[str, dict[str, Any]]) -> None:
    assert "refused = None" in _by_name(runs["rc-ref-refus-absent"], REFUSED_RC_REF)["detail"]
    assert "errorCause" in _by_name(runs["erreur-editeur-sans-cause"], VENDOR_ERROR)["detail"]
