"""The reference vendor against the real TLS node: consumption, settling, replies, reconnection, prompts.

Deliveries are injected with the dispatcher's certificate straight into the vendor's queues (so no
dispatcher process is needed); what the vendor does is read from the broker (management API) and
from the vendor's own log and counters.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.prompt_api import FakeRun

from hubbench.protocol.envelope import build_ack, build_message, custom_content_use_case
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import get_profile

pytestmark = pytest.mark.broker
PARTNER = "fr.health.samubanc1"


def _until(predicate: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll `predicate` until truthy (bounded generously: the machine is shared); its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


@pytest.fixture
def vendor_of(hub_node: Any) -> Iterator[Callable[[str], tuple[str, VendorThread]]]:
    started: list[VendorThread] = []

    def start(profile: str) -> tuple[str, VendorThread]:
        client_id = hub_node.unique_id()
        hub_node.add_client(client_id, vhosts=[hub_node.vhost])
        thread = VendorThread(build_vendor(hub_node.home, client_id, get_profile(profile),
                                           vhost=hub_node.vhost, settings=hub_node.settings)).start()
        started.append(thread)
        return client_id, thread

    yield start
    for thread in started:
        thread.stop()


def _inject(hub_node: Any, client_id: str, suffix: str, body: bytes | dict) -> None:
    payload = json.dumps(body).encode() if isinstance(body, dict) else body
    assert hub_node.dispatcher_client().publish(payload, exchange="distribution",
                                                routing_key=f"{client_id}.{suffix}")


def _queue(hub_node: Any, name: str) -> dict[str, Any]:
    return hub_node.api.queue(hub_node.vhost, name) or {}


def test_conforme_settles_every_delivery_and_acknowledges_messages(hub_node: Any, vendor_of) -> None:
    client_id, thread = vendor_of("conforme")
    vendor = thread.vendor
    message = build_message(PARTNER, client_id, custom_content_use_case(texte="essai"))
    _inject(hub_node, client_id, "message", message)
    _inject(hub_node, client_id, "message", b"{pas du json")
    _inject(hub_node, client_id, "ack", build_ack(PARTNER, client_id, f"{client_id}_1"))
    # When a dispatcher runs on the shared test node (other tests), the RC-REF the vendor sends to the
    # unregistered PARTNER comes back as a hub error on its .info, which it acks too: at least 2 acks.
    settled = vendor.stats.settled
    assert _until(lambda: settled["ack"] >= 2 and settled["reject"] == 1), vendor.stats
    assert settled["requeue"] == 0 and settled["keep"] == 0, vendor.stats
    assert vendor.stats.rc_refs_sent == 1 and message["distributionID"] in vendor.state.integrated
    # Management statistics lag (collect_statistics_interval), and a hub error may still be on its way
    # to .info: poll until the three queues are drained and consumed, then show them if they never are.
    names = [f"{client_id}.{suffix}" for suffix in ("message", "ack", "info")]

    def drained() -> bool:
        queues = [_queue(hub_node, name) for name in names]
        return all(q.get("consumers") == 1 and q.get("messages_unacknowledged") == 0
                   and q.get("messages_ready") == 0 for q in queues)

    assert _until(drained), {name: _queue(hub_node, name) for name in names}


def test_sans_ack_keeps_deliveries_unacked(hub_node: Any, vendor_of) -> None:
    client_id, thread = vendor_of("sans-ack")
    _inject(hub_node, client_id, "message", build_message(PARTNER, client_id, custom_content_use_case()))
    assert _until(lambda: _queue(hub_node, f"{client_id}.message").get("messages_unacknowledged") == 1)
    # the statistics may show the delivery before the vendor's confirmed RC-REF publish has returned
    assert _until(lambda: thread.vendor.stats.rc_refs_sent == 1), thread.vendor.stats


def test_vendor_reconnects_after_a_forced_close(hub_node: Any, vendor_of) -> None:
    client_id, thread = vendor_of("conforme")
    named = _until(lambda: [c for c in hub_node.api.connections() if c.get("user") == client_id])
    for connection in named:
        hub_node.api.close_connection(connection["name"], "test de reconnexion")
    assert _until(lambda: thread.vendor.stats.connections == 2 and thread.vendor.connected.is_set())
    assert any("connexion perdue" in entry.text for entry in thread.vendor.log)


def test_prompts_are_performed_once(hub_node: Any, vendor_of) -> None:
    client_id, thread = vendor_of("conforme")
    run = FakeRun(hub_node.home.root, client_id, hub_node.vhost, f"run-sim-{client_id}")
    run.show("restart_client", deadline_in_s=300, down_s=0.5)
    assert _until(lambda: thread.vendor.stats.connections == 2 and thread.vendor.connected.is_set())
    run.show("send_message", deadline_in_s=300, recipient=PARTNER, count=2)
    stats = thread.vendor.stats
    assert _until(lambda: stats.messages_sent == 2 and stats.prompts_done == 2), stats
    # each prompt is reported done once, through the API (the prompts stay open: never performed twice)
    assert _until(lambda: all(p["report"] for p in run.feed.prompts()))
    assert (thread.vendor.stats.prompts_done, thread.vendor.stats.messages_sent) == (2, 2)
    run.close()
