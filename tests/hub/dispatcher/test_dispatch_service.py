"""Integration tests: the real dispatcher process on the real TLS node (DST 1.2 §3.1; the Java dispatcher of
`ansforge/SAMU-Hub-Sante`)."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dispatch_helpers import check_rs_error
from sqlalchemy import select
from support.official import official, official_pack

from hubbench.hub.dispatcher import supervisor
from hubbench.hub.dispatcher.pipeline import ORIGINAL_ROUTING_KEY
from hubbench.protocol import build_ack, build_message, custom_content_use_case, decode, encode
from hubbench.results.db import open_database
from hubbench.results.models import TraceMessage
from hubbench.transport.client import AckMode, Delivery, HubClient, Inbox, PublishRefused

pytestmark = pytest.mark.broker
WAIT_S = 15.0


def new_env(sender: str, recipient: str, **kwargs: Any) -> dict[str, Any]:
    return build_message(sender, recipient, custom_content_use_case(text="essai"), **kwargs)


class Pair:
    """Two fresh health clients on the default vhost, each with an inbox on its three queues."""

    def __init__(self, hub: Any, *, b_xml: bool = False, b_ack: AckMode = AckMode.ON_STORE) -> None:
        self.hub = hub
        self.a_id, self.b_id = hub.unique_id("fr.health.test"), hub.unique_id("fr.health.test")
        hub.add_client(self.a_id)
        hub.add_client(self.b_id, use_xml=b_xml)
        if b_xml:
            time.sleep(2.5)  # the dispatcher re-reads clients.json (preferences) once per second
        self.a: HubClient = hub.client(self.a_id)
        self.b: HubClient = hub.client(self.b_id)
        self.a_in: Inbox = self.a.inbox()
        self.b_in: Inbox = self.b.inbox(ack=b_ack)

    def close(self) -> None:
        self.a_in.stop()
        self.b_in.stop()

    def send(self, env: dict[str, Any] | bytes, **kwargs: Any) -> None:
        assert self.a.publish(env, **kwargs)

    def info(self, timeout: float = WAIT_S) -> Delivery:
        delivery = self.a_in.wait_for(lambda d: d.kind == "info", timeout)
        assert delivery is not None, "aucun rapport d'erreur reçu sur .info"
        return delivery


@pytest.fixture()
def pair(dispatcher: Any) -> Any:
    created = Pair(dispatcher.hub)
    yield created
    created.close()


def error_of(delivery: Delivery, pack: Any, code: int) -> dict[str, Any]:
    return check_rs_error(delivery.body, delivery.content_type or "", pack, code)


# ------------------------------------------------------------------------------------------ routing
def test_message_reaches_recipient_and_ack_comes_back(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.a_id, pair.b_id)
    pair.send(env)
    got = pair.b_in.wait_for(lambda d: d.kind == "message", WAIT_S)
    assert got is not None and json.loads(got.body)["distributionID"] == env["distributionID"]
    assert got.properties.headers[ORIGINAL_ROUTING_KEY] == pair.a_id
    assert got.properties.delivery_mode == 2
    ack = build_ack(pair.b_id, pair.a_id, env["distributionID"])
    assert pair.b.publish(ack)
    back = pair.a_in.wait_for(lambda d: d.kind == "ack", WAIT_S)
    assert back is not None and json.loads(back.body)["distributionID"] == ack["distributionID"]


def test_xml_recipient_gets_xml_and_xml_sender_is_read(dispatcher: Any) -> None:
    pair = Pair(dispatcher.hub, b_xml=True)
    try:
        env = new_env(pair.a_id, pair.b_id)
        pair.send(env)
        got = pair.b_in.wait_for(lambda d: d.kind == "message", WAIT_S)
        assert got is not None and got.content_type == "application/xml"
        assert decode(got.body, got.content_type, dispatcher.pack)["distributionID"] == env["distributionID"]
        reply = new_env(pair.b_id, pair.a_id)
        body, ctype = encode(reply, "xml", pack=dispatcher.pack)
        assert pair.b.publish(body, content_type=ctype)
        back = pair.a_in.wait_for(lambda d: d.kind == "message", WAIT_S)
        assert back is not None and back.content_type == "application/json"
        assert json.loads(back.body)["distributionID"] == reply["distributionID"]
    finally:
        pair.close()


# -------------------------------------------------------------------------------------- error codes
def test_100_non_persistent(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.a_id, pair.b_id)
    pair.send(env, persistent=False)
    assert error_of(pair.info(), dispatcher.pack, 100)["referencedDistributionID"] == env["distributionID"]


def test_101_content_type(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.a_id, pair.b_id)
    pair.send(env, content_type="text/plain")
    assert error_of(pair.info(), dispatcher.pack, 101)["referencedDistributionID"] == env["distributionID"]


def test_102_unknown_message_key(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.a_id, pair.b_id)
    env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["unknown_property"] = "x"
    pair.send(env)
    error_of(pair.info(), dispatcher.pack, 102)


def test_200_sender_inconsistency(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.b_id, pair.b_id)  # senderID = B, published under A's routing key
    pair.send(env)
    error = error_of(pair.info(), dispatcher.pack, 200)
    assert pair.a_id in error["errorCause"] and pair.b_id in error["errorCause"]


def test_300_content_and_envelope(pair: Pair, dispatcher: Any) -> None:
    bad_content = build_message(pair.a_id, pair.b_id, {"createCase": {"caseId": "x"}})
    pair.send(bad_content)
    error = error_of(pair.info(), dispatcher.pack, 300)
    assert error["referencedDistributionID"] == bad_content["distributionID"]
    assert error["errorCause"].startswith("Could not validate message against schema")
    bad_envelope = new_env(pair.a_id, pair.b_id)
    del bad_envelope["descriptor"]
    pair.send(bad_envelope)
    error = error_of(pair.info(), dispatcher.pack, 300)
    assert error["errorCause"].startswith("CAUTION: distributionID has been extracted by regex")
    assert error["referencedDistributionID"] == bad_envelope["distributionID"]


def test_301_unparsable_json(pair: Pair, dispatcher: Any) -> None:
    pair.send(b'{"distributionID": "x_1", pas du json')
    assert error_of(pair.info(), dispatcher.pack, 301)["referencedDistributionID"] == "x_1"


def test_400_expired_before_routing(pair: Pair, dispatcher: Any) -> None:
    past = datetime.now(UTC) - timedelta(minutes=5)
    env = new_env(pair.a_id, pair.b_id, sent_at=past - timedelta(minutes=1), expires_at=past)
    pair.send(env)
    error_of(pair.info(), dispatcher.pack, 400)
    assert pair.b_in.wait_for(lambda d: d.kind == "message", 1.0) is None


def test_501_no_health_actor(dispatcher: Any) -> None:
    hub = dispatcher.hub
    fire = hub.unique_id("fr.fire.sdis")
    hub.add_client(fire)
    client = hub.client(fire)
    with client.inbox() as inbox:
        env = new_env(fire, "fr.police.random")
        body, ctype = encode(env, "xml", pack=dispatcher.pack)  # partner hubs are read as XML
        assert client.publish(body, content_type=ctype)
        delivery = inbox.wait_for(lambda d: d.kind == "info", WAIT_S)
        assert delivery is not None
        assert "no health actor involved" in error_of(delivery, dispatcher.pack, 501)["errorCause"]


def test_501_no_route_for_unknown_recipient(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.a_id, "fr.health.inexistent")
    pair.send(env)
    error = error_of(pair.info(), dispatcher.pack, 501)
    assert error["errorCause"] == ("unable do deliver message to fr.health.inexistent.message, "
                                   "cause was NO_ROUTE (312)")


def test_500_when_recipient_rejects_without_requeue(dispatcher: Any) -> None:
    pair = Pair(dispatcher.hub, b_ack=AckMode.MANUAL)
    try:
        env = new_env(pair.a_id, pair.b_id)
        pair.send(env)
        got = pair.b_in.wait_for(lambda d: d.kind == "message", WAIT_S)
        assert got is not None
        pair.b_in.reject(got, requeue=False)
        error = error_of(pair.info(), dispatcher.pack, 500)
        assert error["errorCause"].endswith("has been read from dead-letter-queue; reason was rejected")
        assert error["referencedDistributionID"] == env["distributionID"]
    finally:
        pair.close()


def test_500_when_message_expires_in_recipient_queue(dispatcher: Any) -> None:
    hub = dispatcher.hub
    a_id, b_id = hub.unique_id("fr.health.test"), hub.unique_id("fr.health.test")
    hub.add_client(a_id)
    hub.add_client(b_id)  # B never consumes: the 5 s queue TTL of the fixture expires the message
    a = hub.client(a_id)
    with a.inbox() as inbox:
        env = new_env(a_id, b_id)
        assert a.publish(env)
        delivery = inbox.wait_for(lambda d: d.kind == "info", hub.settings.message_ttl_ms / 1000 + WAIT_S)
        assert delivery is not None
        error = error_of(delivery, dispatcher.pack, 500)
        assert error["errorCause"] == (f"Message {env['distributionID']} has been read from "
                                       "dead-letter-queue; reason was expired")


def test_wrong_routing_key_refused_by_broker_without_info(pair: Pair, dispatcher: Any) -> None:
    env = new_env(pair.b_id, pair.a_id)
    with pytest.raises(PublishRefused) as refused:
        pair.a.publish(env, routing_key=pair.b_id)
    assert refused.value.reply_code == 403
    assert pair.a_in.wait_for(lambda d: d.kind == "info", 2.0) is None


# ----------------------------------------------------------------------------------- robustness
def test_restart_with_messages_in_flight_loses_nothing(pair: Pair, dispatcher: Any) -> None:
    sent = []
    for index in range(300):
        env = new_env(pair.a_id, pair.b_id)
        pair.send(env)
        sent.append(env["distributionID"])
        if index == 150:
            supervisor.stop(dispatcher.hub.home)  # stops while deliveries are in flight
    dispatcher.restart()
    received: set[str] = set()
    deadline = time.monotonic() + 60
    while len(received) < len(sent) and time.monotonic() < deadline:
        got = pair.b_in.wait_for(lambda d: d.kind == "message", 2.0)
        if got is not None:
            received.add(json.loads(got.body)["distributionID"])
    assert received == set(sent)


def test_crashed_worker_is_restarted(pair: Pair, dispatcher: Any) -> None:
    home = dispatcher.hub.home
    before = supervisor.health(home)
    os.kill(before["workers"][0]["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 30
    info = supervisor.health(home)
    while not (info["restarts"] > before["restarts"] and info["ready"]) and time.monotonic() < deadline:
        time.sleep(0.3)
        info = supervisor.health(home)
    assert info["restarts"] > before["restarts"] and info["ready"]
    env = new_env(pair.a_id, pair.b_id)
    pair.send(env)
    assert pair.b_in.wait_for(lambda d: d.kind == "message", WAIT_S) is not None


def test_trace_rows_recorded(pair: Pair, dispatcher: Any) -> None:
    routed = new_env(pair.a_id, pair.b_id)
    pair.send(routed)
    refused = new_env(pair.a_id, pair.b_id)
    pair.send(refused, persistent=False)
    pair.info()
    database = open_database(dispatcher.hub.home.db_url)
    rows: list[Any] = []
    deadline = time.monotonic() + WAIT_S
    ids = (routed["distributionID"], refused["distributionID"])
    while time.monotonic() < deadline:
        with database.engine.connect() as conn:
            rows = list(conn.execute(select(TraceMessage).where(TraceMessage.distribution_id.in_(ids))))
        if len(rows) == 2:
            break
        time.sleep(0.2)
    by_id = {row.distribution_id: row for row in rows}
    assert by_id[routed["distributionID"]].outcome == "routed"
    assert by_id[routed["distributionID"]].routed_to == f"{pair.b_id}.message"
    assert by_id[refused["distributionID"]].outcome == "rejected"
    assert by_id[refused["distributionID"]].error_code == 100


def _trace_row(db_url: str, distribution_id: str) -> Any:
    """The dispatcher's trace row of a message, polled until the trace process has written it."""
    database = open_database(db_url)
    deadline = time.monotonic() + WAIT_S
    while True:
        with database.engine.connect() as conn:
            row = conn.execute(select(TraceMessage).where(TraceMessage.distribution_id == distribution_id,
                                                          TraceMessage.outcome == "routed")).first()
        if row is not None or time.monotonic() > deadline:
            assert row is not None, f"no trace row for {distribution_id}"
            return row
        time.sleep(0.2)


