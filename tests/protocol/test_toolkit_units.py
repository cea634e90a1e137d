"""Kinds, envelope builders, error codes, codec input hygiene, validator rules (accents, \\w ASCII)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from hubbench.protocol import (
    HUB_ID,
    EnvelopeView,
    ErrorCode,
    build_ack,
    build_error_report,
    build_message,
    case_id_of,
    custom_content_use_case,
    decode,
    encode,
    format_datetime,
    new_distribution_id,
    queue_suffix,
    technical_noreq_use_case,
    technical_use_case,
    use_case_key,
    validator_for,
)
from hubbench.protocol.codec import MAX_BODY_BYTES, DecodeError

SAMU_A, SAMU_B = "fr.health.samuA", "fr.health.samuB"


def test_case_id_read_where_the_test_lrm_reads_it() -> None:
    assert case_id_of("createCase", {"caseId": "c1"}) == "c1"
    assert case_id_of("emsi", {"EVENT": {"MAIN_EVENT_ID": "e1"}}) == "e1"
    assert case_id_of("rpis", {"context": {"caseId": "r1"}}) == "r1"
    assert case_id_of("resourcesStatus", {"caseId": "s1"}) == "s1"
    assert case_id_of("reference", {"distributionID": "x"}) is None
    assert case_id_of("emsi", {"EVENT": "oops"}) is None


def test_use_case_key_and_queue_suffix() -> None:
    assert use_case_key({"messageId": "m", "createCase": {}}) == "createCase"
    assert use_case_key({"technical": {}, "technicalNoreq": {}}) is None
    assert use_case_key({"messageId": "m"}) is None
    assert [queue_suffix(k) for k in ("Ack", "Error", "Report", "Update", None)] == \
        ["ack", "info", "message", "message", "message"]


def test_datetime_format_has_an_offset_never_z() -> None:
    assert format_datetime(datetime(2024, 1, 2, 3, 4, 5, 999, tzinfo=UTC)) == "2024-01-02T03:04:05+00:00"
    paris = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2024, 7, 1, 8, 0, tzinfo=paris)) == "2024-07-01T08:00:00+02:00"
    assert not format_datetime(datetime(2024, 1, 1)).endswith("Z")


def test_distribution_id_prefix_is_the_sender() -> None:
    first, second = new_distribution_id(SAMU_A), new_distribution_id(SAMU_A)
    assert first.split("_")[0] == SAMU_A and first != second


def test_built_message_has_consistent_header_and_validates(val3) -> None:
    env = build_message(SAMU_A, SAMU_B, technical_use_case(), distribution_kind="Update")
    view = EnvelopeView(env)
    header = view.header
    assert header["messageId"] == view.distribution_id and header["kind"] == "Update"
    assert header["sender"] == {"name": "samuA", "URI": f"hubex:{SAMU_A}"}
    assert header["recipient"] == [{"name": "samuB", "URI": f"hubex:{SAMU_B}"}]
    assert header["sentAt"] == view.date_time_sent and view.recipient_id == SAMU_B
    assert view.kind == "technical" and val3.validate_message(env).valid


@pytest.mark.parametrize("use_case", [technical_noreq_use_case(optionalStringField="x"),
                                      custom_content_use_case(any="thing")])
def test_kinds_without_header_get_none(val3, use_case) -> None:
    env = build_message(SAMU_A, SAMU_B, use_case)
    assert EnvelopeView(env).header is None
    assert val3.validate_message(env).valid


def test_ack_and_error_report(val3) -> None:
    ack = build_ack(SAMU_B, SAMU_A, "fr.health.samuA_123")
    view = EnvelopeView(ack)
    assert view.distribution_kind == "Ack" and view.referenced_id == "fr.health.samuA_123"
    assert view.header["kind"] == "Ack" and val3.validate_message(ack).valid
    sent = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    report = build_error_report(SAMU_A, ErrorCode.INVALID_MESSAGE, "cause", ack, "fr.health.samuA_123",
                                sent_at=sent)
    rview = EnvelopeView(report)
    assert rview.sender_id == HUB_ID and rview.distribution_id.startswith(f"{HUB_ID}_")
    assert rview.distribution_kind == "Error" and rview.header is None
    assert rview.date_time_expires == "2025-01-02T12:00:00+00:00"
    assert rview.use_case["errorCode"] == {"statusCode": 300, "statusString": "INVALID_MESSAGE"}
    assert val3.validate_message(report).valid


def test_error_codes() -> None:
    assert [c.value for c in ErrorCode][:9] == [100, 101, 102, 200, 300, 301, 400, 500, 501]
    assert ErrorCode(501).status_string == "UNROUTABLE_MESSAGE" and ErrorCode(704).from_line_3
    assert ErrorCode.from_json({"statusCode": 100, "statusString": "DELIVERY_MODE_INCONSISTENCY"}) == 100
    with pytest.raises(ValueError, match="incohérent"):
        ErrorCode.from_json({"statusCode": 100, "statusString": "INVALID_MESSAGE"})


def test_envelope_view_never_raises() -> None:
    view = EnvelopeView({"content": "nope", "descriptor": 3})
    assert view.kind is None and view.recipient_id is None and view.case_id is None
    assert EnvelopeView([]).distribution_id is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("body", "ctype", "reason"), [
    (b"", "application/json", "empty"),
    (b"  \n ", None, "empty"),
    (b"\xef\xbb\xbf{}", "application/json", "bom"),
    (b"\xff\xfe{\x00}\x00", None, "bom"),
    (b"\xc3\x28{}", "application/json", "not_utf8"),
    (b"hello", None, "unknown_format"),
    (b"{\"a\": ", "application/json", "not_json"),
    (b"[1, 2]", "application/json", "not_object"),
    (b"{\"a\": NaN}", "application/json", "not_json"),
    (b"<a><b></a>", "application/xml", "not_xml"),
    (b"[" * 100000, "application/json", "not_json"),
])
def test_decode_refuses_bad_bodies_with_a_reason(body: bytes, ctype, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(body, ctype)
    assert info.value.reason == reason and info.value.message


def test_decode_refuses_oversized_bodies_before_parsing() -> None:
    with pytest.raises(DecodeError) as info:
        decode(b" " * (MAX_BODY_BYTES + 1), "application/json")
    assert info.value.reason == "too_large"


def test_xml_bomb_and_external_entities_do_not_expand() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
                       for i in range(1, 10))
            + b']><lolz>&lol9;</lolz>')
    xxe = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    for body in (bomb, xxe):
        with pytest.raises(DecodeError) as info:
            decode(body, "application/xml")
        assert info.value.reason == "xml_dtd"


def test_decode_error_maps_to_hub_codes() -> None:
    with pytest.raises(DecodeError) as info:
        decode(b"{", "application/json")
    assert info.value.error_code == ErrorCode.SCHEMA_NOT_FOUND
    with pytest.raises(DecodeError) as info:
        decode(b"<a>", "application/xml")
    assert info.value.error_code == ErrorCode.INVALID_MESSAGE


def test_envelope_xml_round_trip_and_namespaces(pack3, packs) -> None:
    env = build_message(SAMU_A, SAMU_B, technical_use_case(integerField=3, booleanField=False,
                                                           numberField=1.5))
    body, ctype = encode(env, "xml", pack=pack3)
    text = body.decode()
    assert "urn:emergency:eda:1.9" in text and "urn:emergency:eda:1.9:technical" in text
    assert "<contentObject" in text and "embeddedXMLContent" in text
    assert decode(body, ctype, pack3) == env
    old, _ = encode(env, "xml", pack=packs["1"])
    assert b"urn:emergency:cisu:2.0" in old
    assert json.loads(encode(env, "json")[0]) == env


def test_accented_ids_follow_java_ascii_word_class(packs) -> None:
    """\\w is ASCII for the Java hub and jsonschema-rs (Unicode for Python `re`)."""
    val1 = validator_for(packs["1"])
    base = {"caseId": "fr.health.samu690.DRFR15690"}
    # 1.0 pattern `fr(\.[\w-]+){3,4}` is unanchored (networknt uses find()): an accent that breaks
    # every match is rejected, a trailing one after a full match is not.
    broken = val1.validate_use_case({"createCaseHealthUpdate": {"caseId": "fr.santé.samu690.DRFR15690"}})
    assert not broken.valid
    assert broken.errors[0].path == "$.createCaseHealthUpdate.caseId" and broken.errors[0].rule == "pattern"
    assert val1.validate_use_case({"createCaseHealthUpdate": base}).valid
    trailing = {"caseId": "fr.health.samu690.DRFR15690é"}  # the prefix matches: accepted, as by find()
    assert val1.validate_use_case({"createCaseHealthUpdate": trailing}).valid
    # 3.x anchors the pattern: the accented id of the brief is rejected outright.
    val3 = validator_for(packs["3"])
    accented = val3.validate_use_case({"createCaseHealthUpdate": {"caseId": "fr.health.samu690.DRFR15690é"}})
    assert [i.rule for i in accented.errors] == ["pattern"]
