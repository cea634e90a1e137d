"""Palier 5 — Envoi d'un dossier et corrections (features/palier-5-envoi-dossier.feature)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, case_sending, converted_case, delivery_status

CASE_RULE = "Palier 5 — DSF 15-15 §5.1 (partage d'un dossier)"
CORRECTION_RULE = "Palier 5 — DSF 15-15 §5.4 (correction d'un dossier partagé)"


@given("le dossier partagé par le système")
def vendor_case(bench: ScenarioEngine) -> None:
    case_sending.vendor_case(bench, CASE_RULE)


@given("la correction du dossier partagé par le système")
def vendor_correction(bench: ScenarioEngine) -> None:
    case_sending.vendor_correction(bench, CORRECTION_RULE)


@then(parsers.parse("il est conforme au schéma du vhost [{rule}]"))
def schema(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_schema(bench, rule)


@then(parsers.parse("son caseId est formé de l'organisation émettrice et du numéro local [{rule}]"))
def case_id(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_case_id(bench, rule)


@then(parsers.parse("sa date de création est au format avec décalage horaire [{rule}]"))
def creation(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_creation(bench, rule)


@then(parsers.parse("il contient les valeurs du jeu de données [{rule}]"))
def values(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_values(bench, rule)


@then(parsers.parse("la correction reprend le caseId du dossier [{rule}]"))
def same_case(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_correction_case(bench, rule)


@then(parsers.parse("la correction garde la date de création du dossier [{rule}]"))
def same_creation(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_correction_creation(bench, rule)


@then(
    parsers.parse(
        "la correction est un message de mise à jour de la liaison avec un nouveau distributionID [{rule}]"
    )
)
def update_message(bench: ScenarioEngine, rule: str) -> None:
    case_sending.check_correction_message(bench, rule)


@then(parsers.parse("il est dans le modèle que le système déclare parler [{rule}]"))
def model(bench: ScenarioEngine, rule: str) -> None:
    converted_case.check_model(bench, rule)


@then(parsers.parse("le partenaire NexSIS reçoit un RC-EDA conforme au schéma du vhost [{rule}]"))
def converted_schema(bench: ScenarioEngine, rule: str) -> None:
    converted_case.check_schema(bench, rule)


@then(parsers.parse(
    "le dossier reçu par le partenaire NexSIS suit les règles de conversion RS-EDA vers RC-EDA [{rule}]"))
def converted_content(bench: ScenarioEngine, rule: str) -> None:
    converted_case.check_content(bench, rule)


@then(parsers.parse("l'enveloppe reçue par le partenaire NexSIS est celle du système [{rule}]"))
def converted_envelope(bench: ScenarioEngine, rule: str) -> None:
    converted_case.check_envelope(bench, rule)


@given(parsers.parse("le système partage un dossier que le partenaire n'acquitte pas [{rule}]"))
@when(parsers.parse("le système partage un dossier que le partenaire n'acquitte pas [{rule}]"))
def unacked_case(bench: ScenarioEngine, rule: str) -> None:
    delivery_status.unacked_case(bench, rule)


@then(parsers.parse("une personne atteste que le logiciel montre ce dossier non délivré [{rule}]"))
def undelivered(bench: ScenarioEngine, rule: str) -> None:
    delivery_status.attest_undelivered(bench, rule)


@when(parsers.parse("le hub signale une erreur sur ce message dans la file .info du système [{rule}]"))
def hub_error(bench: ScenarioEngine, rule: str) -> None:
    delivery_status.report_hub_error(bench, rule)


@then(parsers.parse("une personne atteste que le logiciel signale cette erreur du hub [{rule}]"))
def error_surfaced(bench: ScenarioEngine, rule: str) -> None:
    delivery_status.attest_error_surfaced(bench, rule)
