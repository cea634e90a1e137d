"""Tiers 4–7 on the real hub (TLS node + dispatcher) against the reference vendor `conforme`, per link.

Each run goes in its own process (`run_tiers.py`); the vendor runs in a thread of this process and acts
on the run's prompts through the results database, like a real operator. Every automatable scenario
must pass; the person-only ones stay "à attester"; messages a model line does not have are "non
applicable". Tier 6 plays the official cases of the vhost's pack (15-15_v1.5: tag 1.3.0, ten cases; none
for 15-SMUR/15-NexSIS there); test_official_cases_hub.py plays them on every line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubbench.campaigns.demo import SHARED_PACKS, pack_source_env
from hubbench.cases.material import material_for
from hubbench.engine.links import LINKS
from hubbench.events import Verdict
from hubbench.home import HOME_ENV
from hubbench.hub.supervision import dispatcher_health, start_dispatcher, stop_dispatcher
from hubbench.protocol.packs import load_pack
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES

pytestmark = pytest.mark.broker
RUN_TIERS = Path(__file__).with_name("run_tiers.py")
RUN_LIMIT_S = 300

PENDING = {
    "Valeurs du dossier initial affichées par le logiciel",
    "Statut de partage et trace du dossier visibles",
    "Mises à jour visibles et sans doublon",
    "Demandes de concours présentées aux utilisateurs",
}
# Messages of 15-SMUR that the 1.x model line (vhost 15-smur_v1.4) does not have (lib ≥ 2.0,
# `ansforge/SAMU-Hub-Modeles` `csv_parser/out/schemas.yaml`).
ABSENT_FROM_1_0 = {"resourcesEngagement", "documentLink", "interventionReport"}


def shared_or_skip() -> None:
    if not SHARED_PACKS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"official models missing in CI: {SHARED_PACKS}")
        pytest.skip(f"official models absent: {SHARED_PACKS}")


def run_in_process(home_root: Path, vendor: str, client_id: str, link: str, vhost: str, tiers: str,
                   names: str = "", answers: Path | None = None) -> dict[str, Any]:
    env = {**pack_source_env(), HOME_ENV: str(home_root)}
    args = [sys.executable, str(RUN_TIERS), vendor, client_id, link, vhost, tiers, names]
    args += [str(answers)] if answers else []
    process = subprocess.run(args, env=env, capture_output=True, text=True, timeout=RUN_LIMIT_S)
    lines = [line for line in process.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": process.stderr[-3000:], "scenarios": []}
    return json.loads(lines[-1])


def table(result: dict[str, Any]) -> str:
    rows = [f"  P{s['tier']} {s['verdict']:<20} {s['name']} — {s['detail'][:200]}"
            for s in result["scenarios"]]
    return "\n".join(rows) or f"  aucun scénario ({result.get('error', '')})"


def run_against_conforme(hub: Any, link: str, vhost: str, tiers: str, names: str = "",
                         profile: str = "conforme", answers: Path | None = None) -> dict[str, Any]:
    """One run against the reference vendor (`conforme`, or the fault profile named)."""
    client_id = f"fr.health.samu{uuid.uuid4().hex[:5]}"
    hub.registry.add(client_id, vhosts=[vhost], editor="hubbench-tests")
    sim = VendorThread(build_vendor(hub.home, client_id, PROFILES[profile], vhost=vhost,
                                    settings=hub.settings)).start()
    try:
        result = run_in_process(hub.home.root, profile, client_id, link, vhost, tiers, names, answers)
    finally:
        sim.stop()
    result["sim_log"] = [entry.text for entry in sim.vendor.log][-15:]
    return result


@pytest.fixture(scope="module")
def hub(hub_node: Any) -> Iterator[Any]:
    shared_or_skip()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUBBENCH_PACK_SOURCE", str(SHARED_PACKS.resolve()))
        patch.setenv(HOME_ENV, str(hub_node.home.root))
        running = dispatcher_health(hub_node.home).get("running", False)
        start_dispatcher(hub_node.home, hub_node.settings)
        try:
            yield hub_node
        finally:
            if not running:
                stop_dispatcher(hub_node.home)


def expected_verdict(link: str, name: str) -> Verdict:
    if "aucun scénario pour la liaison" in name:  # tier 7 (EMSI) exists on 15-NexSIS only
        return Verdict.NOT_APPLICABLE
    if "aucun cas publié" in name:  # 1.3.0 (the default vhosts' pack) publishes no 15-SMUR/15-NexSIS case
        return Verdict.NOT_APPLICABLE
    if name in PENDING:
        return Verdict.PENDING_ATTESTATION
    if link == "15-SMUR" and any(f"message {kind} " in name for kind in ABSENT_FROM_1_0):
        return Verdict.NOT_APPLICABLE
    return Verdict.PASSED


@pytest.mark.parametrize("link", sorted(LINKS))
def test_tiers_4_to_7_conforme(hub: Any, link: str) -> None:
    vhost = LINKS[link].default_vhost
    result = run_against_conforme(hub, link, vhost, "4-7")
    report = table(result) + "\n  journal du vendeur :\n" + "\n".join(result["sim_log"])
    scenarios = result["scenarios"]
    assert scenarios, report
    tiers = {s["tier"] for s in scenarios}
    assert tiers == {4, 5, 6, 7}, report  # tier 7 is "non applicable" off 15-NexSIS
    official = [s for s in scenarios if "cas-officiel" in s["tags"]]
    for scenario in scenarios:
        verdict = Verdict(scenario["verdict"])
        if scenario in official and "aucun cas publié" not in scenario["name"]:  # receive steps: to attest
            assert verdict in (Verdict.PENDING_ATTESTATION, Verdict.PASSED), report
        else:
            assert verdict is expected_verdict(link, scenario["name"]), report
    assert len(official) == (10 if link == "15-15" else 1), report  # one "non applicable" row otherwise
    print(f"\n{link} : {len(scenarios)} scénarios en {result['seconds']} s\n{table(result)}")


def test_tiers_4_to_7_conforme_on_the_3x_line_play_every_official_case(hub: Any) -> None:
    """15-15 on its 3.x-line vhost (a default vhost of the hub): the official cases of the pack run case
    by case, next to the tier 4–7 scenarios, and none is left "non applicable"."""
    link, vhost = "15-15", "15-15_v2.1"
    result = run_against_conforme(hub, link, vhost, "4-7")
    report = table(result) + "\n  journal du vendeur :\n" + "\n".join(result["sim_log"])
    scenarios = result["scenarios"]
    assert {s["tier"] for s in scenarios} == {4, 5, 6, 7}, report
    official = {s["name"].removeprefix("Cas officiel "): Verdict(s["verdict"])
                for s in scenarios if "cas-officiel" in s["tags"]}
    pack = load_pack(directory=SHARED_PACKS / "official")
    labels = [c.label for cat in material_for(pack).test_cases() if cat.label == link for c in cat.cases]
    assert labels and set(labels) <= set(official), report
    assert all(official[label] in {Verdict.PASSED, Verdict.PENDING_ATTESTATION} for label in labels), report
    for scenario in scenarios:
        if "cas-officiel" not in scenario["tags"]:
            assert Verdict(scenario["verdict"]) is expected_verdict(link, scenario["name"]), report
    print(f"\n{link} ({vhost}) : {len(labels)} cas officiels, {len(scenarios)} scénarios en "
          f"{result['seconds']} s\n{table(result)}")
