"""Fuzzing the dispatcher (DST 1.2 §3.2, §3.4.1, §3.4.7): malformed input never crashes it, every malformed
message gets the right error, valid traffic interleaved with it is delivered.

In-process on the pure pipeline (many cases, fast), then a short stream on the real dispatcher over
TLS (the long stream and the memory figures are in bench/reliability.py).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import pytest
from fuzz_cases import ROUTE, Case, Ids, any_case, big_cases
from hypothesis import HealthCheck, given, settings
from support.hub import HubFixture
from support.official import official_pack
from wire import draw_cases, run_stream

from hubbench.hub.dispatcher import supervisor
from hubbench.hub.dispatcher.pipeline import DispatchContext, Forward, Inbound, Reject, decide
from hubbench.protocol.validator import validator_for

IDS = Ids("fr.health.samuA", "fr.health.samuB", "fr.health.samuC")


@functools.cache
def _context() -> DispatchContext:
    return DispatchContext(validator=validator_for(official_pack()), use_xml={},
                           now=lambda: datetime.now(UTC), default_ttl_s=86_400)


def _decide(case: Case, ctx: DispatchContext) -> int | str:
    inbound = Inbound(body=case.body, content_type=case.content_type, delivery_mode=case.delivery_mode,
                      headers=case.headers, expiration=case.expiration, routing_key=IDS.sender,
                      vhost="15-15_v2.0", received_at=datetime.now(UTC))
    decision = decide(inbound, ctx)  # must never raise
    if isinstance(decision, Forward):
        return ROUTE
    assert isinstance(decision, Reject)
    if case.ref_id is not None:
        assert decision.report.referenced_id == case.ref_id, case.label
    return int(decision.report.code)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(any_case(IDS))
def test_pipeline_gives_the_expected_outcome_for_any_input(case: Case) -> None:
    assert _decide(case, _context()) == case.expected, case.label


def test_ten_megabyte_bodies() -> None:
    for case in big_cases(IDS):
        assert _decide(case, _context()) == case.expected, case.label


@pytest.mark.broker
def test_stream_on_the_real_dispatcher(live_hub: HubFixture) -> None:
    hub = live_hub
    ids = Ids(*hub.new_clients(3))
    before = supervisor.health(hub.home)
    cases = draw_cases(any_case(ids), 150, seed=8) + big_cases(ids)[-1:]
    sender = hub.client(ids.sender)
    with sender.inbox() as sender_inbox, hub.client(ids.recipient).inbox() as recipient_inbox:
        result = run_stream(cases, sender, sender_inbox, recipient_inbox, timeout=180)
    after = supervisor.health(hub.home)
    assert result.valid_total > 20 and result.malformed_total > 50
    assert result.valid_delivered == result.valid_total, result.mismatches
    assert result.reports_ok == result.malformed_total, result.mismatches
    assert result.reports_received == result.malformed_total, result.mismatches
    assert after["restarts"] == before["restarts"] and after["ready"]
    assert after["counters"].get("unexpected", 0) == before["counters"].get("unexpected", 0)


def test_nesting_between_the_validator_and_parser_limits_is_answered_not_raised() -> None:
    """256–999 levels: readable JSON that jsonschema-rs refuses to walk → a 301 report, no exception."""
    for depth in (256, 500, 900):
        body = b'{"a":' * depth + b"1" + b"}" * depth
        assert _decide(Case("imbrication", body, 301), _context()) == 301


def test_readable_json_that_is_not_an_object_is_a_schema_failure() -> None:
    """The hub parses it (no IOException → not 301), then the envelope schema refuses it → 300."""
    ctx = _context()
    for body in (b"[]", b"[[1]]", b'"texte"', b"42", b"null", b"true"):
        inbound = Inbound(body=body, content_type="application/json", delivery_mode=2, headers={},
                          expiration=None, routing_key=IDS.sender, vhost="15-15_v2.0",
                          received_at=datetime.now(UTC))
        decision = decide(inbound, ctx)
        assert isinstance(decision, Reject) and int(decision.report.code) == 300, body
        assert decision.report.cause.startswith("CAUTION: distributionID has been extracted by regex")
