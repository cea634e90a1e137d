"""Palier 6 — Réception et réconciliation (features/palier-6-reconciliation.feature)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, reconciliation, resharing


@given(parsers.parse("un dossier partagé par le partenaire [{rule}]"))
def shared_case(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.share_case(bench, rule)


@when(parsers.parse("le partenaire envoie {count:d} mises à jour du dossier [{rule}]"))
def updates(bench: ScenarioEngine, count: int, rule: str) -> None:
    reconciliation.send_updates(bench, count, rule)


@then(parsers.parse("la mise à jour suivante du système reprend le caseId du dossier [{rule}]"))
def reuses_case(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.check_vendor_reuses_case(bench, rule)


@given(parsers.parse("une demande de prise en charge du partenaire sur son dossier [{rule}]"))
def transfer_request(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.request_transfer(bench, rule)


@then(parsers.parse("l'opérateur accepte et la réponse porte l'identifiant du système en owner [{rule}]"))
def accepted(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.check_transfer_answer(bench, "accept", rule)


@then(parsers.parse("l'opérateur refuse et la réponse remet l'identifiant du demandeur en owner [{rule}]"))
def refused(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.check_transfer_answer(bench, "refuse", rule)


@when(parsers.parse("le partenaire modifie le champ {field} du dossier [{rule}]"))
def variation(bench: ScenarioEngine, field: str, rule: str) -> None:
    del rule  # cited by the feature; the send itself is judged by the next step
    reconciliation.send_variation(bench, field)


@then(parsers.parse("le système acquitte la variation (AMQP et RC-REF) [{rule}]"))
def variation_acked(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.check_variation_acked(bench, rule)


@then(parsers.parse("l'opérateur demande au partenaire de prendre en charge son dossier et la demande le "
                    "désigne en owner [{rule}]"))
def owner_request(bench: ScenarioEngine, rule: str) -> None:
    reconciliation.vendor_requests_transfer(bench, rule)


@given(parsers.parse("le dossier du système partagé aussi avec un second partenaire [{rule}]"))
def shared_twice(bench: ScenarioEngine, rule: str) -> None:
    resharing.share_with_second(bench, rule)


@then(parsers.parse("la mise à jour suivante du système parvient aux deux partenaires [{rule}]"))
def reaches_both(bench: ScenarioEngine, rule: str) -> None:
    resharing.check_update_reaches_both(bench, rule)
