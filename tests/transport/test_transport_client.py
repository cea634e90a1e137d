"""HubClient and Inbox against the real TLS node: confirms, manual acks, buffering, reconnection."""

from __future__ import annotations

import pytest
from support.hub import HubFixture

from hubbench.hub.clients import registered_client
from hubbench.hub.management import poll_until
from hubbench.transport.client import AckMode, Delivery, StaleDelivery

pytestmark = pytest.mark.broker
WAIT_S = 60.0  # bound of every wait for the broker: generous, the machine is shared and loaded


def _deliver(hub: HubFixture, recipient: str, body: bytes | dict, kind: str = "message") -> None:
    """Put a message in the recipient's queue the way the dispatcher does (distribution exchange)."""
    assert hub.dispatcher_client().publish(body, exchange="distribution", routing_key=f"{recipient}.{kind}")


def _queue_counts(hub: HubFixture, queue: str) -> tuple[int, int] | None:
    details = hub.api.queue(hub.vhost, queue) or {}
    if "messages_unacknowledged" not in details:
        return None
    return details["messages_ready"], details["messages_unacknowledged"]


def test_publish_is_confirmed_and_lands_in_dispatch(hub_node: HubFixture) -> None:
    client = hub_node.client(hub_node.unique_id())
    assert client.publish({"hello": 1}) is True
    assert client.publish(b"<raw/>", content_type="application/xml") is True
    assert client.publish({"no": "confirm"}, confirm=False) is False  # nothing to confirm
    channels = poll_until(
        lambda: [c for c in hub_node.api.channels()
                 if isinstance(c.get("connection_details"), dict)  # [] while the connection closes
                 and c["connection_details"].get("name")
                 and c.get("user") == client.client_id and c.get("confirm")],
        timeout=WAIT_S, what="canal en mode confirm",
    )
    assert channels


def test_manual_ack_nack_requeue_and_json_decoding(hub_node: HubFixture) -> None:
    recipient = hub_node.unique_id()
    client = hub_node.client(recipient)
    with client.inbox(ack=AckMode.MANUAL) as inbox:
        _deliver(hub_node, recipient, {"n": 1})
        first = inbox.wait_for(timeout=WAIT_S)
        assert isinstance(first, Delivery)
        assert first.json == {"n": 1} and first.kind == "message" and first.redelivered is False
        assert first.content_type == "application/json" and first.properties.delivery_mode == 2
        inbox.nack(first, requeue=True)  # at once: requeued after the queue's TTL (5 s), it is dead-lettered
        again = inbox.wait_for(timeout=WAIT_S)
        assert again is not None and again.redelivered is True and again.body == first.body
        # held unacked in manual mode (a delivered message does not expire): the broker shows it so
        poll_until(lambda: _queue_counts(hub_node, f"{recipient}.message") == (0, 1), timeout=WAIT_S,
                   what="1 message non acquitté")
        inbox.ack(again)
        poll_until(lambda: _queue_counts(hub_node, f"{recipient}.message") == (0, 0), timeout=WAIT_S,
                   what="file vide après acquittement")


def test_ack_on_store_and_queue_kinds(hub_node: HubFixture) -> None:
    recipient = hub_node.unique_id()
    with hub_node.client(recipient).inbox() as inbox:
        _deliver(hub_node, recipient, {"k": "ack"}, kind="ack")
        _deliver(hub_node, recipient, {"k": "info"}, kind="info")
        info = inbox.wait_for(lambda d: d.kind == "info", timeout=WAIT_S)
        ack = inbox.wait_for(lambda d: d.kind == "ack", timeout=WAIT_S)
        assert info is not None and info.json == {"k": "info"} and info.queue == f"{recipient}.info"
        assert ack is not None and ack.json == {"k": "ack"}
        poll_until(lambda: _queue_counts(hub_node, f"{recipient}.info") == (0, 0), timeout=WAIT_S,
                   what="acquittement automatique")


def test_messages_arriving_before_anyone_waits_are_kept(hub_node: HubFixture) -> None:
    recipient = hub_node.unique_id()
    client = hub_node.client(recipient)
    _deliver(hub_node, recipient, {"seq": 0})  # waiting in the queue before the inbox exists
    inbox = client.inbox()
    try:
        _deliver(hub_node, recipient, {"seq": 1})
        _deliver(hub_node, recipient, {"seq": 2})
        poll_until(lambda: inbox.received >= 3, timeout=WAIT_S, what="3 livraisons en mémoire")
        got = [inbox.wait_for(timeout=0) for _ in range(3)]
        assert [d.json["seq"] for d in got if d is not None] == [0, 1, 2]
        assert inbox.wait_for(timeout=0) is None
    finally:
        inbox.stop()


