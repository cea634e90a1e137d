"""Official test cases (features/cas-officiels.feature: one scenario per case of the vhost's pack)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, official_cases


@given(parsers.parse('le cas de test officiel "{label}" du pack du vhost'))
def official_case(bench: ScenarioEngine, label: str) -> None:
    bench.memo["official_case"] = official_cases.find_case(bench, label)


@when(parsers.parse("le banc joue les étapes du cas [{rule}]"))
def play(bench: ScenarioEngine, rule: str) -> None:
    official_cases.play(bench, bench.memo["official_case"])


@then(parsers.parse("une personne atteste les valeurs affichées des étapes de réception [{rule}]"))
def attest(bench: ScenarioEngine, rule: str) -> None:
    official_cases.attest_checklists(bench)
