"""Tiers 4–7 on the real hub (TLS node + dispatcher) against the reference vendor `conforme`, per link.

Each run goes in its own process (support/runs.py), all of the module's at once; each vendor runs in a
thread of this process and acts on its run's prompts through its prompt API, like a real operator.
Every automatable scenario must pass; the person-only ones stay "à attester"; messages a model line
does not have are "non applicable". Tier 6 plays the official cases of the vhost's pack (15-15_v1.5:
tag 1.3.0, ten cases; none for 15-SMUR/15-NexSIS there); test_official_cases_hub.py plays them on
every line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.hub import HubFixture
from support.official import official_pack
from support.runs import run_all_against, table

from hubbench.cases.material import material_for
from hubbench.engine.links import LINKS
from hubbench.events import Verdict
from hubbench.vhosts import LRM_LINKS

pytestmark = pytest.mark.broker

PENDING = {
    "Valeurs du dossier initial affichées par le logiciel",
    "Statut de partage et trace du dossier visibles",
    "Mises à jour visibles et sans doublon",
    "Demandes de concours présentées aux utilisateurs",
    "Réponses du partenaire présentées aux utilisateurs",
    # issue 14's branches: a machine check passed, then a person attests
    "Un même distributionID livré deux fois est acquitté deux fois et intégré une fois",
    "Acquittement retenu par le partenaire : dossier non délivré",
    "Erreur du hub signalée à l'opérateur",
}
# Messages of 15-SMUR that the 1.x model line (vhost 15-smur_v1.4) does not have (lib ≥ 2.0,
# `ansforge/SAMU-Hub-Modeles` `csv_parser/out/schemas.yaml`).
ABSENT_FROM_1_0 = {"resourcesEngagement", "documentLink", "interventionReport"}
LINE_3X = "15-15_v2.1"  # 15-15 on its 3.x-line vhost (a default vhost of the hub)


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    """Tiers 4–7 of `conforme` on each LRM link's default vhost and on 15-15's 3.x line, at once."""
    specs = {link: ("conforme", link, LINKS[link].default_vhost, "4-7") for link in sorted(LRM_LINKS)}
    specs[LINE_3X] = ("conforme", "15-15", LINE_3X, "4-7")
    yield run_all_against(live_hub, specs, "paliers 4 à 7, conforme")


def expected_verdict(link: str, name: str, tags: list[str]) -> Verdict:
    if "role-tablette" in tags:  # an undeclared vendor is an LRM: the tablet's scenarios are « non déclaré »
        return Verdict.NOT_APPLICABLE
    if "aucun scénario pour la liaison" in name:  # tier 7 (EMSI) exists on 15-NexSIS only
        return Verdict.NOT_APPLICABLE
    if "aucun cas publié" in name:  # 1.3.0 (the default vhosts' pack) publishes no 15-SMUR/15-NexSIS case
        return Verdict.NOT_APPLICABLE
    if name in PENDING:
        return Verdict.PENDING_ATTESTATION
    if link == "15-SMUR" and any(f"message {kind} " in name for kind in ABSENT_FROM_1_0):
        return Verdict.NOT_APPLICABLE
    return Verdict.PASSED


@pytest.mark.parametrize("link", sorted(LRM_LINKS))  # 15-GPS: tests/scenarios/test_gps_matrix.py
def test_tiers_4_to_7_conforme(runs: dict[str, dict[str, Any]], link: str) -> None:
    result = runs[link]
    report = table(result)
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
            assert verdict is expected_verdict(link, scenario["name"], scenario["tags"]), report
    assert len(official) == (10 if link == "15-15" else 1), report  # one "non applicable" row otherwise
    print(f"\n{link} : {len(scenarios)} scénarios en {result['seconds']} s\n{table(result)}")


def test_tiers_4_to_7_conforme_on_the_3x_line_play_every_official_case(
        runs: dict[str, dict[str, Any]]) -> None:
    """15-15 on its 3.x-line vhost (a default vhost of the hub): the official cases of the pack run case
    by case, next to the tier 4–7 scenarios, and none is left "non applicable"."""
    link, vhost = "15-15", LINE_3X
    result = runs[LINE_3X]
    report = table(result)
    scenarios = result["scenarios"]
    assert {s["tier"] for s in scenarios} == {4, 5, 6, 7}, report
    official = {s["name"].removeprefix("Cas officiel "): Verdict(s["verdict"])
                for s in scenarios if "cas-officiel" in s["tags"]}
    pack = official_pack("3")
    labels = [c.label for cat in material_for(pack).test_cases() if cat.label == link for c in cat.cases]
    assert labels and set(labels) <= set(official), report
    assert all(official[label] in {Verdict.PASSED, Verdict.PENDING_ATTESTATION} for label in labels), report
    for scenario in scenarios:
        if "cas-officiel" not in scenario["tags"]:
            expected = expected_verdict(link, scenario["name"], scenario["tags"])
            assert Verdict(scenario["verdict"]) is expected, report
    print(f"\n{link} ({vhost}) : {len(labels)} cas officiels, {len(scenarios)} scénarios en "
          f"{result['seconds']} s\n{table(result)}")
