"""15-GPS — paliers 4 et 5 (features/gps-palier-4-reception.feature, features/gps-palier-5-envoi.feature)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from hubbench.engine import ScenarioEngine, gps_exchange


@when(parsers.parse("le partenaire envoie un message {name} au système"))
def partner_sends(bench: ScenarioEngine, name: str) -> None:
    gps_exchange.partner_sends(bench, name)


@then(parsers.parse("le système envoie les positions de ses ressources (GEO-POS) [{rule}]"))
def vendor_positions(bench: ScenarioEngine, rule: str) -> None:
    gps_exchange.vendor_sends_positions(bench, rule)


@then(parsers.parse("le système répond à la demande GEO-REQ du partenaire par un GEO-RES [{rule}]"))
def vendor_answers(bench: ScenarioEngine, rule: str) -> None:
    gps_exchange.vendor_answers_request(bench, rule)


@then(parsers.parse("le système demande au partenaire les détails de ses ressources (GEO-REQ) [{rule}]"))
def vendor_requests(bench: ScenarioEngine, rule: str) -> None:
    gps_exchange.vendor_sends_request(bench, rule)


@then(parsers.parse("le système acquitte la réponse GEO-RES du partenaire [{rule}]"))
def vendor_settles_answer(bench: ScenarioEngine, rule: str) -> None:
    gps_exchange.partner_answers_request(bench, rule)
