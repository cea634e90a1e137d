"""15-GPS: the GEO-* messages the bench and the reference vendor build are valid for the official schemas
of both lines with a 15-GPS vhost (1.x, 3.x), the content rules pass them, and each GPS fault of the
reference vendor breaks its rule (and only that one)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from support.official import official_pack

from hubbench.cases import gps_messages as geo
from hubbench.cases import gps_rules
from hubbench.protocol import validator_for
from hubbench.sim.gps import gps_use_case
from hubbench.sim.profiles import CONFORME, PROFILES

NOW = datetime(2025, 6, 3, 14, 7, 33, tzinfo=timezone(timedelta(hours=2)))
VENDOR = "fr.health.samu620"
PARTNER = "fr.health.samu621"
LINES = ("1", "3")


def _rules(findings: list[gps_rules.Finding]) -> set[str]:
    return {f.rule for f in findings}


@pytest.mark.parametrize("line", LINES)
def test_built_messages_are_valid_for_the_official_schemas(line: str) -> None:
    validator = validator_for(official_pack(line))
    ids = geo.resource_ids(VENDOR)
    built = (geo.geo_positions(line, ids, NOW), geo.geo_request(ids), geo.geo_details(line, ids, VENDOR))
    for use_case in built:
        report = validator.validate_use_case(use_case)
        assert report.valid, (line, use_case, [i.message for i in report.errors])


@pytest.mark.parametrize("line", LINES)
def test_conforming_messages_pass_every_rule(line: str) -> None:
    ids = geo.resource_ids(VENDOR)
    assert gps_rules.check_positions(geo.geo_positions(line, ids, NOW)[geo.GEO_POS], now=NOW) == []
    assert gps_rules.check_request(geo.geo_request(ids)[geo.GEO_REQ], line=line) == []
    details = geo.geo_details(line, ids, VENDOR)[geo.GEO_RES]
    assert gps_rules.check_details(details, requested=ids) == []


def test_position_rules_each_say_expected_and_found() -> None:
    base = geo.geo_positions("3", geo.resource_ids(VENDOR, 1), NOW)[geo.GEO_POS]
    assert _rules(gps_rules.check_positions({"position": []}, now=NOW)) == {gps_rules.RULE_POS_PRESENT}
    future = {"position": [{**base["position"][0], "datetime": "2025-06-03T15:07:33+02:00"}]}
    (late,) = gps_rules.check_positions(future, now=NOW)
    assert late.rule == gps_rules.RULE_POS_DATETIME and late.found == "2025-06-03T15:07:33+02:00"
    zulu = {"position": [{**base["position"][0], "datetime": "2025-06-03T12:07:33Z"}]}
    assert _rules(gps_rules.check_positions(zulu, now=NOW)) == {gps_rules.RULE_POS_DATETIME}
    swapped = {"position": [{**base["position"][0], "coord": {"lat": 1.09, "lon": 181.0}}]}
    (coord,) = gps_rules.check_positions(swapped, now=NOW)
    assert coord.rule == gps_rules.RULE_POS_COORD and "lon=181.0" in coord.found
    text = {"position": [{**base["position"][0], "coord": {"lat": "49.46", "lon": "1.09"}}]}
    assert _rules(gps_rules.check_positions(text, now=NOW)) == {gps_rules.RULE_POS_COORD}


def test_request_and_details_rules() -> None:
    assert _rules(gps_rules.check_request({"resourceId": []}, line="3")) == {gps_rules.RULE_REQ_IDS}
    assert _rules(gps_rules.check_request({"resourceId": ["VLM1"]}, line="3")) == {gps_rules.RULE_REQ_IDS}
    assert gps_rules.check_request({"resourceId": ["76_45101#SMUR1#"]}, line="1") == []  # 1.x: free ids
    ids = geo.resource_ids(VENDOR, 3)
    one = geo.geo_details("3", ids[:1], VENDOR)[geo.GEO_RES]
    (missing,) = gps_rules.check_details(one, requested=ids)
    assert missing.rule == gps_rules.RULE_RES_ANSWERS and ids[2] in missing.expected
    bare = {"resource": [{"resourceId": ids[0]}]}
    assert _rules(gps_rules.check_details(bare, requested=ids[:1])) == {gps_rules.RULE_RES_FIELDS}


def _sent(profile_name: str, action: str, line: str = "3") -> dict:
    profile = PROFILES[profile_name]
    parameters = {"recipient": PARTNER, "resource_ids": geo.resource_ids(VENDOR)}
    use_case, _note = gps_use_case(profile, VENDOR, line, action, parameters, NOW)
    return use_case


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize(("profile", "action", "rule"), [
    ("position-sans-horodatage", "send_geo_positions", gps_rules.RULE_POS_DATETIME),
    ("coordonnees-micro-degres", "send_geo_positions", gps_rules.RULE_POS_COORD),
    ("geo-res-incomplet", "answer_geo_request", gps_rules.RULE_RES_ANSWERS),
])
def test_each_sim_content_fault_breaks_exactly_its_rule(line: str, profile: str, action: str,
                                                        rule: str) -> None:
    conforming = gps_use_case(CONFORME, VENDOR, line, action,
                              {"recipient": PARTNER, "resource_ids": geo.resource_ids(VENDOR)}, NOW)[0]
    faulty = _sent(profile, action, line)
    requested = geo.resource_ids(VENDOR)

    def judged(use_case: dict) -> set[str]:
        if geo.GEO_POS in use_case:
            return _rules(gps_rules.check_positions(use_case[geo.GEO_POS], now=NOW))
        return _rules(gps_rules.check_details(use_case[geo.GEO_RES], requested=requested))

    assert judged(conforming) == set() and judged(faulty) == {rule}
    assert PROFILES[profile].broken_rule.startswith("Palier 5")


def test_a_geo_req_answered_by_positions_is_not_a_geo_res() -> None:
    assert set(_sent("geo-req-repondu-par-positions", "answer_geo_request")) == {geo.GEO_POS}
    assert set(_sent("conforme", "answer_geo_request")) == {geo.GEO_RES}
