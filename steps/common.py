"""Steps shared by every tier: the vendor is connected, a person attests."""

from __future__ import annotations

from pytest_bdd import given, parsers, then

from hubbench.engine import ScenarioEngine, connection


@given("le système de l'éditeur est connecté au hub")
def vendor_connected(bench: ScenarioEngine) -> None:
    connection.connected(bench, connection.RULE_CONNECTED)


@then(parsers.parse('une personne atteste "{key}" : {question} [{rule}]'))
def person_attests(bench: ScenarioEngine, key: str, question: str, rule: str) -> None:
    bench.attest(key, f"{question} ({rule})", [{"label": question}])
