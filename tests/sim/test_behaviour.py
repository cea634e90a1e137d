"""Reference-vendor decisions per profile, without a broker (deliveries in, settle + replies out)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from support.official import official_pack

from hubbench.errors import UsageError
from hubbench.protocol import codec
from hubbench.protocol.codes import ErrorCode
from hubbench.protocol.envelope import (
    HUB_ID,
    EnvelopeView,
    build_ack,
    build_error_report,
    build_message,
    custom_content_use_case,
)
from hubbench.sim.behaviour import (
    VendorState,
    build_sends,
    handle_delivery,
    longest_string,
    other_sender,
    unusual_text,
)
from hubbench.sim.profiles import CONFORME, PROFILES, Settle, get_profile

VENDOR = "fr.health.samu770"
PARTNER = "fr.health.samubanc1"
# `direct_cisu` is what the vendor declares (registered with it), not a behaviour: a profile may change it
_RULE_FIELDS = {f.name for f in dataclasses.fields(CONFORME)} - {
    "name", "summary", "broken_rule", "direct_cisu", "roles", "link"}  # declared, not behaviour


def _body(env: dict) -> bytes:
    return json.dumps(env).encode()


def _functional() -> dict:
    return build_message(PARTNER, VENDOR, custom_content_use_case(texte="bonjour"))


def _deliver(profile: str, suffix: str, env_or_body: dict | bytes, state: VendorState | None = None,
             content_type: str = "application/json"):
    body = env_or_body if isinstance(env_or_body, bytes) else _body(env_or_body)
    return handle_delivery(get_profile(profile), VENDOR, state or VendorState(), suffix, body, content_type)


def test_each_fault_profile_changes_exactly_one_rule() -> None:
    faults = [p for p in PROFILES.values() if p.is_fault]
    technical, functional, robustness, tablet = 10, 9, 4, 3  # tiers 1–3, 4–7, Robustesse, tablet 4–6
    branches_6_7 = 5  # issue 14: EMSI answer kinds, field variations, ownership request, re-sharing
    gps = 5  # 15-GPS, tiers 4–5 (tests/scenarios/test_gps_matrix.py)
    consumer_fuzz = 1  # issue 18: Robustesse, messages generated from the official schemas
    # issue 14: accepte-tout-serveur, sans-verification-nom (tier 1); rc-ref-refus-absent,
    # erreur-editeur-sans-cause (tier 3); doublon-non-reacquitte (tier 4)
    branches_1_3_4 = 5
    assert len(faults) == (technical + functional + robustness + tablet + branches_6_7 + gps + consumer_fuzz
                           + branches_1_3_4)
    changed_fields = []
    for profile in faults:
        changed = [f for f in _RULE_FIELDS if getattr(profile, f) != getattr(CONFORME, f)]
        assert len(changed) == 1, (profile.name, changed)
        assert profile.broken_rule.startswith(("Palier ", "Robustesse — "))
        changed_fields.append((changed[0], getattr(profile, changed[0])))
    assert len(set(changed_fields)) == len(faults)  # no two profiles break the same rule


def test_profiles_of_both_kinds_of_lrm_on_nexsis() -> None:
    """A conforming vendor of each kind; the two wrong claims speak the other kind's model."""
    assert not CONFORME.direct_cisu and PROFILES["conforme-direct-cisu"].direct_cisu
    assert not PROFILES["conforme-direct-cisu"].is_fault
    wrong = PROFILES["faux-direct-cisu"]
    assert wrong.direct_cisu and wrong.case_model == "createCaseHealth" and wrong.tier == 5
    refused = PROFILES["rc-eda-sans-direct-cisu"]
    assert not refused.direct_cisu and refused.case_model == "createCase" and refused.tier == 5


def test_unknown_profile_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError) as err:
        get_profile("inexistant")
    assert "inexistant" in err.value.message and "conforme" in err.value.message
    assert "xml-mauvais-content-type" in err.value.message


def test_conforme_acks_and_returns_one_rc_ref_per_functional_message() -> None:
    env = _functional()
    state = VendorState()
    first = _deliver("conforme", "message", env, state)
    assert first.settle is Settle.ACK and first.integrated_id == env["distributionID"]
    (reply,) = first.replies
    view = EnvelopeView(reply.envelope)
    assert (view.distribution_kind, view.kind) == ("Ack", "reference")
    assert view.referenced_id == env["distributionID"]
    assert (view.sender_id, view.recipient_id) == (VENDOR, PARTNER)
    assert view.distribution_id.startswith(f"{VENDOR}_")
    assert reply.delivery_mode == 2 and reply.content_type == "application/json"
    assert codec.decode(reply.body, reply.content_type) == reply.envelope
    state.integrated.add(first.integrated_id)
    again = _deliver("conforme", "message", env, state)
    assert again.settle is Settle.ACK and again.replies == () and again.integrated_id is None


