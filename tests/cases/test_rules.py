from __future__ import annotations

import pytest

from hubbench.cases import emsi_rules as er
from hubbench.cases import rules as r

SAMU = "fr.health.samu770"
OTHER = "fr.health.samu940"
NEXSIS = "fr.fire.nexsis.sdis77"
LOCAL = "DRFR157702400400055"
CASE = {"caseId": f"{SAMU}.{LOCAL}", "senderCaseId": LOCAL, "creation": "2024-01-04T08:01:00+01:00"}


def _rules(findings: list[r.Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in findings]


@pytest.mark.parametrize("line", ["1", "2", "3"])
def test_case_id_passes_for_organisation_plus_local_number(line: str) -> None:
    assert r.check_case_id(CASE, sender_id=SAMU, line=line) == []


@pytest.mark.parametrize("body, rule, severity", [
    ({"senderCaseId": LOCAL}, r.RULE_CASE_ID, "error"),
    ({**CASE, "caseId": f"{OTHER}.{LOCAL}"}, r.RULE_CASE_ID, "error"),
    ({**CASE, "caseId": f"{SAMU}.AUTRE123"}, r.RULE_CASE_ID, "error"),
    ({**CASE, "caseId": f"{SAMU}.X.Y", "senderCaseId": "X.Y"}, r.RULE_SENDER_CASE_ID, "warning"),
])
def test_case_id_failures(body: dict, rule: str, severity: str) -> None:
    findings = r.check_case_id(body, sender_id=SAMU, line="3")
    assert (rule, severity) in _rules(findings)
    assert all(f.message and f.expected and f.found for f in findings)


def test_case_id_pattern_of_the_line() -> None:
    body = {"caseId": f"{SAMU}.a.b.c.d.e.f.g.h.i"}  # 12 labels: beyond {4,10} and beyond fr(.x){3,4}
    assert r.RULE_CASE_ID in [f.rule for f in r.check_case_id(body, sender_id=SAMU, line="3")]
    assert "motif" in r.check_case_id(body, sender_id=SAMU, line="2")[0].message


def test_creation() -> None:
    assert r.check_creation(CASE) == []
    found = r.check_creation({"creation": "2024-01-04T07:01:00Z"})
    assert _rules(found) == [(r.RULE_CREATION, "error")] and "Z" in found[0].message
    assert r.check_creation({})[0].found == "absent"


def test_update_kind() -> None:
    assert r.check_update_kind("createCaseHealthUpdate", link="15-15") == []
    assert r.check_update_kind("createCaseHealthUpdate", link="15-SMUR") == []
    assert r.check_update_kind("createCase", link="15-NexSIS") == []
    assert _rules(r.check_update_kind("createCaseHealth", link="15-15")) == [(r.RULE_UPDATE_KIND, "error")]
    assert r.check_update_kind("createCaseHealthUpdate", link="15-NexSIS")[0].expected == "createCase"


def test_same_case_and_creation_unchanged() -> None:
    later = {"caseId": CASE["caseId"], "creation": CASE["creation"]}
    assert r.check_same_case(CASE, later) == [] and r.check_creation_unchanged(CASE, later) == []
    assert r.check_creation_unchanged(CASE, {"caseId": CASE["caseId"]}) == []  # RS-EDA-MAJ without creation
    assert _rules(r.check_same_case(CASE, {"caseId": f"{SAMU}.AUTRE"})) == [(r.RULE_CORRECTION_CASE, "error")]
    moved = r.check_creation_unchanged(CASE, {**later, "creation": "2024-01-04T08:05:00+01:00"})
    assert _rules(moved) == [(r.RULE_CORRECTION_CREATION, "error")]


def test_new_distribution_id() -> None:
    assert r.check_new_distribution_id(f"{SAMU}_2", {f"{SAMU}_1"}) == []
    assert _rules(r.check_new_distribution_id(f"{SAMU}_1", {f"{SAMU}_1"})) == [(r.RULE_NEW_DISTRIBUTION_ID,
                                                                                "error")]


def test_case_reused() -> None:
    assert r.check_case_reused({"caseId": CASE["caseId"]}, {CASE["caseId"]}) == []
    assert _rules(r.check_case_reused({"caseId": "fr.health.x.y"}, {CASE["caseId"]})) == [
        (r.RULE_CASE_REUSED, "error")]


def test_owner_answer() -> None:
    kwargs = {"requester_id": SAMU, "answerer_id": OTHER}
    assert r.check_owner_answer({"owner": OTHER}, **kwargs, expected="accept") == []
    assert r.check_owner_answer({"owner": SAMU}, **kwargs, expected="refuse") == []
    assert r.check_owner_answer({"owner": SAMU}, **kwargs) == []
    wrong = r.check_owner_answer({"owner": SAMU}, **kwargs, expected="accept")
    assert _rules(wrong) == [(r.RULE_OWNER, "error")] and wrong[0].expected == OTHER
    assert r.check_owner_answer({"owner": "fr.health.samu100"}, **kwargs)[0].found == "fr.health.samu100"


def _emsi(name: str = "#DEMANDE_CONCOURS#CARENCE#Z.01.00.00#", **context: str) -> dict:
    return {"CONTEXT": {"ID": "ctx-1", "MODE": "ACTUAL", "MSGTYPE": "ALERT", **context},
            "EVENT": {"ID": LOCAL, "MAIN_EVENT_ID": CASE["caseId"]},
            "MISSION": [{"ID": "M-1", "NAME": name, "ORG_ID": SAMU}]}


def test_main_event() -> None:
    assert er.check_main_event(_emsi(), {CASE["caseId"]}) == []
    assert [f.rule for f in er.check_main_event(_emsi(), {"fr.health.samu940.X"})] == [er.RULE_MAIN_EVENT]


def test_context() -> None:
    assert er.check_context(_emsi(), seen_context_ids=set(), first_exchange=True) == []
    assert er.check_context(_emsi(MSGTYPE="UPDATE"), seen_context_ids={"ctx-0"}, first_exchange=False) == []
    bad = er.check_context(_emsi(MODE="EXERCS"), seen_context_ids={"ctx-1"}, first_exchange=False)
    assert [f.rule for f in bad] == [er.RULE_CONTEXT_ID, er.RULE_MODE, er.RULE_MSGTYPE]
    assert bad[2].expected == "UPDATE" and bad[2].found == "ALERT"


def test_dc() -> None:
    assert er.check_dc(_emsi()) == [] and er.dc_mission_ids(_emsi()) == {"M-1"}
    assert [f.rule for f in er.check_dc(_emsi("#DEMANDE_CONCOURS#CARENCE#"))] == [er.RULE_DC_NAME]
    assert er.check_dc(_emsi("#MISSION#"))[0].message == "aucune mission de demande de concours"


def test_dc_answer() -> None:
    answer = _emsi("#REPONSE_DEMANDE_CONCOURS#REFUS#")
    answer["MISSION"][0]["ORG_ID"] = NEXSIS
    assert er.check_dc_answer(answer, dc_ids={"M-1"}, answerer_id=NEXSIS) == []
    answer["MISSION"][0].update(NAME="#REPONSE_DEMANDE_CONCOURS#DIFFEREE#", ID="M-2", ORG_ID=SAMU)
    found = er.check_dc_answer(answer, dc_ids={"M-1"}, answerer_id=NEXSIS)
    assert [f.rule for f in found] == [er.RULE_ANSWER_NAME, er.RULE_ANSWER_MISSION, er.RULE_ANSWER_ORG]
    assert er.check_dc_answer(_emsi(), dc_ids={"M-1"}, answerer_id=NEXSIS)[0].rule == er.RULE_ANSWER_NAME


def test_opg_and_variant() -> None:
    opg = _emsi("#OPERATION_GLOBALE#", LEVEL="OPR")
    assert er.check_opg(opg) == [] and er.variant_of(opg) == "OPG"
    assert [f.rule for f in er.check_opg(_emsi("#OPERATION_GLOBALE#"))] == [er.RULE_OPG_LEVEL]
    assert er.variant_of(_emsi()) == "DC"
    assert er.variant_of(_emsi("#REPONSE_DEMANDE_CONCOURS#ACCEPTE#")) == "RDC"
    assert er.variant_of({"CONTEXT": {}, "EVENT": {}}) is None
