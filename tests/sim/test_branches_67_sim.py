"""The reference vendor on the tiers 6–7 branches (issue 14), without a broker: EMSI answers of each kind
(and `emsi-reponse-toujours-acceptee`), RC-REF withheld by `emsi-reponse-non-acceptee-ignoree` and
`variation-localisation-sans-rc-ref`, the ownership request (`demande-owner-sans-cible`), the re-sharing
of a case to a second partner (`repartage-premier-partenaire-seul`). What it sends is valid for the vhost's
pack."""

from __future__ import annotations

from typing import Any

import pytest
from support.official import VERSION_LINES, official_pack

from hubbench.cases import variations
from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.protocol import codec
from hubbench.protocol.envelope import EnvelopeView, build_message
from hubbench.protocol.validator import validator_for
from hubbench.sim.behaviour import Handling, Outgoing, VendorState, handle_delivery
from hubbench.sim.functional import CaseDesk, link_of_vhost
from hubbench.sim.profiles import CONFORME, PROFILES, Profile

VENDOR, SAMU, SECOND = "fr.health.samu563", "fr.health.samu564", "fr.health.samu565"
FIRE = "fr.fire.nexsis.sdis56"


def _desk(vhost: str, profile: Profile = CONFORME) -> CaseDesk:
    return CaseDesk(VENDOR, profile, link_of_vhost(vhost), lambda: official_pack(VERSION_LINES["1.3.0"]))


def _deliver(desk: CaseDesk, sender: str, use_case: dict[str, Any]) -> Handling:
    body, content_type = codec.encode(build_message(sender, VENDOR, use_case), "json", pack=desk.pack)
    return handle_delivery(desk.profile, VENDOR, VendorState(), "message", body, content_type,
                           integrate=desk.receive, pack=desk.pack)


def _valid(desk: CaseDesk, out: Outgoing) -> dict[str, Any]:
    report = validator_for(desk.pack).validate_message(out.envelope)
    assert report.valid, [(i.path, i.message) for i in report.errors]
    return EnvelopeView(out.envelope).use_case


def _received_case(profile: str, vhost: str, partner: str) -> tuple[CaseDesk, CaseContext, MessageFactory]:
    """A desk of `profile` holding a case `partner` has just shared with it."""
    desk = _desk(vhost, PROFILES[profile])
    ctx, factory = CaseContext.open(partner), MessageFactory(desk.pack)
    _deliver(desk, partner, factory.create_case(ctx, link=desk.link))
    return desk, ctx, factory


@pytest.mark.parametrize("profile", ["conforme", "emsi-reponse-toujours-acceptee"])
def test_answers_of_each_kind(profile: str) -> None:
    desk, ctx, factory = _received_case(profile, "15-nexsis_v1.8", FIRE)
    for answer in ("REFUS", "PARTIELLE", "DIVERGENTE"):
        details = factory.answer_details(answer)
        (out,) = desk.perform("send_emsi", {"recipient": FIRE, "case_id": ctx.case_id, "variant": "RDC",
                                            "mission_id": "DC-1", "answer": answer, **details}).sends
        mission = _valid(desk, out)["MISSION"][0]
        written = "ACCEPTE" if profile != "conforme" else answer
        assert mission["NAME"] == f"#REPONSE_DEMANDE_CONCOURS#{written}#"
        if profile == "conforme" and answer == "PARTIELLE":
            assert mission["RESOURCE_ID"] == details["resources"]


@pytest.mark.parametrize("profile", ["conforme", "emsi-reponse-non-acceptee-ignoree"])
def test_rc_ref_of_partner_answers(profile: str) -> None:
    desk, ctx, factory = _received_case(profile, "15-nexsis_v1.8", FIRE)
    refs = {answer: len(_deliver(desk, FIRE, factory.emsi(ctx, "RDC", answer=answer, mission_id="DC-1",
                                                          details=factory.answer_details(answer))).replies)
            for answer in ("ACCEPTE", "REFUS", "PARTIELLE", "DIVERGENTE")}
    kept = 1 if profile == "conforme" else 0
    assert refs == {"ACCEPTE": 1, "REFUS": kept, "PARTIELLE": kept, "DIVERGENTE": kept}


@pytest.mark.parametrize("profile", ["conforme", "variation-localisation-sans-rc-ref"])
def test_rc_ref_of_variations(profile: str) -> None:
    desk, ctx, factory = _received_case(profile, "15-15_v1.5", SAMU)
    refs = {field: len(_deliver(desk, SAMU, factory.correction(
        ctx, link="15-15", changes=variations.variation_changes(field, factory, ctx))).replies)
        for field in variations.FIELDS}
    assert refs["localisation"] == (1 if profile == "conforme" else 0)
    assert all(count == 1 for field, count in refs.items() if field != "localisation")


@pytest.mark.parametrize("profile", ["conforme", "demande-owner-sans-cible"])
def test_ownership_request(profile: str) -> None:
    desk = _desk("15-15_v1.5", PROFILES[profile])
    (created,) = desk.perform("send_create_case", {"recipient": SAMU}).sends
    case_id = _valid(desk, created)["caseId"]
    (out,) = desk.perform("request_owner_transfer", {"recipient": SAMU, "case_id": case_id,
                                                     "target": SAMU}).sends
    body = _valid(desk, out)
    assert body["caseId"] == case_id
    assert body["owner"] == (SAMU if profile == "conforme" else VENDOR)


@pytest.mark.parametrize("profile", ["conforme", "repartage-premier-partenaire-seul"])
def test_resharing_to_a_second_partner(profile: str) -> None:
    desk = _desk("15-15_v1.5", PROFILES[profile])
    (created,) = desk.perform("send_create_case", {"recipient": SAMU}).sends
    case_id = _valid(desk, created)["caseId"]
    (shared,) = desk.perform("share_case", {"recipient": SECOND, "case_id": case_id}).sends
    assert _valid(desk, shared)["caseId"] == case_id
    updates = desk.perform("send_case_update", {"recipient": SAMU, "case_id": case_id}).sends
    for out in updates:
        _valid(desk, out)
    recipients = [EnvelopeView(out.envelope).recipient_id for out in updates]
    assert recipients == ([SAMU, SECOND] if profile == "conforme" else [SAMU])