def test_conforme_never_acks_acks_nor_hub_errors_nor_hub_messages() -> None:
    ack = build_ack(PARTNER, VENDOR, f"{VENDOR}_1")
    assert _deliver("conforme", "ack", ack).replies == ()
    report = build_error_report(VENDOR, ErrorCode.INVALID_MESSAGE, "cause", {}, f"{VENDOR}_1")
    handling = _deliver("conforme", "info", report)
    assert handling.settle is Settle.ACK and handling.replies == () and "300" in handling.note
    from_hub = build_message(HUB_ID, VENDOR, custom_content_use_case())
    assert _deliver("conforme", "message", from_hub).replies == ()


@pytest.mark.parametrize("body", [b"", b"{pas du json", b"\xff\xfe", b"[1, 2]"])
def test_undecodable_bodies_are_rejected_without_requeue(body: bytes) -> None:
    assert _deliver("conforme", "message", body).settle is Settle.REJECT
    assert _deliver("requeue-infini", "message", body).settle is Settle.REQUEUE
    assert _deliver("sans-ack", "message", body).settle is Settle.REJECT


def test_fault_profiles_on_deliveries() -> None:
    env = _functional()
    kept = _deliver("sans-ack", "message", env)
    assert kept.settle is Settle.KEEP and len(kept.replies) == 1
    silent = _deliver("sans-rc-ref", "message", env)
    assert silent.settle is Settle.ACK and silent.replies == ()
    ack = build_ack(PARTNER, VENDOR, f"{VENDOR}_1")
    (acked_ack,) = _deliver("acquitte-les-acquittements", "ack", ack).replies
    assert EnvelopeView(acked_ack.envelope).referenced_id == ack["distributionID"]
    report = build_error_report(VENDOR, ErrorCode.INVALID_MESSAGE, "cause", {}, f"{VENDOR}_1")
    assert _deliver("ignore-info", "info", report).settle is Settle.KEEP
    assert _deliver("ignore-info", "message", env).settle is Settle.ACK


def _send(profile: str, **params: object):
    (out,) = build_sends(get_profile(profile), VENDOR, {"recipient": PARTNER, **params})
    return out


def test_conforme_sends_well_formed_messages() -> None:
    outs = build_sends(CONFORME, VENDOR, {"recipient": PARTNER, "count": 3})
    ids = [o.distribution_id for o in outs]
    assert len(set(ids)) == 3 and all(i.startswith(f"{VENDOR}_") for i in ids)
    for out in outs:
        view = EnvelopeView(out.envelope)
        assert (view.sender_id, view.recipient_id, view.kind) == (VENDOR, PARTNER, "customContent")
        assert out.delivery_mode == 2 and out.content_type == "application/json"
    xml = _send("conforme", format="xml")
    assert xml.content_type == "application/xml" and xml.body.lstrip().startswith(b"<?xml")
    assert codec.decode(xml.body, xml.content_type)["distributionID"] == xml.distribution_id


def test_each_sending_fault_shows_on_its_rule_only() -> None:
    assert _send("non-persistant").delivery_mode == 1
    wrong = EnvelopeView(_send("mauvais-emetteur").envelope)
    assert wrong.sender_id == other_sender(VENDOR) != VENDOR
    assert wrong.distribution_id.startswith(f"{wrong.sender_id}_")  # prefix rule kept
    bad_id = _send("distribution-id-invalide").distribution_id
    assert not bad_id.startswith(f"{VENDOR}_")
    assert "senderRole" in _send("enveloppe-invalide").envelope
    mislabelled = _send("xml-mauvais-content-type", format="xml")
    assert mislabelled.content_type == "application/json" and mislabelled.body.lstrip().startswith(b"<")
    assert _send("xml-mauvais-content-type").content_type == "application/json"  # JSON stays right
    for name in PROFILES:
        if name not in ("non-persistant",):
            assert _send(name).delivery_mode == 2


@pytest.mark.parametrize(
    "params",
    [{}, {"recipient": PARTNER, "format": "pdf"}, {"recipient": PARTNER, "count": 0},
     {"recipient": PARTNER, "count": "beaucoup"}, {"recipient": PARTNER, "use_case": "createCase"}],
)
def test_bad_prompt_parameters_are_refused(params: dict) -> None:
    with pytest.raises(ValueError):
        build_sends(CONFORME, VENDOR, params)


