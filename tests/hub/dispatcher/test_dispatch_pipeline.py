"""Unit tests of the pure dispatcher pipeline: one test per decision path (`ansforge/SAMU-Hub-Sante`
`hub/dispatcher/src/main/java/com/hubsante/hub/service/Dispatcher.java`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from dispatch_helpers import (
    SAMU_A,
    SAMU_B,
    check_rs_error,
    envelope,
    inbound,
)
from support.official import official

from hubbench.hub.dispatcher import causes
from hubbench.hub.dispatcher.pipeline import (
    ID_UNAVAILABLE,
    ORIGINAL_ROUTING_KEY,
    DispatchContext,
    Drop,
    Forward,
    Reject,
    decide,
    decide_dead_letter,
)
from hubbench.protocol import build_ack, decode, encode, technical_use_case, validator_for
from hubbench.protocol.packs import SchemaPack

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def ctx_for(pack3: SchemaPack, use_xml: dict[str, bool] | None = None, ttl_s: float = 86400,
            reserialize: bool = False) -> DispatchContext:
    return DispatchContext(validator=validator_for(pack3), use_xml=use_xml or {}, now=lambda: NOW,
                           default_ttl_s=ttl_s, reserialize=reserialize)


def rejected(decision: object, pack3: SchemaPack, code: int, to: str = SAMU_A) -> dict:
    assert isinstance(decision, Reject), decision
    assert decision.report.routing_key == f"{to}.info"
    return check_rs_error(decision.report.body, decision.report.content_type, pack3, code)


def fresh(**kwargs: object) -> dict:
    return envelope(sent_at=NOW, expires_at=NOW + timedelta(days=2), **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- routing
def test_valid_report_is_forwarded_unchanged_to_recipient_message_queue(pack3: SchemaPack) -> None:
    env = fresh()
    msg = inbound(env)
    decision = decide(msg, ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert decision.routing_key == f"{SAMU_B}.message"
    assert decision.body == msg.body
    assert decision.content_type == "application/json"
    assert decision.properties["headers"][ORIGINAL_ROUTING_KEY] == SAMU_A
    assert decision.properties["delivery_mode"] == 2
    assert decision.properties["expiration"] is None
    assert decision.facts.distribution_id == env["distributionID"]


def test_ack_goes_to_ack_queue(pack3: SchemaPack) -> None:
    env = build_ack(SAMU_B, SAMU_A, f"{SAMU_A}_x", sent_at=NOW, expires_at=NOW + timedelta(days=2))
    decision = decide(inbound(env, routing_key=SAMU_B), ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert decision.routing_key == f"{SAMU_A}.ack"


def test_error_kind_goes_to_info_queue(pack3: SchemaPack) -> None:
    env = fresh(distribution_kind="Error")
    decision = decide(inbound(env), ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert decision.routing_key == f"{SAMU_B}.info"


def test_user_id_is_not_cloned_but_other_properties_are(pack3: SchemaPack) -> None:
    msg = inbound(fresh())
    msg = type(msg)(**{**msg.__dict__, "properties": {"user_id": SAMU_A, "priority": 0, "app_id": "lrm"}})
    decision = decide(msg, ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert "user_id" not in decision.properties
    assert decision.properties["app_id"] == "lrm"


# --------------------------------------------------------------------------------------- expiration
def test_expiration_overridden_when_expiry_before_default_ttl(pack3: SchemaPack) -> None:
    env = envelope(sent_at=NOW, expires_at=NOW + timedelta(seconds=90))
    decision = decide(inbound(env), ctx_for(pack3, ttl_s=86400))
    assert isinstance(decision, Forward)
    assert decision.properties["expiration"] == "90000"


def test_expiration_kept_when_expiry_after_default_ttl(pack3: SchemaPack) -> None:
    env = envelope(sent_at=NOW, expires_at=NOW + timedelta(seconds=90))
    decision = decide(inbound(env, expiration="5000"), ctx_for(pack3, ttl_s=60))
    assert isinstance(decision, Forward)
    assert decision.properties["expiration"] == "5000"


def test_400_expired_before_routing(pack3: SchemaPack) -> None:
    env = envelope(sent_at=NOW - timedelta(hours=1), expires_at=NOW - timedelta(seconds=1))
    error = rejected(decide(inbound(env), ctx_for(pack3)), pack3, 400)
    assert error["errorCause"] == causes.expired(env["distributionID"])
    assert error["referencedDistributionID"] == env["distributionID"]
    assert error["sourceMessage"]["distributionID"] == env["distributionID"]


# --------------------------------------------------------------------------------------- error codes
def test_100_non_persistent(pack3: SchemaPack) -> None:
    env = fresh()
    error = rejected(decide(inbound(env, delivery_mode=1), ctx_for(pack3)), pack3, 100)
    assert error["errorCause"] == (f"Message {env['distributionID']} has been sent with non-persistent "
                                   "delivery mode")


def test_non_persistent_partner_hub_is_only_noted(pack3: SchemaPack) -> None:
    env = envelope("fr.fire.nexsis.sdis23", SAMU_B, sent_at=NOW, expires_at=NOW + timedelta(days=2))
    xml_body, _ = encode(env, "xml", pack=pack3)
    decision = decide(inbound(xml_body, routing_key="fr.fire.nexsis.sdis23", content_type="text/plain",
                              delivery_mode=1), ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert any("non persistant" in note for note in decision.facts.notes)


def test_101_content_type(pack3: SchemaPack) -> None:
    env = fresh()
    error = rejected(decide(inbound(env, content_type="text/plain"), ctx_for(pack3)), pack3, 101)
    assert error["errorCause"] == causes.CONTENT_TYPE
    assert error["referencedDistributionID"] == env["distributionID"]


def test_101_missing_content_type_without_extractable_id(pack3: SchemaPack) -> None:
    error = rejected(decide(inbound(b"n'importe quoi", content_type=None), ctx_for(pack3)), pack3, 101)
    assert error["referencedDistributionID"] == ID_UNAVAILABLE
    assert "sourceMessage" not in error


def test_102_unknown_key_next_to_custom_content(pack3: SchemaPack) -> None:
    env = fresh()
    env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["unknown_property"] = "x"
    decision = decide(inbound(env), ctx_for(pack3))
    error = rejected(decision, pack3, 102)
    assert error["errorCause"] == causes.INTERNAL_ERROR
    assert "unknown_property" in decision.facts.issues[-1]["message"]  # type: ignore[union-attr]


def test_200_sender_inconsistency_goes_to_routing_key_info(pack3: SchemaPack) -> None:
    env = envelope("fr.health.samuC", SAMU_B, sent_at=NOW, expires_at=NOW + timedelta(days=2))
    error = rejected(decide(inbound(env, routing_key=SAMU_A), ctx_for(pack3)), pack3, 200, to=SAMU_A)
    expected = causes.sender_inconsistency(env["distributionID"], "fr.health.samuC", SAMU_A)
    assert error["errorCause"] == expected


def test_300_content_error_lists_the_issue(pack3: SchemaPack) -> None:
    env = fresh(use_case={"technical": {"requiredArray": ["a"]}})
    decision = decide(inbound(env), ctx_for(pack3))
    error = rejected(decision, pack3, 300)
    assert error["errorCause"].startswith(causes.VALIDATION_HEADER)
    assert " - technical.requiredStringField: is missing but it is required" in error["errorCause"]
    assert error["referencedDistributionID"] == env["distributionID"]
    assert decision.facts.issues[0]["rule"] == "required"  # type: ignore[union-attr]


def test_300_envelope_error_has_caution_and_regex_id(pack3: SchemaPack) -> None:
    env = fresh()
    del env["senderID"]
    error = rejected(decide(inbound(env), ctx_for(pack3)), pack3, 300)
    assert error["errorCause"].startswith(causes.CAUTION + "\n")
    assert "$.senderID: is missing but it is required" in error["errorCause"]
    assert error["referencedDistributionID"] == env["distributionID"]


def test_300_envelope_error_without_extractable_id(pack3: SchemaPack) -> None:
    env = fresh()
    env["distributionID"] = "id avec espaces"
    env["senderID"] = 12
    error = rejected(decide(inbound(env), ctx_for(pack3)), pack3, 300)
    assert error["referencedDistributionID"] == ID_UNAVAILABLE


def test_300_official_failing_sample_matches_expected_text(pack3: SchemaPack) -> None:
    sample = official("official", "samples/failing/EDXL-DE/unknown-property-deep.json")
    body = sample.read_bytes()
    sender = json.loads(body)["senderID"]
    decision = decide(inbound(body, routing_key=sender), ctx_for(pack3))
    error = rejected(decision, pack3, 300, to=sender)
    expected = (sample.parent / (sample.name + ".errors")).read_text(encoding="utf-8")
    assert error["errorCause"] == expected


def test_300_distribution_id_prefix(pack3: SchemaPack) -> None:
    env = fresh(distribution_id="fr.health.samuZ_123")
    error = rejected(decide(inbound(env), ctx_for(pack3)), pack3, 300)
    assert "senderID in the distributionID: fr.health.samuZ" in error["errorCause"]


def test_301_unparsable_json(pack3: SchemaPack) -> None:
    decision = decide(inbound(b'{"distributionID": "fr.health.samuA_1", ', ), ctx_for(pack3))
    error = rejected(decision, pack3, 301)
    assert error["errorCause"] == causes.INTERNAL_ERROR
    assert error["referencedDistributionID"] == "fr.health.samuA_1"


def test_301_no_pack_for_vhost(pack3: SchemaPack) -> None:
    ctx = DispatchContext(validator=None, use_xml={}, now=lambda: NOW, default_ttl_s=60)
    decision = decide(inbound(fresh()), ctx)
    assert isinstance(decision, Reject)
    assert decision.report.code == 301


def test_501_no_health_actor(pack3: SchemaPack) -> None:
    env = envelope("fr.fire.sdisC", "fr.police.random", sent_at=NOW, expires_at=NOW + timedelta(days=2))
    decision = decide(inbound(env, routing_key="fr.fire.sdisC"), ctx_for(pack3))
    error = rejected(decision, pack3, 501, to="fr.fire.sdisC")
    assert error["errorCause"] == causes.no_health_actor(env["distributionID"])


def test_error_report_in_xml_for_xml_sender(pack3: SchemaPack) -> None:
    decision = decide(inbound(fresh(), delivery_mode=1), ctx_for(pack3, use_xml={SAMU_A: True}))
    assert isinstance(decision, Reject)
    assert decision.report.content_type == "application/xml"
    assert decision.report.body.lstrip().startswith(b"<")
    rejected(decision, pack3, 100)


# ---------------------------------------------------------------------------------------- formats
def test_json_to_xml_recipient_is_reencoded(pack3: SchemaPack) -> None:
    env = fresh(use_case=technical_use_case())
    decision = decide(inbound(env), ctx_for(pack3, use_xml={SAMU_B: True}))
    assert isinstance(decision, Forward)
    assert decision.content_type == "application/xml"
    assert decode(decision.body, decision.content_type, pack3)["distributionID"] == env["distributionID"]


def test_xml_sender_to_json_recipient(pack3: SchemaPack) -> None:
    env = fresh(use_case=technical_use_case())
    body, ctype = encode(env, "xml", pack=pack3)
    decision = decide(inbound(body, content_type=ctype), ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert decision.content_type == "application/json"
    assert json.loads(decision.body) == decode(body, ctype, pack3)


def test_reserialize_option_reencodes_json(pack3: SchemaPack) -> None:
    env = fresh()
    msg = inbound(json.dumps(env, indent=2).encode())
    decision = decide(msg, ctx_for(pack3, reserialize=True))
    assert isinstance(decision, Forward)
    assert decision.body != msg.body
    assert json.loads(decision.body) == env


def test_partner_hub_body_read_as_xml_whatever_the_content_type(pack3: SchemaPack) -> None:
    env = envelope("fr.fire.nexsis.sdis23", SAMU_B, sent_at=NOW, expires_at=NOW + timedelta(days=2))
    body, _ = encode(env, "xml", pack=pack3)
    decision = decide(inbound(body, routing_key="fr.fire.nexsis.sdis23", content_type=None), ctx_for(pack3))
    assert isinstance(decision, Forward)
    assert decision.content_type == "application/json"


# ------------------------------------------------------------------------------------- dead letters
def test_500_dead_letter_reported_to_original_sender(pack3: SchemaPack) -> None:
    env = fresh()
    msg = inbound(env, routing_key=f"{SAMU_B}.message",
                  headers={ORIGINAL_ROUTING_KEY: SAMU_A, "x-first-death-reason": "expired"})
    decision = decide_dead_letter(msg, ctx_for(pack3))
    error = rejected(decision, pack3, 500)
    assert error["errorCause"] == (f"Message {env['distributionID']} has been read from dead-letter-queue; "
                                   "reason was expired")


def test_dead_letter_without_header_is_dropped(pack3: SchemaPack) -> None:
    msg = inbound(fresh(), routing_key=f"{SAMU_A}.info", headers={"x-first-death-reason": "expired"})
    assert isinstance(decide_dead_letter(msg, ctx_for(pack3)), Drop)


def test_dead_letter_of_an_info_queue_is_dropped(pack3: SchemaPack) -> None:
    headers = {ORIGINAL_ROUTING_KEY: f"{SAMU_A}.info", "x-first-death-reason": "expired"}
    msg = inbound(fresh(), headers=headers)
    assert isinstance(decide_dead_letter(msg, ctx_for(pack3)), Drop)


# ------------------------------------------------------------------------------------ CISU conversion
SDIS = "fr.fire.sdisZ"


def _official_example(model: str, name: str) -> dict:
    example: dict = json.loads((official("official", "examples", model, name)).read_text(encoding="utf-8"))
    return example


def _cisu_ctx(pack3: SchemaPack, *, direct: bool | None = None, enabled: bool = True) -> DispatchContext:
    prefs = {} if direct is None else {SAMU_A: direct}
    return DispatchContext(validator=validator_for(pack3), use_xml={}, now=lambda: NOW, default_ttl_s=86400,
                           direct_cisu=prefs, cisu_conversion=enabled)


def test_rs_eda_to_a_fire_service_is_converted_to_rc_eda(pack3: SchemaPack) -> None:
    case = _official_example("RS-EDA", "RS-EDA-SMUR_FemmeEnceinte_DelphineVigneau.01.json")
    env = fresh(recipient=SDIS, use_case=case)
    decision = decide(inbound(env), _cisu_ctx(pack3))
    assert isinstance(decision, Forward) and decision.routing_key == f"{SDIS}.message"
    delivered = decode(decision.body, decision.content_type, pack3)
    assert decision.content_type == "application/xml"  # a fire recipient reads XML
    assert validator_for(pack3).validate_message(delivered).valid
    message = delivered["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
    assert "createCase" in message and "createCaseHealth" not in message
    assert delivered["distributionID"] == env["distributionID"]
    assert any("RC-EDA" in note for note in decision.facts.notes)


def test_rc_eda_from_a_fire_service_is_converted_to_rs_eda(pack3: SchemaPack) -> None:
    case = _official_example("RC-EDA", "RC-EDA-FemmeEnceinte-DelphineVigneau.01.json")
    env = fresh(sender=SDIS, recipient=SAMU_A, use_case=case)
    decision = decide(inbound(env, routing_key=SDIS), _cisu_ctx(pack3, direct=False))
    assert isinstance(decision, Forward) and decision.routing_key == f"{SAMU_A}.message"
    delivered = decode(decision.body, decision.content_type, pack3)
    message = delivered["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
    assert message["createCaseHealth"]["owner"] == SAMU_A


def test_direct_cisu_or_disabled_conversion_forwards_unchanged(pack3: SchemaPack) -> None:
    case = _official_example("RC-EDA", "RC-EDA-FemmeEnceinte-DelphineVigneau.01.json")
    env = fresh(recipient=SDIS, use_case=case)
    for ctx in (_cisu_ctx(pack3, direct=True), _cisu_ctx(pack3, enabled=False)):
        decision = decide(inbound(env), ctx)
        assert isinstance(decision, Forward)
        assert "createCase" in decode(decision.body, decision.content_type, pack3)["content"][0][
            "jsonContent"]["embeddedJsonContent"]["message"]


def test_a_conversion_refusal_is_a_300_with_the_converter_cause(pack3: SchemaPack) -> None:
    case = _official_example("RC-EDA", "RC-EDA-FemmeEnceinte-DelphineVigneau.01.json")  # wrong way
    env = fresh(recipient=SDIS, use_case=case)
    error = rejected(decide(inbound(env), _cisu_ctx(pack3)), pack3, 300)
    assert error["errorCause"] == ("Error during internal call to Hub Santé conversion service: Version "
                                   "conversion for message type 'createCase' is currently not implemented.")
    assert error["referencedDistributionID"] == env["distributionID"]