def test_wait_timeout_returns_none_and_predicate_leaves_others(hub_node: HubFixture) -> None:
    recipient = hub_node.unique_id()
    with hub_node.client(recipient).inbox() as inbox:
        assert inbox.wait_for(timeout=0.5) is None
        _deliver(hub_node, recipient, {"tag": "a"})
        assert inbox.wait_for(lambda d: d.json == {"tag": "zzz"}, timeout=1.0) is None
        # delivery takes longer than the 1 s wait under load: wait until "a" is buffered (not taken)
        poll_until(lambda: inbox.received >= 1, timeout=WAIT_S, what="livraison de « a »")
        assert [d.json for d in inbox.snapshot()] == [{"tag": "a"}]
        assert inbox.wait_for(lambda d: d.json == {"tag": "a"}, timeout=0) is not None


def test_inbox_reconnects_after_forced_close(hub_node: HubFixture) -> None:
    recipient = hub_node.unique_id()
    client = hub_node.client(recipient, connection_name=f"{recipient}-rc")
    inbox = client.inbox(ack=AckMode.MANUAL)
    try:
        # the connection is looked up first: the delivery requeued by the close must not outlive the
        # queue's TTL (5 s) before the inbox is back, else it is dead-lettered instead of redelivered
        connections = poll_until(lambda: hub_node.api.connections_named(f"{recipient}-rc-inbox"),
                                 timeout=WAIT_S, what="connexion de la boîte")
        _deliver(hub_node, recipient, {"before": True})
        pending = inbox.wait_for(timeout=WAIT_S)
        assert pending is not None
        for conn in connections:
            hub_node.api.close_connection(conn["name"], "test de reconnexion")
        poll_until(lambda: inbox.reconnections >= 1 and inbox.connected, timeout=WAIT_S, what="reconnexion")
        with pytest.raises(StaleDelivery):
            inbox.ack(pending)  # its channel is gone: the broker redelivers it
        redelivered = inbox.wait_for(lambda d: d.json == {"before": True}, timeout=WAIT_S)
        assert redelivered is not None and redelivered.redelivered is True
        inbox.ack(redelivered)
        _deliver(hub_node, recipient, {"after": True})
        after = inbox.wait_for(lambda d: d.json == {"after": True}, timeout=WAIT_S)
        assert after is not None
        inbox.ack(after)
    finally:
        inbox.stop()


def test_publisher_reconnects_after_forced_close(hub_node: HubFixture) -> None:
    sender = hub_node.unique_id()
    client = hub_node.client(sender, connection_name=f"{sender}-pub")
    assert client.publish({"n": 1}) is True
    for conn in poll_until(lambda: hub_node.api.connections_named(f"{sender}-pub"), timeout=WAIT_S,
                           what="connexion de publication"):
        hub_node.api.close_connection(conn["name"], "test de reconnexion")
    assert client.publish({"n": 2}) is True
    assert client.reconnections == 1


def test_for_client_uses_registry_credentials(hub_node: HubFixture) -> None:
    entry = hub_node.add_client(vhosts=[hub_node.settings.vhosts[2]])
    client = registered_client(hub_node.home, hub_node.settings, entry.client_id)
    assert client.vhost == hub_node.settings.vhosts[2]
    assert client.credentials.cert == hub_node.pki.credentials(entry.client_id).cert
    with client:
        assert client.publish({"ok": True}) is True


def test_a_users_connections_come_with_their_tls_details(hub_node: HubFixture) -> None:
    """`connections_of` (one user's connections, as a session's runs probe them) gives the same details
    as the whole listing: TLS, peer certificate, client properties."""
    sender = hub_node.unique_id()
    other = hub_node.client(hub_node.unique_id(), connection_name="autre")
    client = hub_node.client(sender, connection_name=f"{sender}-pub")
    assert client.publish({"n": 1}) is True and other.publish({"n": 1}) is True
    mine = poll_until(lambda: hub_node.api.connections_of(sender), timeout=WAIT_S, what="connexion")
    assert [c["user"] for c in mine] == [sender]
    assert mine[0]["ssl"] is True and mine[0]["peer_cert_subject"]
    assert mine[0]["client_properties"]["connection_name"] == f"{sender}-pub"
