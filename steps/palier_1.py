"""Palier 1 — Raccordement (features/palier-1-raccordement.feature)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from hubbench.engine import ScenarioEngine, connection, server_trust


@then(parsers.parse("la connexion est chiffrée en TLS 1.2 ou plus [{rule}]"))
def tls(bench: ScenarioEngine, rule: str) -> None:
    connection.check_tls(bench, rule)


@then(parsers.parse("l'authentification utilise le mécanisme EXTERNAL [{rule}]"))
def external(bench: ScenarioEngine, rule: str) -> None:
    connection.check_external(bench, rule)


@then(parsers.parse("le certificat présenté porte l'identifiant client en CN [{rule}]"))
def certificate(bench: ScenarioEngine, rule: str) -> None:
    connection.check_certificate(bench, rule)


@then(parsers.parse("un consommateur est présent sur chacune des files message, ack et info [{rule}]"))
def consumers(bench: ScenarioEngine, rule: str) -> None:
    connection.check_consumers(bench, rule)


@then(parsers.parse("les consommateurs acquittent manuellement [{rule}]"))
def manual_ack(bench: ScenarioEngine, rule: str) -> None:
    connection.check_manual_ack(bench, rule)


@when("le banc ferme de force la connexion du système")
def force_close(bench: ScenarioEngine) -> None:
    connection.force_close(bench)


@then(parsers.parse("le système se reconnecte avec ses trois consommateurs [{rule}]"))
def reconnects(bench: ScenarioEngine, rule: str) -> None:
    connection.check_reconnection(bench, rule)


@then(parsers.parse("le journal du hub ne contient aucun accès refusé pour le système [{rule}]"))
def no_refusal(bench: ScenarioEngine, rule: str) -> None:
    connection.check_no_refusal(bench, rule)



@when(parsers.parse('le banc se présente au système comme un faux hub "{forgery}"'))
def impostor(bench: ScenarioEngine, forgery: str) -> None:
    server_trust.meet_impostor(bench, forgery)


@then(parsers.parse("le système refuse ce faux hub [{rule}]"))
def impostor_refused(bench: ScenarioEngine, rule: str) -> None:
    server_trust.check_refused(bench, rule)
