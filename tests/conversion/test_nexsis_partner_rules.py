"""The NexSIS partner's checks of a converted case (`cases.conversion_rules`) and the LRM-kind selection.

A case the bench's own converter produced meets every rule; each rule catches its own deviation.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hubbench.cases import conversion_rules as cr
from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.conversion import Converted, convert
from hubbench.engine.lrm import DIRECT_CISU_TAG, HEALTH_TAG
from hubbench.engine.plugin import selected
from hubbench.protocol import EnvelopeView, build_message
from hubbench.protocol.packs import SchemaPack

LRM = "fr.health.samu440"
FIRE = "fr.fire.nexsis.sdis44"


@pytest.fixture(scope="module")
def exchange(pack3: SchemaPack) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the LRM's RS-EDA envelope, the RC-EDA envelope the hub delivers)."""
    use_case = MessageFactory(pack3).create_case(CaseContext.open(LRM), link="15-15")
    sent = build_message(LRM, FIRE, use_case)
    outcome = convert(sent)
    assert isinstance(outcome, Converted)
    return sent, outcome.messages[0]


def _bodies(sent: dict[str, Any], delivered: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return EnvelopeView(sent).use_case, EnvelopeView(delivered).use_case


def test_the_hubs_conversion_meets_every_rule(exchange: tuple[dict[str, Any], dict[str, Any]]) -> None:
    sent, delivered = exchange
    rs, rc = _bodies(sent, delivered)
    assert "patient" in rs and "initialAlert" in rs  # the rules have something to check
    assert cr.check_content(rs, rc, LRM) == []
    assert cr.check_envelope(sent, delivered) == []


@pytest.mark.parametrize(("change", "rule"), [
    (lambda rc, rs: rc.update(caseId=rc["caseId"] + "X"), cr.RULE_KEPT),
    (lambda rc, rs: rc.update(patient=copy.deepcopy(rs["patient"])), cr.RULE_DROPPED),
    (lambda rc, rs: rc.update(referenceVersion="1.0"), cr.RULE_GENERATED),
    (lambda rc, rs: rc["location"].update(locID="loc-1"), cr.RULE_GENERATED),
    (lambda rc, rs: rc["qualification"].update(victims={"count": "0"}), cr.RULE_GENERATED),
    (lambda rc, rs: rc["initialAlert"]["callTaker"].update(controlRoom="CRRA"), cr.RULE_ALERT),
    (lambda rc, rs: rc["initialAlert"].update(reporting="ATTENTION" if rc["initialAlert"]["reporting"]
                                              == "STANDARD" else "STANDARD"), cr.RULE_ALERT),
])
def test_each_rule_catches_its_deviation(exchange: tuple[dict[str, Any], dict[str, Any]], change: Any,
                                         rule: str) -> None:
    sent, delivered = exchange
    rs, rc = _bodies(sent, copy.deepcopy(delivered))
    change(rc, rs)
    rules = {f.rule for f in cr.check_content(rs, rc, LRM)}
    assert rule in rules and rules <= {rule, cr.RULE_ALERT}  # initialAlert copies the top-level fields


def test_the_envelope_rule(exchange: tuple[dict[str, Any], dict[str, Any]]) -> None:
    sent, delivered = exchange
    changed = copy.deepcopy(delivered)
    changed["distributionID"] = "fr.fire.nexsis.sdis44_other"
    assert [f.rule for f in cr.check_envelope(sent, changed)] == [cr.RULE_ENVELOPE]


def test_victims_count_follows_the_number_of_patients() -> None:
    assert [cr.victims_count([{}] * n) for n in (0, 1, 2, 4, 5)] == ["0", "1", "PLUSIEURS", "PLUSIEURS",
                                                                   "BEAUCOUP"]
    assert cr.victims_count(None) == "0"


def test_lrm_kind_scenarios_run_only_for_their_kind_on_nexsis() -> None:
    health = {"palier-5", "tous-liens", "15-NexSIS", HEALTH_TAG}
    direct = {"palier-5", "tous-liens", "15-NexSIS", DIRECT_CISU_TAG}
    common = {"palier-5", "tous-liens"}
    assert selected(health, (5,), "15-NexSIS", HEALTH_TAG)
    assert not selected(direct, (5,), "15-NexSIS", HEALTH_TAG)
    assert selected(direct, (5,), "15-NexSIS", DIRECT_CISU_TAG)
    assert not selected(health, (5,), "15-NexSIS", DIRECT_CISU_TAG)
    assert not selected(health, (5,), "15-15", "") and not selected(direct, (5,), "15-15", "")
    assert selected(common, (5,), "15-15", "") and selected(common, (5,), "15-NexSIS", HEALTH_TAG)