def _health_after(home: Any, moment: float) -> dict[str, Any]:
    """The first health snapshot whose heartbeat is later than `moment` (written once per second)."""
    deadline = time.monotonic() + WAIT_S
    info = supervisor.health(home)
    while float(info.get("last_heartbeat") or 0) <= moment and time.monotonic() < deadline:
        time.sleep(0.2)
        info = supervisor.health(home)
    assert float(info.get("last_heartbeat") or 0) > moment, info
    return info


def test_health_counts_messages(pair: Pair, dispatcher: Any) -> None:
    home = dispatcher.hub.home
    routed_before = _health_after(home, time.time())["counters"].get("routed", 0)  # earlier tests count too
    pair.send(new_env(pair.a_id, pair.b_id))
    assert pair.b_in.wait_for(lambda d: d.kind == "message", WAIT_S) is not None
    info = _health_after(home, time.time())
    assert info["running"] and info["counters"].get("routed", 0) >= routed_before + 1, info
    assert set(info["vhosts"]) == set(dispatcher.hub.settings.vhosts)


# ------------------------------------------------------------------------------------ CISU conversion
def test_cisu_conversion_on_the_real_hub(dispatcher: Any) -> None:
    """With conversion on, an RS-EDA to a fire client arrives as RC-EDA (XML) and a wrong-way RC-EDA
    from a non-directCISU health client is refused with 300 and the converter's cause."""
    hub, vhost = dispatcher.hub, "15-15_v2.1"  # a 3.x pack, the line the converter speaks
    dispatcher.stop()
    dispatcher.start(hub.settings.with_overrides(cisu_conversion=True))
    samu, sdis = hub.unique_id("fr.health.test"), hub.unique_id("fr.fire.test")
    hub.add_client(samu)
    hub.add_client(sdis)
    a, b = hub.client(samu, vhost), hub.client(sdis, vhost)
    a_in, b_in = a.inbox(), b.inbox()
    try:
        examples = official("official", "examples")
        rs_eda = json.loads((examples / "RS-EDA" / "RS-EDA-SMUR_FemmeEnceinte_DelphineVigneau.01.json")
                            .read_text(encoding="utf-8"))
        env = build_message(samu, sdis, rs_eda)
        assert a.publish(env)
        got = b_in.wait_for(lambda d: d.kind == "message", WAIT_S)
        assert got is not None and got.content_type == "application/xml"
        pack = official_pack("3")
        delivered = decode(got.body, got.content_type, pack)
        message = delivered["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
        assert delivered["distributionID"] == env["distributionID"] and "createCase" in message
        row = _trace_row(hub.home.db_url, env["distributionID"])  # the trace keeps both bodies
        assert b"createCaseHealth" in row.body and row.forwarded_body == got.body
        rc_eda = json.loads((examples / "RC-EDA" / "RC-EDA-FemmeEnceinte-DelphineVigneau.01.json")
                            .read_text(encoding="utf-8"))
        wrong = build_message(samu, sdis, rc_eda)
        assert a.publish(wrong)
        info = a_in.wait_for(lambda d: d.kind == "info", WAIT_S)
        assert info is not None
        error = check_rs_error(info.body, info.content_type or "", pack, 300)
        assert error["errorCause"].startswith("Error during internal call to Hub Santé conversion service: ")
        assert error["referencedDistributionID"] == wrong["distributionID"]
    finally:
        a_in.stop()
        b_in.stop()
        dispatcher.restart()