def test_schema_verdict_of_sent_messages_against_the_official_pack() -> None:
    from hubbench.protocol.validator import validator_for

    validator = validator_for(official_pack("1"))
    for name in PROFILES:
        report = validator.validate_message(_send(name).envelope)
        assert report.valid == (name != "enveloppe-invalide"), (name, report.errors)
    ack = _deliver("conforme", "message", _functional()).replies[0]
    assert validator.validate_message(ack.envelope).valid


def test_robustness_faults_recognise_their_unusual_messages() -> None:
    long_text = _body(build_message(PARTNER, VENDOR, custom_content_use_case(texte="x" * 2001)))
    assert longest_string(long_text) == 2001 > get_profile("meurt-sur-chaine-longue").crash_on_long_string
    for text in ("ambulance 🚑", "zéro\u200blargeur", "sonnerie\u0007"):
        assert unusual_text(_body(build_message(PARTNER, VENDOR, custom_content_use_case(texte=text))))
    assert not unusual_text(_body(_functional())) and not unusual_text(b"{illisible")
    assert longest_string(b"{illisible") == 0
    robustness = [p for p in PROFILES.values() if p.broken_rule.startswith("Robustesse — ")]
    assert {p.name for p in robustness} == {
        "perd-non-confirmes", "sans-reconnexion", "meurt-sur-chaine-longue", "arret-sur-texte-inhabituel",
        "rejette-dates-limites"}
    assert all(p.tier == 8 for p in robustness)


def _case_message() -> dict:
    """A functional message of a kind the vendor integrates as a case (its body is not read here)."""
    return build_message(PARTNER, VENDOR, {"createCaseHealth": {"caseId": "fr.health.samu770.DRMFR15770A1"}})


@pytest.mark.parametrize(("profile", "reacked"), [("conforme", True), ("doublon-non-reacquitte", False)])
def test_a_distribution_id_delivered_again_is_reacked_unless_the_fault(profile: str, reacked: bool) -> None:
    env, state, integrated = _case_message(), VendorState(), []

    def integrate(message: dict) -> str:
        integrated.append(message)
        return "dossier intégré"

    first = handle_delivery(get_profile(profile), VENDOR, state, "message", _body(env), "application/json",
                            integrate=integrate)
    assert len(first.replies) == 1 and first.integrated_id == env["distributionID"]
    state.integrated.add(first.integrated_id)
    again = handle_delivery(get_profile(profile), VENDOR, state, "message", _body(env), "application/json",
                            integrate=integrate)
    assert len(integrated) == 1 and again.integrated_id is None  # integrated once, either way
    assert again.settle is Settle.ACK
    assert [EnvelopeView(r.envelope).referenced_id for r in again.replies] == (
        [env["distributionID"]] if reacked else [])


def _refused(profile: str) -> tuple[dict, list[dict]]:
    """(the refused message, the vendor's replies) for a message its screen finds invalid."""
    env = _functional()
    handling = handle_delivery(get_profile(profile), VENDOR, VendorState(), "message", _body(env),
                               "application/json", screen=lambda _env: "champ racine interdit")
    assert handling.settle is Settle.ACK and handling.integrated_id is None  # handled, never integrated
    return env, [reply.envelope for reply in handling.replies]


@pytest.mark.parametrize("line", ["1", "2", "3"])
def test_a_refused_message_gets_an_error_message_and_a_refusing_rc_ref(line: str) -> None:
    env, (error, ack) = _refused("conforme")
    assert error["distributionKind"] == "Error" and ack["distributionKind"] == "Ack"
    cause = EnvelopeView(error).message["error"]
    assert cause["referencedDistributionID"] == env["distributionID"] and cause["errorCause"]
    reference = EnvelopeView(ack).message["reference"]
    assert reference == {"distributionID": env["distributionID"], "refused": True,
                         "errorDistributionID": error["distributionID"]}
    from hubbench.protocol.validator import validator_for

    validator = validator_for(official_pack(line))
    assert validator.validate_message(error).valid and validator.validate_message(ack).valid


def test_the_refusal_faults_break_one_part_each() -> None:
    _, (error, ack) = _refused("rc-ref-refus-absent")
    assert EnvelopeView(ack).message["reference"].keys() == {"distributionID"}
    assert EnvelopeView(error).message["error"]["errorCause"]
    _, (error, ack) = _refused("erreur-editeur-sans-cause")
    assert EnvelopeView(error).message["error"]["errorCause"] == ""
    assert EnvelopeView(ack).message["reference"]["refused"] is True
    _, replies = _refused("sans-rc-ref")  # never any RC-REF, but its error message still goes
    assert [r["distributionKind"] for r in replies] == ["Error"]
