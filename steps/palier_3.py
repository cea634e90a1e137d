"""Palier 3 — Envoi de messages vides (features/palier-3-messages-vides.feature)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, empty_messages, refusals


@given(parsers.parse("le message vide envoyé par le système au format {fmt}"))
def vendor_message(bench: ScenarioEngine, fmt: str) -> None:
    rule = f"Palier 3 — DST 1.2 §3.4.1 (envoi d'un message vide {fmt})"
    bench.memo["msg"] = empty_messages.vendor_message(bench, fmt.lower(), rule)


@then(parsers.parse("son type de contenu est application/json et son corps est lisible [{rule}]"))
def json_format(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_json_format(bench, bench.memo["msg"], rule)


@then(parsers.parse("son type de contenu est application/xml et son corps est lisible [{rule}]"))
def xml_format(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_xml_format(bench, bench.memo["msg"], rule)


@then(parsers.parse("il est publié en mode persistant [{rule}]"))
def persistent(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_persistent(bench, bench.memo["msg"], rule)


@then(parsers.parse("son enveloppe est conforme au schéma du vhost [{rule}]"))
def envelope(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_envelope(bench, bench.memo["msg"], rule)


@then(parsers.parse("son senderID est égal à sa clé de routage [{rule}]"))
def sender(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_sender(bench, bench.memo["msg"], rule)


@then(parsers.parse("son distributionID est de la forme « senderID_identifiant » [{rule}]"))
def distribution_id(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_distribution_id(bench, bench.memo["msg"], rule)


@then(parsers.parse("il est adressé au partenaire avec des dates valides [{rule}]"))
def recipient_and_dates(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_recipient_and_dates(bench, bench.memo["msg"], rule)


@when(parsers.parse("le système envoie {count:d} messages vides à la suite"))
def burst(bench: ScenarioEngine, count: int) -> None:
    bench.memo["burst"] = count


@then(parsers.parse("leurs distributionID sont tous différents [{rule}]"))
def unique(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.burst_unique_ids(bench, bench.memo["burst"], rule)


@when("le partenaire envoie un message vide au système")
def partner_sends(bench: ScenarioEngine) -> None:
    empty_messages.partner_sends(bench)


@then(parsers.parse("le système renvoie un RC-REF qui le référence [{rule}]"))
def vendor_acks(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_vendor_acks(bench, rule)


@when(parsers.parse("le partenaire acquitte un message du système [{rule}]"))
def partner_acks(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.partner_acks_vendor_message(bench, rule)


@then(parsers.parse("le système n'acquitte pas cet acquittement [{rule}]"))
def ack_not_acked(bench: ScenarioEngine, rule: str) -> None:
    empty_messages.check_ack_not_acked(bench, rule)


@when("le partenaire remet au système un message non conforme au schéma")
def invalid_message(bench: ScenarioEngine) -> None:
    refusals.send_invalid(bench)


@then(parsers.parse("le système le refuse par un RC-REF « refused » lié à son message d'erreur [{rule}]"))
def refused_rc_ref(bench: ScenarioEngine, rule: str) -> None:
    refusals.check_refused_rc_ref(bench, rule)


@then(parsers.parse(
    "le système envoie au partenaire un message d'erreur qui le référence et en donne la cause [{rule}]"))
def error_message(bench: ScenarioEngine, rule: str) -> None:
    refusals.check_error_message(bench, rule)
