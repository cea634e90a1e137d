"""Crash safety, short form (the 10 000-message run is bench/reliability.py): kill -9 of the dispatcher
while messages flow loses nothing; a memory alarm blocks publishers, then traffic resumes."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from chaos import alarms, kill_dispatcher, kill_worker, memory_alarm
from support.hub import HubFixture

from hubbench.hub.management import poll_until
from hubbench.protocol import build_message, custom_content_use_case
from hubbench.transport.client import Inbox

pytestmark = pytest.mark.broker
WAIT_S = 180.0  # bound of each wait for recovery or delivery: generous, the machine is shared and loaded


def _collect(inbox: Inbox, expected: set[str], timeout: float) -> Counter[str]:
    seen: Counter[str] = Counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not expected <= set(seen):
        delivery = inbox.wait_for(lambda d: d.kind == "message", 1.0)
        if delivery is not None and isinstance(delivery.json, dict):
            seen[delivery.json["distributionID"]] += 1
    return seen


def test_kill_9_of_worker_and_whole_dispatcher_while_messages_flow(live_hub: HubFixture) -> None:
    hub = live_hub
    a, b = hub.new_clients(2)
    sender = hub.client(a)
    sent: list[str] = []
    with hub.client(b).inbox([f"{b}.message"]) as inbox:
        for index in range(300):
            env = build_message(a, b, custom_content_use_case(text=f"message {index}"))
            assert sender.publish(env)
            sent.append(env["distributionID"])
            if index == 100:
                kill_worker(hub.home)  # the supervisor restarts it
            elif index == 200:
                kill_dispatcher(hub.home, hub.settings)  # supervisor and workers at once, then started
        seen = _collect(inbox, set(sent), timeout=WAIT_S)
    assert set(sent) - set(seen) == set(), "messages perdus"
    assert set(seen) <= set(sent)
    duplicates = sum(count - 1 for count in seen.values())
    assert duplicates <= 2 * 200  # at most the prefetch window of each killed worker is redelivered


def test_memory_alarm_blocks_publishers_then_traffic_resumes(live_hub: HubFixture) -> None:
    hub = live_hub
    a, b = hub.new_clients(2)
    sender = hub.client(a)
    env = build_message(a, b, custom_content_use_case(text="pendant l'alarme"))
    published = threading.Event()
    with hub.client(b).inbox([f"{b}.message"]) as inbox:
        sender.connect()
        memory_alarm(hub.node, True)
        try:
            poll_until(lambda: alarms(hub.node)["mem_alarm"], timeout=WAIT_S, what="alarme mémoire")

            def publish() -> None:
                if sender.publish(env):
                    published.set()

            thread = threading.Thread(target=publish, daemon=True)
            thread.start()
            assert not published.wait(3.0), "publication confirmée malgré l'alarme mémoire"
        finally:
            memory_alarm(hub.node, False)
        poll_until(lambda: not alarms(hub.node)["mem_alarm"], timeout=WAIT_S, what="fin de l'alarme")
        assert published.wait(WAIT_S), "la publication n'a pas repris après l'alarme"
        thread.join(5)
        got = inbox.wait_for(lambda d: d.kind == "message", WAIT_S)
    assert got is not None and got.json["distributionID"] == env["distributionID"]
