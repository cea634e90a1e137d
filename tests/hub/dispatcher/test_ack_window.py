"""The dispatcher's coalesced acks (`AckWindow`) on the real TLS node: one `multiple` ack never covers a
delivery that is not settled, never names a rejected tag, and what is not acked comes back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import aiormq
import pytest
from support.hub import HubFixture

from hubbench.hub.dispatcher.service import AckWindow
from hubbench.hub.pki import DISPATCHER_CN
from hubbench.transport.tls import ssl_context

pytestmark = pytest.mark.broker
QUEUE = "ack-window"


@pytest.fixture()
def scratch_vhost(hub_node: HubFixture) -> Iterator[str]:
    """A vhost of its own where the dispatcher's certificate may declare a queue (removed afterwards)."""
    api, vhost = hub_node.api, f"ack-window-{uuid.uuid4().hex[:8]}"
    api.put(f"/vhosts/{api.q(vhost)}", {})
    try:
        api.put(f"/permissions/{api.q(vhost)}/{api.q(DISPATCHER_CN)}",
                {"configure": ".*", "write": ".*", "read": ".*"})
        yield vhost
    finally:
        api.delete(f"/vhosts/{api.q(vhost)}", missing_ok=True)


async def _scenario(hub: HubFixture, vhost: str) -> tuple[list[bytes], list[bytes]]:
    s = hub.settings
    url = f"amqps://{s.host}:{s.amqps_port}/{vhost}?auth=external&name=ack-window-test"
    connection = await aiormq.connect(url, context=ssl_context(hub.pki.credentials(DISPATCHER_CN)))
    try:
        channel = await connection.channel(publisher_confirms=True)
        await channel.queue_declare(QUEUE, durable=False)
        for index in range(1, 11):
            await channel.basic_publish(b"m%d" % index, routing_key=QUEUE)
        consumer = await connection.channel()
        await consumer.basic_qos(prefetch_count=10)
        got: dict[int, bytes] = {}
        all_in = asyncio.Event()

        async def on_message(message: Any) -> None:
            got[message.delivery_tag] = message.body
            if len(got) == 10:
                all_in.set()

        consume_ok = await consumer.basic_consume(QUEUE, on_message)
        await asyncio.wait_for(all_in.wait(), 30)
        await consumer.basic_cancel(consume_ok.consumer_tag)  # what is requeued now stays in the queue
        window = AckWindow(consumer)
        window.ack(3)
        window.ack(1)
        await window.reject(2, requeue=False)  # prefix 1–3 settled: one ack multiple on tag 3
        for tag in (5, 6, 7, 8):
            window.ack(tag)  # 4 never settles: nothing above it may be acked
        await window.reject(9, requeue=True)
        await window.reject(1, requeue=True)  # already settled: ignored, not sent (the broker would 406)
        await window.close()
        await consumer.basic_qos(prefetch_count=10)  # a round trip: the channel is still open (no 406)
        await consumer.close()
        back: list[bytes] = []
        while True:
            message = await channel.basic_get(QUEUE, no_ack=True)
            if message.body == b"" and message.delivery_tag is None:
                break
            back.append(message.body)
        return [got[tag] for tag in sorted(got)], back
    finally:
        await connection.close()


def test_multiple_ack_stops_at_the_first_unsettled_delivery(hub_node: HubFixture, scratch_vhost: str) -> None:
    delivered, back = asyncio.run(_scenario(hub_node, scratch_vhost))
    assert delivered == [b"m%d" % i for i in range(1, 11)]
    # acked: 1, 3 (multiple on 3); rejected: 2 (dropped), 9 (requeued); unsettled 4 holds back 5–8
    assert sorted(back) == sorted(b"m%d" % i for i in (4, 5, 6, 7, 8, 9, 10)), back


async def _prefix_ends_on_a_reject(hub: HubFixture, vhost: str) -> list[bytes]:
    s = hub.settings
    url = f"amqps://{s.host}:{s.amqps_port}/{vhost}?auth=external&name=ack-window-test-2"
    connection = await aiormq.connect(url, context=ssl_context(hub.pki.credentials(DISPATCHER_CN)))
    try:
        channel = await connection.channel(publisher_confirms=True)
        await channel.queue_declare(QUEUE, durable=False)
        for index in (1, 2):
            await channel.basic_publish(b"m%d" % index, routing_key=QUEUE)
        consumer = await connection.channel()
        first = await consumer.basic_get(QUEUE)
        second = await consumer.basic_get(QUEUE)
        window = AckWindow(consumer)
        await window.reject(second.delivery_tag, requeue=False)
        window.ack(first.delivery_tag)  # prefix ends on the rejected tag 2: the ack must name tag 1
        await window.close()
        await consumer.basic_qos(prefetch_count=1)  # still open: no "unknown delivery tag"
        await consumer.close()
        left = await channel.basic_get(QUEUE, no_ack=True)
        return [left.body] if left.delivery_tag is not None else []
    finally:
        await connection.close()


def test_multiple_ack_never_names_a_rejected_tag(hub_node: HubFixture, scratch_vhost: str) -> None:
    assert asyncio.run(_prefix_ends_on_a_reject(hub_node, scratch_vhost)) == []
