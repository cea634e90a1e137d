"""Official test cases (features/cas-officiels-<liaison>.feature, generated from test_cases.json)."""

from __future__ import annotations

from pathlib import Path

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, official_cases

FEATURES_DIR = Path(__file__).resolve().parent.parent / "features"


@given(parsers.parse('le cas de test officiel "{label}" du pack du vhost'))
def official_case(bench: ScenarioEngine, label: str) -> None:
    bench.memo["official_case"] = official_cases.find_case(bench, label)


@when(parsers.parse("le banc joue les étapes du cas [{rule}]"))
def play(bench: ScenarioEngine, rule: str) -> None:
    official_cases.play(bench, bench.memo["official_case"])


@then(parsers.parse("une personne atteste les valeurs affichées des étapes de réception [{rule}]"))
def attest(bench: ScenarioEngine, rule: str) -> None:
    official_cases.attest_checklists(bench)


@then(parsers.parse("chaque cas de test officiel {link} du pack du vhost a un scénario dans ce fichier"))
def coverage(bench: ScenarioEngine, link: str) -> None:
    feature = official_cases.feature_path(FEATURES_DIR, link)
    official_cases.check_coverage(bench, feature, "Cas officiels — un scénario par cas du pack")
