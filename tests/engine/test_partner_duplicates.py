"""The partner integrates a distributionID once: repeats (resend or broker redelivery) are recorded as
duplicates, never handed to a step, and re-acked (RC-REF) when the original was acked — on the real node.

Vendor messages are put in the partner's queues the way the dispatcher does (exchange `distribution`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from support.hub import HubFixture

from hubbench.engine.errors import NothingReceived
from hubbench.engine.partner import Partner
from hubbench.events import Event, MessageExchanged
from hubbench.hub.management import poll_until
from hubbench.protocol import EnvelopeView, build_ack, build_message, custom_content_use_case, encode
from hubbench.transport.client import AckMode

pytestmark = pytest.mark.broker
SCENARIO = "doublons"


@dataclass
class Setup:
    hub: HubFixture
    partner: Partner
    vendor_id: str
    events: list[Event] = field(default_factory=list)

    def vendor_message(self, **fields: object) -> tuple[bytes, str]:
        env = build_message(self.vendor_id, self.partner.partner_id, custom_content_use_case(**fields))
        body, _ = encode(env, "json")
        return body, EnvelopeView(env).distribution_id or ""

    def deliver(self, body: bytes, suffix: str = "message") -> None:
        """As the dispatcher: exchange `distribution`, routing key `<partner>.<suffix>`."""
        assert self.hub.dispatcher_client().publish(
            body, exchange="distribution", routing_key=f"{self.partner.partner_id}.{suffix}"
        )

    def exchanged(self, direction: str) -> list[MessageExchanged]:
        return [e for e in self.events if isinstance(e, MessageExchanged) and e.direction == direction]


def _setup(hub: HubFixture, ack: AckMode) -> Iterator[Setup]:
    partner_id, vendor_id = hub.unique_id("fr.health.banc"), hub.unique_id("fr.health.editeur")
    hub.add_client(vendor_id)
    client = hub.client(partner_id)
    events: list[Event] = []
    partner = Partner(partner_id, vendor_id, client, client.inbox(ack=ack), events.append, "run-doublons")
    try:
        yield Setup(hub, partner, vendor_id, events)
    finally:
        partner.inbox.stop()


@pytest.fixture()
def setup(hub_node: HubFixture) -> Iterator[Setup]:
    yield from _setup(hub_node, AckMode.ON_STORE)


@pytest.fixture()
def manual_setup(hub_node: HubFixture) -> Iterator[Setup]:
    """The partner's inbox in manual-ack mode, to have the broker redeliver a message."""
    yield from _setup(hub_node, AckMode.MANUAL)


def _any_message(timeout: float = 15.0) -> dict[str, Any]:
    """Keyword arguments of `Partner.wait_for` for any message of the vendor on `.message`."""
    return {"what": "message de l'éditeur", "predicate": lambda r: r.suffix == "message", "timeout": timeout}


def test_a_resend_is_recorded_not_returned_twice(setup: Setup) -> None:
    body, dist_id = setup.vendor_message(objet="dossier", n=1)
    setup.deliver(body)
    setup.deliver(body)
    first = setup.partner.wait_for(SCENARIO, **_any_message())
    assert first is not None and first.view.distribution_id == dist_id
    poll_until(lambda: setup.partner.sweep(SCENARIO) or setup.partner.duplicates, timeout=15,
               what=f"doublon de {dist_id} (vu : {setup.partner.deliveries_of(dist_id)})")
    again = setup.partner.wait_for(SCENARIO, **_any_message(0.5), required=False)
    assert again is None, f"le renvoi a été rendu comme un nouveau message : {again}"
    (dup,) = setup.partner.duplicates
    assert (dup.distribution_id, dup.occurrence, dup.same_body, dup.reacked) == (dist_id, 2, True, False)
    assert not dup.redelivered and "non intégré à nouveau" in dup.describe()
    assert [e.distribution_id for e in setup.exchanged("received")] == [dist_id]
    assert [e.distribution_id for e in setup.exchanged("duplicate")] == [dist_id]
    assert setup.partner.deliveries_of(dist_id) == 2
    with pytest.raises(NothingReceived):
        setup.partner.wait_for(SCENARIO, **_any_message(0.5))


def test_a_resend_of_an_acked_message_gets_its_rc_ref_again(setup: Setup) -> None:
    body, dist_id = setup.vendor_message(objet="dossier", n=2)
    setup.deliver(body)
    assert setup.partner.wait_for(SCENARIO, **_any_message()) is not None
    setup.partner.send(SCENARIO, build_ack(setup.partner.partner_id, setup.vendor_id, dist_id))
    setup.deliver(body)  # the vendor did not see the RC-REF and resends the same distributionID
    poll_until(lambda: setup.partner.sweep(SCENARIO), timeout=15, what=f"renvoi de {dist_id}")
    (dup,) = setup.partner.duplicates
    assert dup.reacked and dup.distribution_id == dist_id
    acks = [json.loads(e.body) for e in setup.exchanged("sent")]
    referenced = [EnvelopeView(env).referenced_id for env in acks]
    assert referenced == [dist_id, dist_id], acks  # the original ack, then the one for the resend
    assert len({EnvelopeView(env).distribution_id for env in acks}) == 2  # each RC-REF has its own id
    assert setup.partner.sweep(SCENARIO) == []  # classified once: no third RC-REF
    assert len(setup.exchanged("sent")) == 2


def test_a_new_distribution_id_with_the_same_content_is_a_new_message(setup: Setup) -> None:
    body1, id1 = setup.vendor_message(objet="même contenu")
    body2, id2 = setup.vendor_message(objet="même contenu")
    assert id1 != id2
    setup.deliver(body1)
    setup.deliver(body2)
    got = [setup.partner.wait_for(SCENARIO, **_any_message()) for _ in range(2)]
    assert [r.view.distribution_id for r in got if r] == [id1, id2]
    assert setup.partner.duplicates == []


def test_a_vendor_rc_ref_delivered_twice_is_not_re_acked(setup: Setup) -> None:
    ours = f"{setup.partner.partner_id}_{uuid.uuid4()}"
    body, _ = encode(build_ack(setup.vendor_id, setup.partner.partner_id, ours), "json")
    setup.deliver(body, "ack")
    setup.deliver(body, "ack")
    found = setup.partner.wait_for(SCENARIO, "RC-REF", lambda r: r.view.referenced_id == ours, 15)
    assert found is not None
    ack_id = found.view.distribution_id
    poll_until(lambda: setup.partner.sweep(SCENARIO), timeout=15, what="RC-REF reçu deux fois")
    (dup,) = setup.partner.duplicates
    assert dup.distribution_id == ack_id and dup.queue.endswith(".ack") and not dup.reacked
    assert setup.exchanged("sent") == []  # acks are never acked


def test_a_broker_redelivery_is_a_duplicate_flagged_redelivered(manual_setup: Setup) -> None:
    setup = manual_setup
    body, dist_id = setup.vendor_message(objet="relivraison")
    setup.deliver(body)
    first = setup.partner.inbox.wait_for(timeout=15, take=False)
    assert first is not None
    setup.partner.inbox.nack(first, requeue=True)  # the broker delivers it again, flagged
    poll_until(lambda: setup.partner.sweep(SCENARIO), timeout=15, what="relivraison par le broker")
    (dup,) = setup.partner.duplicates
    assert dup.distribution_id == dist_id and dup.redelivered and "relivraison" in dup.describe()
    got = setup.partner.wait_for(SCENARIO, **_any_message())
    assert got is not None and got.body == body
    assert setup.partner.wait_for(SCENARIO, **_any_message(0.5), required=False) is None
