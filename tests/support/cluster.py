"""The hub as a RabbitMQ cluster of its own (hub/cluster.py) for the tests and bench/cluster.py, and a
traffic pair that counts what a node's death costs.

`open_cluster(root, nodes)` starts `nodes` members on free loopback ports (member i on each port + i ×
`node_port_step`) with quorum queues, and yields a `HubFixture` whose node is member 0 (where vendors and
runs connect) plus the `HubCluster`. `Traffic` publishes persistent messages A → B with publisher
confirms (retrying through faults) and counts B's deliveries by distributionID: lost = confirmed by the
broker, never delivered; duplicates = deliveries beyond the first.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.clients import ClientRegistry, registered_client
from hubbench.hub.cluster import HubCluster
from hubbench.hub.management import ManagementClient
from hubbench.hub.pki import Pki
from hubbench.hub.settings import HubSettings
from hubbench.protocol import build_message, custom_content_use_case
from support.hub import TEST_TTL_MS, HubFixture, pick_free_ports, require_broker, write_hub_config

STEP = 10
VHOST = "15-15_v1.5"


def _cluster_ports(nodes: int) -> tuple[int, int, int]:
    """Base ports whose every member shift is free too."""
    for _ in range(50):
        base = pick_free_ports(3, 20000, 29000)
        wanted = [port + i * STEP for port in base for i in range(nodes)]
        if len(set(wanted)) == len(wanted) and all(procs.port_free("127.0.0.1", p) for p in wanted):
            return base[0], base[1], base[2]
    raise RuntimeError("no free port range for the cluster")


@dataclass
class ClusterFixture:
    hub: HubFixture
    cluster: HubCluster
    killed: list[int] = field(default_factory=list)

    def kill(self, index: int) -> int | None:
        self.killed.append(index)
        return self.cluster.kill(index)


@contextlib.contextmanager
def open_cluster(root: Path, nodes: int = 3, vhosts: tuple[str, ...] = (VHOST,), **settings: Any
                 ) -> Iterator[ClusterFixture]:
    require_broker()
    home = BenchHome(root).ensure()
    for attempt in (1, 2):
        amqps, management, dist = _cluster_ports(nodes)
        chosen = HubSettings(amqps_port=amqps, management_port=management, dist_port=dist, vhosts=vhosts,
                             node_port_step=STEP, **{"message_ttl_ms": TEST_TTL_MS, **settings})
        write_hub_config(home, chosen)
        cluster = HubCluster(home, chosen, nodes)
        try:
            cluster.start()
            break
        except SetupError:
            if attempt == 2:
                raise
    hub = HubFixture(home=home, settings=cluster.members[0].settings, node=cluster.members[0],
                     registry=ClientRegistry(home, cluster.settings), pki=Pki(home.pki_dir),
                     api=ManagementClient.for_home(home, cluster.members[0].settings))
    fixture = ClusterFixture(hub, cluster)
    try:
        yield fixture
    finally:
        hub.close_clients()
        cluster.stop()


class Traffic:
    """`count` messages A → B at `rate`/s, each published until the broker confirms it; B's deliveries
    counted by distributionID (`report()`)."""

    def __init__(self, hub: HubFixture, count: int, rate: float, connect_to: int | None = None,
                 vhost: str = VHOST) -> None:
        self.sender, self.recipient = (f"fr.health.tr{uuid.uuid4().hex[:6]}" for _ in range(2))
        for client in (self.sender, self.recipient):
            hub.registry.add(client, vhosts=[vhost])
        settings = hub.settings if connect_to is None else hub.settings.with_overrides(amqps_port=connect_to)
        self.producer = registered_client(hub.home, settings, self.sender, vhost, f"{self.sender}-producer")
        self.producer.reconnect_attempts = 3
        self.receiver = registered_client(hub.home, settings, self.recipient, vhost, f"{self.recipient}-rx")
        self.inbox = self.receiver.inbox([f"{self.recipient}.message"], max_reconnect_attempts=200)
        self.count, self.rate = count, rate
        self.sent: list[str] = []
        self.seen: Counter[str] = Counter()
        self.retries = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._publish, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        self.started = 0.0

    def start(self) -> Traffic:
        self.started = time.monotonic()
        for thread in self._threads:
            thread.start()
        return self

    def _publish(self) -> None:
        deadline = self.started + 600
        for index in range(self.count):
            time.sleep(max(0.0, self.started + index / self.rate - time.monotonic()))
            env = build_message(self.sender, self.recipient, custom_content_use_case(text=f"n°{index}"))
            while time.monotonic() < deadline and not self._stop.is_set():
                try:
                    if self.producer.publish(env):
                        break
                except Exception:  # a node died under the connection: reconnect and publish again
                    pass
                self.retries += 1
                with contextlib.suppress(Exception):
                    self.producer.close()
                time.sleep(0.3)
            else:
                return
            self.sent.append(env["distributionID"])

    def _read(self) -> None:
        while not self._stop.is_set():
            delivery = self.inbox.wait_for(None, 0.3)
            if delivery is not None and isinstance(delivery.json, dict):
                self.seen[delivery.json.get("distributionID", "?")] += 1

    def publishing(self) -> bool:
        return self._threads[0].is_alive()

    def finish(self, timeout: float = 60.0) -> dict[str, Any]:
        """Wait for the producer, then (bounded) for every confirmed message; the counts."""
        self._threads[0].join(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not set(self.sent) <= set(self.seen):
            time.sleep(0.2)
        self._stop.set()
        self._threads[1].join(5)
        self.inbox.stop()
        for client in (self.producer, self.receiver):
            with contextlib.suppress(Exception):
                client.close()
        return self.report()

    def report(self) -> dict[str, Any]:
        sent = set(self.sent)
        return {"sent": len(sent), "lost": len(sent - set(self.seen)),
                "duplicates": sum(n - 1 for n in self.seen.values()),
                "strangers": len(set(self.seen) - sent), "producer_retries": self.retries,
                "seconds": round(time.monotonic() - self.started, 1)}
