"""Verdict matrix of the functional tiers 4–7 on the real hub: the reference vendors against the engine.

`conforme` runs tiers 1–7 on each link's default vhost (15-15, 15-SMUR, 15-NexSIS): every automatable
scenario passes, person-only ones stay pending (official cases of a pack that publishes none: not applicable,
with the reason); the other model lines' vhosts are run by test_every_vhost.py. Each
functional fault profile runs tiers 1–7 on the link where its deviation shows and fails exactly the
scenario(s) of the rule it breaks — none of tiers 1–3. All runs go at once (one process per run, each
with its own vendor and partner ids, `Timeouts.fast()`) against one node and its dispatcher.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.ci import skip_or_fail
from support.dispatcher import process_env
from support.hub import HubFixture
from support.prompt_api import opened_prompts
from support.runs import (
    check_fails_exactly,
    collect_all,
    partner_for,
    start_run,
    start_vendor,
    table,
)

from hubbench.engine.links import get_link
from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES

FEATURES = Path(__file__).resolve().parents[2] / "features"
RUN_LIMIT_S = 420
FUNCTIONAL_TIERS = (4, 5, 6, 7)

# (run name, profile, link, tiers)
RUNS: tuple[tuple[str, str, str, str], ...] = (
    ("conforme 15-15", "conforme", "15-15", "1-7"),
    ("conforme 15-SMUR", "conforme", "15-SMUR", "1-7"),
    ("conforme 15-NexSIS", "conforme", "15-NexSIS", "1-7"),  # a non-directCISU LRM: RS-EDA, converted
    ("conforme-direct-cisu 15-NexSIS", "conforme-direct-cisu", "15-NexSIS", "1-7"),  # RC-EDA itself
    ("doublon-sur-renvoi", "doublon-sur-renvoi", "15-15", "1-7"),
    ("creation-modifiee", "creation-modifiee", "15-NexSIS", "1-7"),  # RS-EDA-MAJ has no `creation`
    ("nouveau-caseid-en-correction", "nouveau-caseid-en-correction", "15-15", "1-7"),
    ("mauvaise-reponse-owner", "mauvaise-reponse-owner", "15-15", "1-7"),  # owner flows: 15-15 only
    ("emsi-sans-mission-id", "emsi-sans-mission-id", "15-NexSIS", "1-7"),  # EMSI: 15-NexSIS only
    ("mauvaise-version-schema", "mauvaise-version-schema", "15-15", "1-7"),
    ("faux-direct-cisu", "faux-direct-cisu", "15-NexSIS", "1-7"),
    ("rc-eda-sans-direct-cisu", "rc-eda-sans-direct-cisu", "15-NexSIS", "1-7"),
    ("cas-officiel-valeur-ressaisie", "cas-officiel-valeur-ressaisie", "15-15", "1-7"),  # 1.3.0 cases
    ("doublon-non-reacquitte", "doublon-non-reacquitte", "15-15", "1-7"),  # issue 14: same distributionID
)
CONFORMING = ("conforme", "conforme-direct-cisu")
CONVERTED_SCENARIOS = ("Dossier converti lisible par le partenaire NexSIS", "Contenu du dossier converti",
                       "Enveloppe du dossier converti inchangée")
CLIENT_IDS = {name: f"fr.health.samu8{i:02d}" for i, (name, *_) in enumerate(RUNS, start=10)}

# The scenarios (fragments of their French names) each functional fault must fail, and only those.
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "doublon-sur-renvoi": ("Un renvoi du dossier ne crée pas de second dossier",),
    "creation-modifiee": ("Correction : date de création inchangée",),
    "nouveau-caseid-en-correction": ("Correction : même caseId",),
    "mauvaise-reponse-owner": ("Transfert de responsabilité accepté", "Transfert de responsabilité refusé"),
    "emsi-sans-mission-id": ("Réponse à une demande de concours du partenaire (RDC)", "Réponse REFUS à une",
                             "Réponse PARTIELLE à une", "Réponse DIVERGENTE à une"),  # every answer kind
    "mauvaise-version-schema": ("Dossier conforme au schéma du vhost",),
    # declared directCISU, shares RS-EDA: forwarded unconverted, not the model nor the values asked
    "faux-direct-cisu": ("Modèle du dossier : RC-EDA", "Valeurs du jeu de données",
                         "Correction : message de mise à jour"),
    # not directCISU, shares RC-EDA: the hub's converter refuses it (300), NexSIS receives nothing
    "rc-eda-sans-direct-cisu": ("Modèle du dossier : RS-EDA", "Dossier conforme au schéma du vhost",
                                "Valeurs du jeu de données", *CONVERTED_SCENARIOS,
                                "Correction : message de mise à jour"),
    "cas-officiel-valeur-ressaisie": ("Cas officiel Monsieur X - Editeur 09 / Hub Santé 31",),
    "doublon-non-reacquitte": ("Un même distributionID livré deux fois",),
}
AUTOMATABLE_OK = {Verdict.PASSED, Verdict.NOT_APPLICABLE}
# Functional faults of the tiers 6–7 branches (issue 14), run by test_branches_67_matrix.py (each caught
# by these scenarios only, on its own tier); here their scenarios must exist once in conforme's run.
BRANCHES_6_7: dict[str, tuple[str, ...]] = {
    "variation-localisation-sans-rc-ref": ("Variation du champ localisation",),
    "demande-owner-sans-cible": ("Demande de prise en charge envoyée par le système",),
    "repartage-premier-partenaire-seul": ("Mise à jour repartagée aux deux partenaires",),
    "emsi-reponse-toujours-acceptee": ("Réponse REFUS à une", "Réponse PARTIELLE à une",
                                       "Réponse DIVERGENTE à une"),
    "emsi-reponse-non-acceptee-ignoree": ("Réception d'une réponse REFUS",
                                          "Réception d'une réponse PARTIELLE",
                                          "Réception d'une réponse DIVERGENTE"),
}
BRANCH_LINKS = {"variation-localisation-sans-rc-ref": "15-15", "demande-owner-sans-cible": "15-15",
                "repartage-premier-partenaire-seul": "15-15", "emsi-reponse-toujours-acceptee": "15-NexSIS",
                "emsi-reponse-non-acceptee-ignoree": "15-NexSIS"}

pytestmark = pytest.mark.broker


def _features_present() -> bool:
    return all(list(FEATURES.glob(f"palier-{tier}-*.feature")) for tier in FUNCTIONAL_TIERS)


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    if not _features_present():
        skip_or_fail("scénarios des paliers 4 à 7 absents de features/")
    sims: dict[str, VendorThread] = {}
    streams = tmp_path_factory.mktemp("invites")
    try:
        for name, profile, link, _ in RUNS:
            sims[name] = start_vendor(live_hub, CLIENT_IDS[name], profile, get_link(link).default_vhost)
        started = time.monotonic()
        processes = {name: start_run(process_env(live_hub), f"ref-fn-{name}", CLIENT_IDS[name], link, tiers,
                                     partner=partner_for(CLIENT_IDS[name], link),
                                     prompts_jsonl=streams / f"{name}.jsonl")
                     for name, _, link, tiers in RUNS}
        results = collect_all(processes, sims, "matrice fonctionnelle", started)
        for name, result in results.items():
            stream = streams / f"{name}.jsonl"
            lines = stream.read_text(encoding="utf-8").splitlines() if stream.exists() else []
            result["prompt_lines"] = [json.loads(line) for line in lines]
        yield results
    finally:
        for sim in sims.values():
            sim.stop()


@pytest.mark.parametrize("name", [name for name, profile, *_ in RUNS if profile in CONFORMING])
def test_conforme_passes_every_automatable_functional_check(runs: dict[str, dict[str, Any]],
                                                            name: str) -> None:
    result = runs[name]
    scenarios = result["scenarios"]
    assert scenarios, table(result)
    assert {s["tier"] for s in scenarios} == set(range(1, 8)), table(result)
    assert all(s["detail"].strip() for s in scenarios
               if Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE), table(result)  # each says why
    pending = [s for s in scenarios if Verdict(s["verdict"]) is Verdict.PENDING_ATTESTATION]
    assert all(Verdict(s["verdict"]) in AUTOMATABLE_OK for s in scenarios if s not in pending), table(result)
    assert pending and sum(Verdict(s["verdict"]) is Verdict.PASSED for s in scenarios) >= 8, table(result)
    if name.endswith("15-NexSIS"):
        tier7 = [s for s in scenarios if s["tier"] == 7 and Verdict(s["verdict"]) is Verdict.PASSED]
        assert len(tier7) >= 5, table(result)


@pytest.mark.parametrize("profile", sorted(EXPECTED_FAILURES))
def test_functional_fault_fails_exactly_its_scenarios(runs: dict[str, dict[str, Any]], profile: str) -> None:
    result = runs[profile]
    check_fails_exactly(result, profile, EXPECTED_FAILURES[profile])
    assert {1, 2, 3} <= {s["tier"] for s in result["scenarios"]}, table(result)  # tiers 1–3 ran, passed


def test_every_functional_fault_is_in_the_matrix(runs: dict[str, dict[str, Any]]) -> None:
    """Guard on the matrix itself: each functional fault is run, and its scenarios exist in conforme's run."""
    functional = {n for n, p in PROFILES.items() if p.is_fault and 4 <= (p.tier or 0) <= 7
                  and "tablette" not in p.roles  # the tablet's: tests/scenarios/test_tablet_matrix.py
                  and not p.link}  # 15-GPS faults: tests/scenarios/test_gps_matrix.py
    assert set(EXPECTED_FAILURES) == {profile for _, profile, *_ in RUNS} - set(CONFORMING)
    assert functional == set(EXPECTED_FAILURES) | set(BRANCHES_6_7)
    for profile, fragments in (EXPECTED_FAILURES | BRANCHES_6_7).items():
        link = BRANCH_LINKS.get(profile) or next(link for _, p, link, _ in RUNS if p == profile)
        reference = "conforme-direct-cisu 15-NexSIS" if PROFILES[profile].direct_cisu else f"conforme {link}"
        names = [s["name"] for s in runs[reference]["scenarios"]]
        for fragment in fragments:
            assert sum(fragment in n for n in names) == 1, (profile, fragment, names)


