"""Robustesse — optional tier (features/robustesse.feature)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, robustness


@given(parsers.parse("le système de l'éditeur est connecté au hub par le proxy du banc [{rule}]"))
def through_proxy(bench: ScenarioEngine, rule: str) -> None:
    robustness.connected_through_proxy(bench, rule)


@when(parsers.parse("le banc coupe la liaison avant que le hub ne reçoive le premier de {count:d} messages "
                    "du système [{rule}]"))
def cut_before_hub(bench: ScenarioEngine, count: int, rule: str) -> None:
    robustness.cut_during_send(bench, count, forward=False, rule=rule)


@when(parsers.parse("le banc coupe la liaison après que le hub a reçu le premier de {count:d} messages du "
                    "système, avant sa confirmation [{rule}]"))
def cut_before_confirm(bench: ScenarioEngine, count: int, rule: str) -> None:
    robustness.cut_during_send(bench, count, forward=True, rule=rule)


@then(parsers.parse("le système se reconnecte seul par le proxy [{rule}]"))
def reconnected(bench: ScenarioEngine, rule: str) -> None:
    robustness.check_reconnected(bench, rule)


@then(parsers.parse("le hub reçoit les messages demandés, aucun perdu [{rule}]"))
def nothing_lost(bench: ScenarioEngine, rule: str) -> None:
    robustness.check_nothing_lost(bench, rule)


@then(parsers.parse("un message renvoyé garde son distributionID [{rule}]"))
def same_ids(bench: ScenarioEngine, rule: str) -> None:
    robustness.check_same_distribution_ids(bench, rule)


@when(parsers.parse("le partenaire envoie {count:d} messages au système et le banc coupe aussitôt la "
                    "liaison"))
def cut_receiving(bench: ScenarioEngine, count: int) -> None:
    robustness.cut_while_receiving(bench, count)


@when(parsers.parse("le partenaire envoie {count:d} messages au système et le banc réinitialise la liaison "
                    "en cours de livraison"))
def reset_receiving(bench: ScenarioEngine, count: int) -> None:
    robustness.reset_while_receiving(bench, count)


@then(parsers.parse("le système se reconnecte seul après la réinitialisation [{rule}]"))
def reconnected_after_reset(bench: ScenarioEngine, rule: str) -> None:
    robustness.check_reconnected_after_reset(bench, rule)


@when(parsers.parse("le banc bloque la liaison pendant que le partenaire envoie {count:d} messages au "
                    "système"))
def stall_receiving(bench: ScenarioEngine, count: int) -> None:
    robustness.stall_while_receiving(bench, count)


@then(parsers.parse("chaque message envoyé pendant la panne reçoit son RC-REF [{rule}]"))
def all_consumed(bench: ScenarioEngine, rule: str) -> None:
    robustness.check_all_consumed(bench, rule)


@then(parsers.parse("chaque message inhabituel et chaque sonde reçoivent leur RC-REF [{rule}]"))
def fuzz(bench: ScenarioEngine, rule: str) -> None:
    robustness.fuzz_consumer(bench, rule)


@then(parsers.parse("chaque message généré depuis le schéma officiel et chaque sonde reçoivent une réponse "
                    "[{rule}]"))
def fuzz_from_schema(bench: ScenarioEngine, rule: str) -> None:
    robustness.fuzz_from_schema(bench, rule)
