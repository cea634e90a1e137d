"""Palier 7 — EMSI (features/palier-7-emsi.feature)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from hubbench.engine import ScenarioEngine, emsi_exchange

PARTNER_RULE = "Palier 7 — DSF 15-NexSIS §5.3 (EMSI du partenaire)"


@then(parsers.parse("le système envoie une demande de concours sur une affaire partagée [{rule}]"))
def vendor_dc(bench: ScenarioEngine, rule: str) -> None:
    emsi_exchange.vendor_sends_dc(bench, rule)


@when("le partenaire envoie une demande de concours EMSI DC")
def partner_dc(bench: ScenarioEngine) -> None:
    emsi_exchange.partner_sends(bench, "DC", PARTNER_RULE)


@then(parsers.parse("l'opérateur répond {answer} en reprenant la mission de la demande [{rule}]"))
def vendor_rdc(bench: ScenarioEngine, answer: str, rule: str) -> None:
    emsi_exchange.vendor_answers_dc(bench, answer, rule)


@when(parsers.parse("le partenaire répond {answer} à la demande de concours du système"))
def partner_answer(bench: ScenarioEngine, answer: str) -> None:
    emsi_exchange.partner_answers(bench, answer, PARTNER_RULE)


@then(parsers.parse("le système envoie un compte rendu d'opérations sur une affaire partagée [{rule}]"))
def vendor_opg(bench: ScenarioEngine, rule: str) -> None:
    emsi_exchange.vendor_sends_opg(bench, rule)


@when(parsers.parse("le partenaire envoie un EMSI {variant}"))
def partner_emsi(bench: ScenarioEngine, variant: str) -> None:
    emsi_exchange.partner_sends(bench, variant, PARTNER_RULE)
