"""Palier 4 — Réception d'un message fonctionnel initial (features/palier-4-reception-initiale.feature)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, initial_reception


@when("le partenaire partage le dossier initial de la liaison")
def share_initial(bench: ScenarioEngine) -> None:
    initial_reception.share_initial_case(bench, "Palier 4 — dossier initial")


@then(parsers.parse("le système l'acquitte (AMQP et RC-REF) sans erreur [{rule}]"))
def acked(bench: ScenarioEngine, rule: str) -> None:
    initial_reception.check_acked(bench, rule)


@when(parsers.parse("le partenaire renvoie le dossier initial déjà partagé [{rule}]"))
def resend(bench: ScenarioEngine, rule: str) -> None:
    initial_reception.resend(bench, rule)


@then(parsers.parse("la mise à jour suivante du système reprend le même caseId [{rule}]"))
def no_second_case(bench: ScenarioEngine, rule: str) -> None:
    initial_reception.check_no_second_case(bench, rule)


@given(parsers.parse("le dossier initial partagé par le partenaire [{rule}]"))
def initial_case(bench: ScenarioEngine, rule: str) -> None:
    initial_reception.partner_case(bench, rule)


@then(parsers.parse('une personne atteste la liste "{key}" des valeurs affichées [{rule}]'))
def display(bench: ScenarioEngine, key: str, rule: str) -> None:
    initial_reception.attest_display(bench, key, rule)


@when(parsers.parse("le partenaire envoie un message {kind} sur le dossier partagé [{rule}]"))
def link_message(bench: ScenarioEngine, kind: str, rule: str) -> None:
    initial_reception.send_link_message(bench, kind, rule)


@when(parsers.parse("le partenaire livre deux fois le même message (même distributionID) [{rule}]"))
def delivered_twice(bench: ScenarioEngine, rule: str) -> None:
    initial_reception.deliver_twice(bench, rule)


@then(parsers.parse("le système renvoie un RC-REF pour la seconde livraison [{rule}]"))
def reacked(bench: ScenarioEngine, rule: str) -> None:
    initial_reception.check_reacked(bench, rule)
