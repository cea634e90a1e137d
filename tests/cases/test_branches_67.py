"""Tiers 6–7 branches (issue 14): the EMSI answer kinds and their content, the tier-6 field variations,
the vendor's ownership request and the re-sharing rule — each built with the official packs of every
line and judged by `cases.rules` / `cases.emsi_rules`."""

from __future__ import annotations

import pytest

from hubbench.cases import emsi_rules, rules, variations
from hubbench.cases.factory import DC_ANSWERS, CaseContext, MessageFactory
from hubbench.protocol import build_message, validator_for
from hubbench.protocol.packs import SchemaPack

SAMU, NEXSIS, OTHER = "fr.health.samu560", "fr.fire.nexsis.sdis56", "fr.health.samu561"


def _valid(pack: SchemaPack, use_case: dict, sender: str = SAMU, recipient: str = NEXSIS) -> None:
    report = validator_for(pack).validate_message(build_message(sender, recipient, use_case))
    assert report.valid, [(i.path, i.message) for i in report.errors]


@pytest.fixture()
def factory(pack: SchemaPack, fixed_clock) -> MessageFactory:
    return MessageFactory(pack, clock=fixed_clock)


@pytest.mark.parametrize("answer", DC_ANSWERS)
def test_each_answer_kind_carries_its_content_and_passes_its_rules(factory: MessageFactory, pack: SchemaPack,
                                                                   answer: str) -> None:
    ctx = CaseContext.open(NEXSIS)
    details = factory.answer_details(answer)
    use_case = factory.emsi(ctx, "RDC", sender_id=SAMU, answer=answer, mission_id="M-1", details=details)
    _valid(pack, use_case)
    emsi = use_case["emsi"]
    assert emsi_rules.answer_codes(emsi) == [answer]
    assert emsi_rules.check_answer_kind(emsi, answer=answer, details=details) == []
    assert emsi_rules.check_dc_answer(emsi, dc_ids={"M-1"}, answerer_id=SAMU) == []
    assert (answer in emsi_rules.ANSWER_CONTENT_RULES) == bool(details)


@pytest.mark.parametrize("answer", ["REFUS", "PARTIELLE", "DIVERGENTE"])
def test_an_accepte_written_for_another_kind_breaks_the_kind_rule(factory: MessageFactory,
                                                                   answer: str) -> None:
    emsi = factory.emsi(CaseContext.open(NEXSIS), "RDC", sender_id=SAMU, answer="ACCEPTE")["emsi"]
    (finding,) = emsi_rules.check_answer_kind(emsi, answer=answer, details=factory.answer_details(answer))
    assert finding.rule == emsi_rules.RULE_ANSWER_KIND
    assert finding.expected == f"#REPONSE_DEMANDE_CONCOURS#{answer}#" and finding.found == "ACCEPTE"


def test_each_kind_without_its_content_breaks_its_content_rule(factory: MessageFactory) -> None:
    for answer, rule in emsi_rules.ANSWER_CONTENT_RULES.items():
        emsi = factory.emsi(CaseContext.open(NEXSIS), "RDC", sender_id=SAMU, answer=answer)["emsi"]
        emsi["MISSION"][0].pop("RESOURCE_ID", None)
        emsi["MISSION"][0]["FREETEXT"] = "sans motif"
        emsi["MISSION"][0]["START_TIME"] = "2020-01-01T00:00:00+01:00"
        findings = emsi_rules.check_answer_kind(emsi, answer=answer, details=factory.answer_details(answer))
        assert [f.rule for f in findings] == [rule], answer


@pytest.mark.parametrize("field", variations.FIELDS)
def test_each_variation_is_a_valid_update_of_one_field(factory: MessageFactory, pack: SchemaPack,
                                                       field: str) -> None:
    ctx = CaseContext.open(OTHER)
    changes = variations.variation_changes(field, factory, ctx)
    update = factory.correction(ctx, link="15-15", changes=changes)
    _valid(pack, update, sender=OTHER, recipient=SAMU)
    body = update["createCaseHealthUpdate"]
    assert set(body) - {"caseId", "senderCaseId"} == {path.split(".")[2] for path in changes}


def test_unknown_variation_is_refused_in_french(factory: MessageFactory) -> None:
    with pytest.raises(Exception, match="Variation inconnue"):
        variations.variation_changes("couleur", factory, CaseContext.open(OTHER))


def test_owner_request_names_the_target() -> None:
    case_id = f"{SAMU}.DRFR15560250010001"
    ok = {"caseId": case_id, "owner": OTHER}
    assert rules.check_owner_request(ok, case_id=case_id, target_id=OTHER) == []
    (finding,) = rules.check_owner_request({**ok, "owner": SAMU}, case_id=case_id, target_id=OTHER)
    assert (finding.rule, finding.expected, finding.found) == (rules.RULE_OWNER_REQUEST, OTHER, SAMU)
    wrong_case = rules.check_owner_request({**ok, "caseId": "autre"}, case_id=case_id, target_id=OTHER)
    assert [f.rule for f in wrong_case] == [rules.RULE_CASE_REUSED]


def test_an_update_must_reach_every_partner() -> None:
    assert rules.check_reshared({OTHER, NEXSIS}, {OTHER, NEXSIS}) == []
    (finding,) = rules.check_reshared({OTHER}, {OTHER, "fr.health.samu562"})
    assert finding.rule == rules.RULE_RESHARED and finding.found == OTHER
