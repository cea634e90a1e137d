"""Palier 2 — Réception de messages techniques (features/palier-2-messages-techniques.feature)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from hubbench.engine import ScenarioEngine, technical_messages


@when(parsers.parse("le partenaire envoie {count:d} messages vides au système"))
def partner_sends(bench: ScenarioEngine, count: int) -> None:
    technical_messages.send_technical(bench, count)


@then(parsers.parse("les messages sont acquittés et la file .message est vide [{rule}]"))
def acked(bench: ScenarioEngine, rule: str) -> None:
    technical_messages.check_acked(bench, rule)


@then(parsers.parse("aucun message n'est relivré en boucle [{rule}]"))
def no_loop(bench: ScenarioEngine, rule: str) -> None:
    technical_messages.check_no_redelivery(bench, rule)


@when("le banc dépose un message indécodable dans la file .message du système")
def undecodable(bench: ScenarioEngine) -> None:
    technical_messages.inject_undecodable(bench)


@then(parsers.parse("le système le rejette sans remise en file [{rule}]"))
def rejected(bench: ScenarioEngine, rule: str) -> None:
    technical_messages.check_rejected_without_requeue(bench, rule)


@when("le banc dépose un rapport d'erreur du hub dans .info et un acquittement dans .ack")
def info_and_ack(bench: ScenarioEngine) -> None:
    technical_messages.inject_info_and_ack(bench)


@then(parsers.parse("la file {suffix} est vidée [{rule}]"))
def drained(bench: ScenarioEngine, suffix: str, rule: str) -> None:
    technical_messages.check_drained(bench, suffix, rule)


@then(parsers.parse("le système publie sur un canal en mode confirm [{rule}]"))
def confirms(bench: ScenarioEngine, rule: str) -> None:
    technical_messages.check_publisher_confirms(bench, rule)


@when(
    parsers.parse(
        "l'opérateur redémarre le système pendant que le partenaire lui envoie {count:d} messages [{rule}]"
    )
)
def restart(bench: ScenarioEngine, count: int, rule: str) -> None:
    technical_messages.restart_and_send(bench, count, rule)


@then(parsers.parse("le système revient et consomme les messages arrivés pendant l'arrêt [{rule}]"))
def back(bench: ScenarioEngine, rule: str) -> None:
    technical_messages.check_back_and_consumed(bench, rule)
