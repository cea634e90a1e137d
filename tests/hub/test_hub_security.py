"""The hub's access rules on a real TLS node (DST 1.2 §2.2.1, §3.1; permissions of `ansforge/SAMU-Hub-Sante`
`hub/dispatcher/src/test/resources/config/definitions.json`)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pika
import pika.exceptions as pex
import pytest
from support.hub import HubFixture

from hubbench.hub.management import poll_until
from hubbench.hub.pki import Pki
from hubbench.hub.topology import DISPATCH, DISPATCH_DLQ
from hubbench.transport.client import HubClient, PublishRefused

pytestmark = pytest.mark.broker


def _params(hub: HubFixture, ctx: ssl.SSLContext) -> pika.ConnectionParameters:
    return pika.ConnectionParameters(
        host=hub.settings.host, port=hub.settings.amqps_port, virtual_host=hub.vhost,
        ssl_options=pika.SSLOptions(ctx, server_hostname="localhost"),
        credentials=pika.credentials.ExternalCredentials(), connection_attempts=1, socket_timeout=5,
    )


def test_tls_without_client_certificate_is_refused(hub_node: HubFixture) -> None:
    ctx = ssl.create_default_context(cafile=str(hub_node.pki.ca_cert_path))
    with pytest.raises(pex.AMQPConnectionError):
        pika.BlockingConnection(_params(hub_node, ctx))


def test_certificate_from_another_ca_is_refused(hub_node: HubFixture, tmp_path: Path) -> None:
    client_id = hub_node.add_client().client_id  # the CN exists on the hub…
    foreign = Pki(tmp_path / "foreign").issue_client(client_id)  # …but this cert is signed elsewhere
    ctx = ssl.create_default_context(cafile=str(hub_node.pki.ca_cert_path))
    ctx.load_cert_chain(str(foreign.cert), str(foreign.key))
    with pytest.raises(pex.AMQPConnectionError):
        pika.BlockingConnection(_params(hub_node, ctx))


def test_valid_certificate_with_unknown_cn_is_refused(hub_node: HubFixture) -> None:
    stranger = hub_node.unique_id()
    creds = hub_node.pki.issue_client(stranger)  # signed by the hub CA, but no such user
    client = HubClient(stranger, creds, hub_node.settings.host, hub_node.settings.amqps_port, hub_node.vhost)
    with pytest.raises(pex.AMQPConnectionError) as caught:
        client.connect()
    assert "ACCESS_REFUSED" in repr(caught.value) or isinstance(caught.value, pex.ProbableAccessDeniedError)


def test_client_cannot_use_a_vhost_it_was_not_given(hub_node: HubFixture) -> None:
    client_id = hub_node.add_client(vhosts=[hub_node.settings.vhosts[0]]).client_id
    client = hub_node.client(client_id, vhost=hub_node.settings.vhosts[1])
    with pytest.raises(pex.AMQPConnectionError):
        client.connect()


def test_reading_another_clients_queue_is_refused(hub_node: HubFixture) -> None:
    reader, owner = hub_node.unique_id(), hub_node.unique_id()
    hub_node.add_client(owner)
    channel = hub_node.client(reader).channel()
    with pytest.raises(pex.ChannelClosedByBroker) as caught:
        channel.basic_get(f"{owner}.message")
    assert caught.value.reply_code == 403


def test_reading_the_dispatch_queue_is_refused(hub_node: HubFixture) -> None:
    channel = hub_node.client(hub_node.unique_id()).channel()
    with pytest.raises(pex.ChannelClosedByBroker) as caught:
        channel.basic_get(DISPATCH)
    assert caught.value.reply_code == 403


def test_publishing_with_another_clients_routing_key_is_refused(hub_node: HubFixture) -> None:
    sender, other = hub_node.unique_id(), hub_node.unique_id()
    hub_node.add_client(other)
    client = hub_node.client(sender)
    with pytest.raises(PublishRefused) as caught:
        client.publish({"x": 1}, routing_key=other)
    assert caught.value.reply_code == 403
    assert "access to topic" in caught.value.reply_text
    assert client.publish({"x": 2}) is True  # its own routing key still works afterwards


def test_publishing_to_distribution_is_refused(hub_node: HubFixture) -> None:
    sender = hub_node.unique_id()
    client = hub_node.client(sender)
    with pytest.raises(PublishRefused) as caught:
        client.publish({"x": 1}, exchange="distribution", routing_key=f"{sender}.message")
    assert caught.value.reply_code == 403


def test_foreign_user_id_property_is_refused(hub_node: HubFixture) -> None:
    client = hub_node.client(hub_node.unique_id())
    with pytest.raises(PublishRefused) as caught:
        client.publish({"x": 1}, properties={"user_id": "fr.health.samu999"})
    assert caught.value.reply_code == 406


def test_declaring_a_queue_is_refused(hub_node: HubFixture) -> None:
    client_id = hub_node.unique_id()
    channel = hub_node.client(client_id).channel()
    with pytest.raises(pex.ChannelClosedByBroker) as caught:
        channel.queue_declare(f"{client_id}.extra")
    assert caught.value.reply_code == 403
    channel = hub_node.client(client_id).channel()
    channel.queue_declare(f"{client_id}.message", passive=True)  # passive declare is allowed (DST 1.2 §3.1)


def test_dispatcher_reads_dispatch_and_writes_distribution_only(hub_node: HubFixture) -> None:
    dispatcher = hub_node.dispatcher_client(connection_name="dispatcher-rights-test")
    channel = dispatcher.channel()
    channel.queue_declare(DISPATCH_DLQ, passive=True)
    with pytest.raises(pex.ChannelClosedByBroker) as caught:
        dispatcher.channel().basic_get(f"{hub_node.add_client().client_id}.message")
    assert caught.value.reply_code == 403
    with pytest.raises(PublishRefused):
        dispatcher.publish({"x": 1}, exchange="hubsante", routing_key="dispatcher")


def test_revoked_client_is_refused_and_disconnected(hub_node: HubFixture) -> None:
    client_id = hub_node.unique_id()
    client = hub_node.client(client_id, connection_name=f"{client_id}-revoke")
    client.connect()
    poll_until(lambda: hub_node.api.connections_named(f"{client_id}-revoke"), timeout=15, what="connexion")
    hub_node.registry.revoke(client_id)
    assert hub_node.api.user(client_id) is None
    assert all(hub_node.api.queue(v, f"{client_id}.message") is None for v in hub_node.settings.vhosts)
    later = HubClient(client_id, hub_node.pki.issue_client(client_id), hub_node.settings.host,
                      hub_node.settings.amqps_port, hub_node.vhost)  # even with a fresh hub-signed cert
    with pytest.raises(pex.AMQPConnectionError):
        later.connect()
    poll_until(lambda: not hub_node.api.connections_named(f"{client_id}-revoke"), timeout=15,
               what="fermeture de la connexion du client révoqué")


def _with_policy(hub: HubFixture, queue: str) -> dict | None:
    details = hub.api.queue(hub.vhost, queue)
    return details if details and details.get("effective_policy_definition") else None


def test_client_added_live_gets_queues_policies_and_rights(hub_node: HubFixture) -> None:
    client_id = hub_node.unique_id()
    hub_node.add_client(client_id, vhosts=[hub_node.vhost])
    assert hub_node.api.user(client_id) is not None
    for kind, policy in (("message", "dead-lettering"), ("ack", "dead-lettering"),
                         ("info", "dead-lettering-info")):
        name = f"{client_id}.{kind}"
        queue = poll_until(lambda name=name: _with_policy(hub_node, name), timeout=15, what=name)
        assert queue["durable"] is True and queue["policy"] == policy
        assert queue["effective_policy_definition"] == {
            "message-ttl": hub_node.settings.message_ttl_ms, "dead-letter-exchange": "distribution.dlx"}
    with hub_node.client(client_id) as client:
        assert client.publish({"hello": "hub"}) is True