def test_nexsis_scenarios_follow_the_kind_of_lrm(runs: dict[str, dict[str, Any]]) -> None:
    """The conversion on for a non-directCISU LRM (its converted case judged, all passing), off for a
    directCISU one (no converted-case scenario: it shares RC-EDA itself)."""
    health = {s["name"]: s for s in runs["conforme 15-NexSIS"]["scenarios"]}
    direct = {s["name"]: s for s in runs["conforme-direct-cisu 15-NexSIS"]["scenarios"]}
    for fragment in CONVERTED_SCENARIOS:
        (found,) = [s for name, s in health.items() if fragment in name]
        assert Verdict(found["verdict"]) is Verdict.PASSED, table(runs["conforme 15-NexSIS"])
        assert not any(fragment in name for name in direct), table(runs["conforme-direct-cisu 15-NexSIS"])
    assert any("RS-EDA converti" in name for name in health) and not any("RC-EDA (LRM" in n for n in health)
    assert any("RC-EDA (LRM directCISU)" in name for name in direct)
    assert not any("converti" in s["name"] for s in runs["conforme 15-15"]["scenarios"])


def test_a_case_the_converter_refuses_surfaces_the_hubs_error_300(runs: dict[str, dict[str, Any]]) -> None:
    """RC-EDA from an LRM without directCISU: the converter refuses it; the 300 the vendor got on its .info
    is what the schema check and the NexSIS partner's checks report."""
    result = runs["rc-eda-sans-direct-cisu"]
    details = {s["name"]: s["detail"] for s in result["scenarios"]}
    (readable,) = [d for n, d in details.items() if "Dossier converti lisible" in n]
    (schema,) = [d for n, d in details.items() if "Dossier conforme au schéma du vhost" in n]
    assert "300" in readable and "300" in schema, table(result)


def test_every_prompt_of_tiers_4_to_7_is_valid_against_the_schema(runs: dict[str, dict[str, Any]]) -> None:
    """Every line the engine streamed (`--prompts-jsonl`), functional actions included, matches
    schemas/prompt.schema.json."""
    actions = {prompt["action"] for name, result in runs.items()
               for prompt in opened_prompts(result["prompt_lines"], name)}
    assert {"send_create_case", "send_case_update", "answer_owner_transfer", "send_emsi"} <= actions, actions
