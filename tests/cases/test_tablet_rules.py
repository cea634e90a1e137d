"""Content rules of the tablet's messages (hubbench.cases.tablet_rules) on the official examples of each
model line: every example the tablet sends passes once it names the case; each broken rule is found."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from support.official import official_pack

from hubbench.cases import CaseContext, MessageFactory
from hubbench.cases import tablet_rules as tr
from hubbench.protocol import KINDS

LRM = "fr.health.samu770"
TABLET = "fr.health.samu770.smur"
LINES = ("1.3.0", "2.4.0", "3")


def _ctx() -> CaseContext:
    lrm_case = CaseContext.open(LRM)
    return CaseContext(TABLET, lrm_case.sender_case_id, lrm_case.case_id, LRM, lrm_case.creation)


def _built(line: str) -> tuple[CaseContext, dict[str, dict[str, Any]], tuple[str, ...]]:
    pack = official_pack(line)
    factory, ctx = MessageFactory(pack), _ctx()
    kinds = [k for k in tr.TABLET_KINDS if k in factory.kinds()]
    statuses = tr.status_values(pack.schemas[KINDS["resourcesStatus"].schema_for(pack.line)])
    return ctx, {k: factory.build(k, ctx)[k] for k in kinds}, statuses


@pytest.mark.parametrize("line", LINES)
def test_the_official_examples_follow_the_rules(line: str) -> None:
    ctx, bodies, statuses = _built(line)
    assert {"resourcesStatus", "rpis", "geoPositionsUpdate"} <= set(bodies)
    assert ({"documentLink", "interventionReport"} <= set(bodies)) == (line != "1.3.0")  # from 2.x on
    assert "DEPART" in statuses
    for key, body in bodies.items():
        asked = tr.status_of(body) if key == "resourcesStatus" else None
        found = tr.check_message(key, body, case_id=ctx.case_id, statuses=statuses, asked_status=asked)
        assert found == [], key


def test_status_nomenclature_differs_between_lines() -> None:
    assert "ARRIVE" in _built("1.3.0")[2] and "ARRIVEE" in _built("2.4.0")[2]


@pytest.mark.parametrize("line", ("1.3.0", "2.4.0"))
def test_a_status_outside_the_nomenclature_or_not_the_one_entered(line: str) -> None:
    ctx, bodies, statuses = _built(line)
    body = copy.deepcopy(bodies["resourcesStatus"])
    target = body["state"] if isinstance(body.get("state"), dict) else body
    target["status"] = "EN_ROUTE"
    (finding,) = tr.check_message("resourcesStatus", body, case_id=ctx.case_id, statuses=statuses,
                                  asked_status="DEPART")
    assert finding.rule == tr.RULE_STATUS and finding.found == "EN_ROUTE" and "DEPART" in finding.expected
    target["status"] = "BILAN"
    (finding,) = tr.check_status(body, statuses, "DEPART")
    assert finding.rule == tr.RULE_STATUS_ASKED and (finding.expected, finding.found) == ("DEPART", "BILAN")


def test_a_message_on_another_case() -> None:
    ctx, bodies, _ = _built("2.4.0")
    for key in tr.CASE_ID_KINDS:
        body = {**bodies[key], "caseId": f"{TABLET}.AUTRE"}
        (finding,) = tr.check_case(key, body, ctx.case_id)
        assert finding.rule == tr.RULE_CASE and finding.expected == ctx.case_id
    assert tr.check_case("geoPositionsUpdate", {}, ctx.case_id) == []  # names no case
    (again,) = tr.check_case("resourcesStatus", {}, ctx.case_id, rule=tr.RULE_RECONCILIATION)
    assert again.rule == tr.RULE_RECONCILIATION and again.found == "absent"


def test_document_report_rpis_and_position_rules() -> None:
    _, bodies, _ = _built("2.4.0")
    links = copy.deepcopy(bodies["documentLink"])
    links["document"][0]["url"] = "ftp://hub/bilan.pdf"
    assert [f.rule for f in tr.check_document_links(links)] == [tr.RULE_URL]
    assert [f.rule for f in tr.check_document_links({"document": []})] == [tr.RULE_URL]
    report = copy.deepcopy(bodies["interventionReport"])
    report["creation"] = "2024-05-26T13:19:00Z"
    del report["patient"]["patientId"]
    assert [f.rule for f in tr.check_report(report)] == [tr.RULE_REPORT, tr.RULE_REPORT]
    rpis = copy.deepcopy(bodies["rpis"])
    times = rpis["intervention"]["smurStatus"]
    times["arrivedSmur"], times["departSmur"] = times["departSmur"], times["arrivedSmur"]
    (finding,) = tr.check_rpis_times(rpis)
    assert finding.rule == tr.RULE_RPIS and "arrivedSmur" in finding.message
    assert [f.rule for f in tr.check_rpis_times({"intervention": {}})] == [tr.RULE_RPIS]
    positions = copy.deepcopy(bodies["geoPositionsUpdate"])
    positions["position"][0]["coord"][0]["lat"] = 91.5
    (finding,) = tr.check_positions(positions)
    assert finding.rule == tr.RULE_POSITION and "91.5" in finding.found
    assert [f.rule for f in tr.check_positions({"position": []})] == [tr.RULE_POSITION]


def test_every_rule_cites_its_tier_and_a_source() -> None:
    for key, cited in tr.KIND_RULES.items():
        assert key in KINDS and key in tr.KIND_NAMES
        for rule in cited:
            assert rule.startswith("Palier 5 — ") and ("DSF" in rule or "ansforge/SAMU-Hub-Modeles" in rule)
    assert tr.RULE_RECONCILIATION.startswith("Palier 6 — ")
    assert tr.RULE_NO_SECOND_CASE.startswith("Palier 4 — ")
