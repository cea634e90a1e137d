"""Tablet role on 15-SMUR, tiers 4–6 (features/palier-4-reception-tablette.feature,
palier-5-envoi-tablette.feature, palier-6-reconciliation-tablette.feature): one-line calls to
`hubbench.engine.tablet`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hubbench.engine import ScenarioEngine, tablet


@when(parsers.parse("le LRM du banc partage un dossier (RS-EDA) avec la tablette [{rule}]"))
def share_case(bench: ScenarioEngine, rule: str) -> None:
    tablet.share_case(bench, rule)


@given(parsers.parse("le dossier partagé par le LRM du banc avec la tablette [{rule}]"))
def shared_case(bench: ScenarioEngine, rule: str) -> None:
    tablet.tablet_case(bench, rule)


@then(parsers.parse("la tablette l'acquitte (AMQP et RC-REF) sans erreur [{rule}]"))
def acked(bench: ScenarioEngine, rule: str) -> None:
    tablet.check_acked(bench, rule)


@when(parsers.parse("le LRM du banc envoie un message {kind} sur le dossier de la tablette [{rule}]"))
def lrm_message(bench: ScenarioEngine, kind: str, rule: str) -> None:
    tablet.send_lrm_message(bench, kind, rule)


@when(parsers.parse("le LRM du banc renvoie le dossier avec le même distributionID [{rule}]"))
def resend_same(bench: ScenarioEngine, rule: str) -> None:
    tablet.resend_same(bench, rule)


@then(parsers.parse("le message suivant de la tablette sur ce dossier reprend le même caseId [{rule}]"))
def same_case(bench: ScenarioEngine, rule: str) -> None:
    tablet.check_follow_up_case(bench, rule)


@then(parsers.parse('une personne atteste la liste "{key}" des valeurs affichées par la tablette [{rule}]'))
def display(bench: ScenarioEngine, key: str, rule: str) -> None:
    tablet.attest_display(bench, key, rule)


@when(parsers.parse("la tablette envoie un message {kind} sur le dossier reçu du LRM [{rule}]"))
def tablet_sends(bench: ScenarioEngine, kind: str, rule: str) -> None:
    tablet.tablet_sends(bench, kind, rule)


@then(parsers.parse("le message de la tablette est conforme au schéma du vhost [{rule}]"))
def schema(bench: ScenarioEngine, rule: str) -> None:
    tablet.check_schema(bench, rule)


@then(parsers.parse("le message de la tablette suit les règles de contenu de son type [{rule}]"))
def content(bench: ScenarioEngine, rule: str) -> None:
    tablet.check_content(bench, rule)


@given(parsers.parse("un dossier partagé puis mis à jour (RS-EDA-MAJ) par le LRM du banc [{rule}]"))
def updated_case(bench: ScenarioEngine, rule: str) -> None:
    tablet.share_and_update(bench, rule)


@then(parsers.parse("le message suivant de la tablette sur ce dossier garde son caseId [{rule}]"))
def keeps_case(bench: ScenarioEngine, rule: str) -> None:
    tablet.check_follow_up_case(bench, rule, updated=True)


@then(parsers.parse('une personne atteste la liste "{key}" des modifications affichées par la tablette '
                    '[{rule}]'))
def update_display(bench: ScenarioEngine, key: str, rule: str) -> None:
    tablet.attest_update_display(bench, key, rule)
