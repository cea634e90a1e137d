"""The reference vendor's functional behaviour (tiers 4–7) without a broker: case store, prompted
messages valid for the vhost's pack on every link, unprompted integration (XML too), fault deviations.

Messages the vendor receives are built like the bench builds them (`hubbench.cases.factory`); what it
sends is validated with the pack of the vhost (`hubbench.protocol.validator`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support.official import VERSION_LINES, official_pack

from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.protocol import codec
from hubbench.protocol.envelope import EnvelopeView, build_message
from hubbench.protocol.packs import SchemaPack
from hubbench.protocol.validator import validator_for
from hubbench.sim.behaviour import Outgoing, VendorState, handle_delivery
from hubbench.sim.functional import CaseDesk, link_of_vhost
from hubbench.sim.profiles import CONFORME, PROFILES, Profile, Settle

VHOSTS = {  # vhost → pack version (hubbench.protocol.packs.VHOST_CHOICES)
    "15-15_v1.5": "1.3.0", "15-smur_v1.4": "1.3.0", "15-nexsis_v1.8": "1.3.0",
    "15-15_v2.0": "2.4.0", "15-smur_v1.6": "2.4.0", "15-nexsis_v1.9": "2.4.0",
    "15-15_v2.1": "3.4.1", "15-smur_v1.7": "3.4.1",  # 3.x line: assumed vhost names (no public source)
}
VENDOR = "fr.health.samu901"
SAMU_PARTNER = "fr.health.samub1a2b"
FIRE_PARTNER = "fr.fire.nexsis.sdisb1a2b"


def _pack(version: str) -> SchemaPack:
    return official_pack(VERSION_LINES[version])


def _desk(vhost: str, profile: Profile = CONFORME) -> CaseDesk:
    return CaseDesk(VENDOR, profile, link_of_vhost(vhost), lambda: _pack(VHOSTS[vhost]))


def _partner(vhost: str) -> str:
    return FIRE_PARTNER if link_of_vhost(vhost) == "15-NexSIS" else SAMU_PARTNER


def _errors(pack: SchemaPack, out: Outgoing) -> list[str]:
    report = validator_for(pack).validate_message(out.envelope)
    return [f"{i.path}: {i.message}" for i in report.errors]


def _body(out: Outgoing) -> dict[str, Any]:
    view = EnvelopeView(out.envelope)
    return view.use_case


def _send(desk: CaseDesk, action: str, **parameters: Any) -> Outgoing:
    done = desk.perform(action, parameters)
    assert len(done.sends) == 1, done.note
    return done.sends[0]


def _deliver(desk: CaseDesk, env: dict[str, Any], *, fmt: str = "json", state: VendorState | None = None):
    body, content_type = codec.encode(env, fmt, pack=desk.pack)  # type: ignore[arg-type]
    return handle_delivery(desk.profile, VENDOR, state or VendorState(), "message", body, content_type,
                           integrate=desk.receive, pack=desk.pack)


def _partner_case(desk: CaseDesk, partner: str) -> tuple[CaseContext, Callable[..., dict[str, Any]]]:
    """The bench side: a case opened by `partner`, and a builder of its messages to the vendor."""
    ctx = CaseContext.open(partner)
    factory = MessageFactory(desk.pack)

    def envelope(use_case: dict[str, Any]) -> dict[str, Any]:
        return build_message(partner, VENDOR, use_case)

    return ctx, lambda kind="create", **kw: envelope(
        factory.create_case(ctx, link=desk.link) if kind == "create" else
        factory.owner_request(ctx, VENDOR) if kind == "owner" else factory.emsi(ctx, kind, **kw))


# -- validity of everything the vendor sends, per vhost -----------------------------------------------

@pytest.mark.parametrize("vhost", sorted(VHOSTS))
def test_prompted_messages_are_valid_for_the_vhost_pack(vhost: str) -> None:
    desk, partner = _desk(vhost), _partner(vhost)
    pack = desk.pack
    assert pack.tag == VHOSTS[vhost]
    created = _send(desk, "send_create_case", recipient=partner)
    case_id = _body(created)["caseId"]
    update = _send(desk, "send_case_update", recipient=partner, case_id=case_id)
    dc = _send(desk, "send_emsi", recipient=partner, variant="DC", case_id=case_id)
    opg = _send(desk, "send_emsi", recipient=partner, variant="OPG", case_id=case_id)
    sent = [created, update, dc, opg]
    if desk.link != "15-NexSIS":
        ctx, message = _partner_case(desk, partner)
        assert _deliver(desk, message()).replies
        assert _deliver(desk, message("owner")).replies
        sent.append(_send(desk, "answer_owner_transfer", recipient=partner, case_id=ctx.case_id,
                          decision="accept"))
    for out in sent:
        assert out.content_type == "application/json" and out.delivery_mode == 2
        assert _errors(pack, out) == [], (EnvelopeView(out.envelope).kind, _errors(pack, out))
    key = "createCase" if desk.link == "15-NexSIS" else "createCaseHealth"
    assert EnvelopeView(created.envelope).kind == key
    assert EnvelopeView(update.envelope).kind == ("createCase" if desk.link == "15-NexSIS"
                                                  else "createCaseHealthUpdate")


@pytest.mark.parametrize("link_vhost", ["15-15_v1.5", "15-nexsis_v1.8"])
def test_created_case_carries_the_vendor_identity_and_the_operator_entry(link_vhost: str) -> None:
    desk = _desk(link_vhost)
    key = "createCase" if desk.link == "15-NexSIS" else "createCaseHealth"
    entry = {"freetext": "Saisie de l'opérateur", "location": {"freetext": "Au fond de la cour"}}
    body = _body(_send(desk, "send_create_case", recipient=_partner(link_vhost), use_case=key,
                       content={key: entry}))
    number = body["senderCaseId"]
    assert body["caseId"] == f"{VENDOR}.{number}" and number.startswith("DRFR15901")
    assert body["creation"][-6] in "+-" and not body["creation"].endswith("Z")
    assert body["freetext"] == entry["freetext"] and body["location"]["freetext"] == "Au fond de la cour"
    assert "qualification" in body and len(body["location"]) > 1  # the product fills the rest of its form
    if key == "createCaseHealth":
        assert body["owner"] == VENDOR
    assert desk.store.get(body["caseId"]).created_here


# -- unprompted: case store, RC-REF, owner requests, EMSI DC ------------------------------------------

def test_a_resent_case_updates_the_same_local_case_and_keeps_its_case_id() -> None:
    desk = _desk("15-15_v1.5")
    ctx, message = _partner_case(desk, SAMU_PARTNER)
    first, resend = message(), message()
    state = VendorState()
    for env in (first, resend, first):  # a new distributionID, then the very same message again
        handling = _deliver(desk, env, state=state)
        assert handling.settle is Settle.ACK
        assert [EnvelopeView(r.envelope).referenced_id for r in handling.replies] == [env["distributionID"]]
        state.integrated.add(handling.integrated_id)
    assert len(desk.store) == 1 and desk.store.get(ctx.case_id).updates == 1
    update = _body(_send(desk, "send_case_update", recipient=SAMU_PARTNER, case_id=ctx.case_id))
    assert update["caseId"] == ctx.case_id


def test_owner_transfer_request_waits_for_the_operator() -> None:
    desk = _desk("15-15_v2.0")
    ctx, message = _partner_case(desk, SAMU_PARTNER)
    _deliver(desk, message())
    handling = _deliver(desk, message("owner"))
    assert len(handling.replies) == 1 and "en attente" in handling.note  # RC-REF only, no answer
    case = desk.store.get(ctx.case_id)
    assert case.owner == SAMU_PARTNER and case.owner_request.requester_id == SAMU_PARTNER
    accept = _body(_send(desk, "answer_owner_transfer", recipient=SAMU_PARTNER, case_id=ctx.case_id,
                         decision="accept"))
    assert accept == {"caseId": ctx.case_id, "owner": VENDOR}
    assert case.owner == VENDOR and case.owner_request is None
    _deliver(desk, message("owner"))  # a second request on another case state: refused
    case.owner = SAMU_PARTNER
    refuse = _body(_send(desk, "answer_owner_transfer", recipient=SAMU_PARTNER, case_id=ctx.case_id,
                         decision="refuse"))
    assert refuse["owner"] == SAMU_PARTNER


def test_emsi_dc_in_xml_gets_an_rc_ref_and_is_answered_on_prompt() -> None:
    desk = _desk("15-nexsis_v1.8")
    ctx, message = _partner_case(desk, FIRE_PARTNER)
    created = _deliver(desk, message(), fmt="xml")  # the fire partner writes XML (non-health)
    assert "nouveau dossier" in created.note and len(created.replies) == 1
    handling = _deliver(desk, message("DC", mission_id="SDIS-DC-42"), fmt="xml")
    assert len(handling.replies) == 1 and EnvelopeView(handling.replies[0].envelope).kind == "reference"
    assert desk.store.get(ctx.case_id).dc_mission_ids == ["SDIS-DC-42"]
    out = _send(desk, "send_emsi", recipient=FIRE_PARTNER, variant="RDC", case_id=ctx.case_id,
                answer="PARTIELLE")
    emsi = _body(out)
    assert _errors(desk.pack, out) == []
    assert emsi["MISSION"][0]["ID"] == "SDIS-DC-42" and emsi["MISSION"][0]["ORG_ID"] == VENDOR
    assert emsi["MISSION"][0]["NAME"] == "#REPONSE_DEMANDE_CONCOURS#PARTIELLE#"
    assert emsi["CONTEXT"]["MSGTYPE"] == "UPDATE" and emsi["EVENT"]["MAIN_EVENT_ID"] == ctx.case_id
    assert emsi["EVENT"]["ID"] == desk.store.get(ctx.case_id).local_number


def test_first_emsi_is_an_alert_and_official_steps_keep_one_case_per_test_case() -> None:
    desk = _desk("15-15_v1.5")
    created = _body(_send(desk, "send_create_case", recipient=SAMU_PARTNER))
    dc = _body(_send(desk, "send_emsi", recipient=SAMU_PARTNER, variant="DC", case_id=created["caseId"]))
    assert dc["CONTEXT"]["MSGTYPE"] == "ALERT" and dc["MISSION"][0]["ID"].startswith(VENDOR)
    factory, bench = MessageFactory(desk.pack), CaseContext.open(SAMU_PARTNER)
    first = _send(desk, "send_official_step", recipient=SAMU_PARTNER, test_case="Didier Morel", step_id="01a",
                  content=factory.create_case(bench, link="15-15"))
    later = _send(desk, "send_official_step", recipient=SAMU_PARTNER, test_case="Didier Morel", step_id="02",
                  content=factory.correction(bench, link="15-15"))
    assert _body(first)["caseId"].startswith(VENDOR + ".")
    assert _body(later)["caseId"] == _body(first)["caseId"]
    assert _errors(desk.pack, first) == [] and _errors(desk.pack, later) == []
    assert desk.perform("open_case", {"case_id": _body(first)["caseId"]}).sends == ()


def test_bad_prompts_are_refused_in_french() -> None:
    desk = _desk("15-15_v1.5")
    with pytest.raises(ValueError, match="recipient"):
        desk.perform("send_create_case", {})
    with pytest.raises(ValueError, match="dossier inconnu"):
        desk.perform("send_case_update", {"recipient": SAMU_PARTNER, "case_id": "fr.health.x.y"})
    case_id = _body(_send(desk, "send_create_case", recipient=SAMU_PARTNER))["caseId"]
    with pytest.raises(ValueError, match="décision inconnue"):
        desk.perform("answer_owner_transfer",
                     {"recipient": SAMU_PARTNER, "case_id": case_id, "decision": "oui"})
    with pytest.raises(ValueError, match="Variante EMSI inconnue"):
        desk.perform("send_emsi", {"recipient": SAMU_PARTNER, "case_id": case_id, "variant": "XYZ"})


# -- fault profiles: one explicit deviation each ------------------------------------------------------

def test_doublon_sur_renvoi_opens_a_second_case_visible_in_its_next_message() -> None:
    desk = _desk("15-15_v1.5", PROFILES["doublon-sur-renvoi"])
    ctx, message = _partner_case(desk, SAMU_PARTNER)
    _deliver(desk, message())
    assert len(_deliver(desk, message()).replies) == 1  # still acknowledged
    assert len(desk.store) == 2
    update = _body(_send(desk, "send_case_update", recipient=SAMU_PARTNER, case_id=ctx.case_id))
    assert update["caseId"] != ctx.case_id and update["caseId"].startswith(VENDOR + ".")


@pytest.mark.parametrize("vhost", ["15-nexsis_v1.8", "15-nexsis_v1.9"])
def test_creation_modifiee_moves_creation_in_nexsis_corrections(vhost: str) -> None:
    desk, conforme = _desk(vhost, PROFILES["creation-modifiee"]), _desk(vhost)
    for vendor, changed in ((desk, True), (conforme, False)):
        first = _body(_send(vendor, "send_create_case", recipient=FIRE_PARTNER))
        out = _send(vendor, "send_case_update", recipient=FIRE_PARTNER, case_id=first["caseId"])
        assert _errors(vendor.pack, out) == []
        assert (_body(out)["creation"] != first["creation"]) is changed
        assert _body(out)["caseId"] == first["caseId"]


def test_nouveau_caseid_en_correction_changes_only_the_case_id() -> None:
    desk = _desk("15-15_v1.5", PROFILES["nouveau-caseid-en-correction"])
    first = _body(_send(desk, "send_create_case", recipient=SAMU_PARTNER))
    out = _send(desk, "send_case_update", recipient=SAMU_PARTNER, case_id=first["caseId"])
    assert _body(out)["caseId"] != first["caseId"] and _errors(desk.pack, out) == []
    assert desk.store.get(first["caseId"]) is not None  # its own record keeps the case


@pytest.mark.parametrize(("decision", "written"), [("accept", SAMU_PARTNER), ("refuse", VENDOR)])
def test_mauvaise_reponse_owner_inverts_the_owner(decision: str, written: str) -> None:
    desk = _desk("15-15_v1.5", PROFILES["mauvaise-reponse-owner"])
    ctx, message = _partner_case(desk, SAMU_PARTNER)
    _deliver(desk, message())
    _deliver(desk, message("owner"))
    out = _send(desk, "answer_owner_transfer", recipient=SAMU_PARTNER, case_id=ctx.case_id, decision=decision)
    assert _body(out)["owner"] == written and _errors(desk.pack, out) == []


def test_emsi_sans_mission_id_answers_with_a_mission_of_its_own() -> None:
    desk = _desk("15-nexsis_v1.9", PROFILES["emsi-sans-mission-id"])
    ctx, message = _partner_case(desk, FIRE_PARTNER)
    _deliver(desk, message())
    _deliver(desk, message("DC", mission_id="SDIS-DC-7"))
    out = _send(desk, "send_emsi", recipient=FIRE_PARTNER, variant="RDC", case_id=ctx.case_id,
                mission_id="SDIS-DC-7")
    assert _body(out)["MISSION"][0]["ID"] != "SDIS-DC-7" and _errors(desk.pack, out) == []


@pytest.mark.parametrize("vhost", sorted(VHOSTS))
def test_mauvaise_version_schema_shares_cases_invalid_for_the_vhost(vhost: str) -> None:
    desk, conforme = _desk(vhost, PROFILES["mauvaise-version-schema"]), _desk(vhost)
    key = "createCase" if desk.link == "15-NexSIS" else "createCaseHealth"
    jdd = MessageFactory(desk.pack).create_case(CaseContext.open(VENDOR), link=desk.link)[key]
    created = _send(desk, "send_create_case", recipient=_partner(vhost), content=jdd)
    errors = _errors(desk.pack, created)
    assert errors and all("geometry" in e for e in errors), errors
    reference = _body(_send(conforme, "send_create_case", recipient=_partner(vhost), content=jdd))
    body = _body(created)
    for field in ("qualification", "initialAlert", "owner", "patient"):  # the operator's entry is kept
        assert body.get(field) == reference.get(field)
    update = _send(desk, "send_case_update", recipient=_partner(vhost), case_id=_body(created)["caseId"])
    if desk.link != "15-NexSIS":  # the deviation is the shared case, not the RS-EDA-MAJ corrections
        assert _errors(desk.pack, update) == []


@pytest.mark.parametrize("name", [n for n, p in PROFILES.items() if not p.is_fault or (p.tier or 0) >= 4])
def test_functional_faults_leave_the_technical_behaviour_alone(name: str) -> None:
    profile = PROFILES[name]
    technical = {"settle_message", "settle_undecodable", "drain_info", "send_rc_ref", "ack_acks",
                 "delivery_mode", "sender", "prefix_distribution_id", "extra_envelope_field",
                 "xml_content_type"}
    assert all(getattr(profile, f) == getattr(CONFORME, f) for f in technical)
