"""A private RabbitMQ node over TLS for the broker tests, in a bench home of their own.

`open_hub(root)` starts one on free random ports (never 5671/5672/15672/25672) with a short client-queue
TTL (5000 ms, like the official integration tests: `ansforge/SAMU-Hub-Sante`
`hub/dispatcher/src/test/resources/config/definitions.json`) and yields a `HubFixture`; the session
fixture `hub_node` (tests/support/fixtures.py) is one of them. The home's `config.toml` carries the same
settings, so a subprocess (`hubbench …` with `HUBBENCH_HOME=hub.home.root`, or the dispatcher) sees the
same hub. Without RabbitMQ, broker tests skip locally and FAIL under CI.
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.clients import ClientEntry, ClientRegistry, registered_client
from hubbench.hub.management import ManagementClient
from hubbench.hub.node import HubNode, broker_bin
from hubbench.hub.pki import DISPATCHER_CN, Pki
from hubbench.hub.settings import HubSettings
from hubbench.transport.client import HubClient
from support.ci import skip_or_fail

TEST_TTL_MS = 5000
RESERVED_PORTS = {4369, 5671, 5672, 15671, 15672, 25672}


def pick_free_ports(count: int, low: int = 10000, high: int = 19999) -> list[int]:
    """`count` distinct ports free on 127.0.0.1, outside the reserved ones (bounded tries)."""
    chosen: list[int] = []
    for _ in range(2000):
        port = random.randint(low, high)
        if port in RESERVED_PORTS or port in chosen or not procs.port_free("127.0.0.1", port):
            continue
        chosen.append(port)
        if len(chosen) == count:
            return chosen
    raise RuntimeError("no free ports found")


def write_hub_config(home: BenchHome, settings: HubSettings) -> None:
    """Persist `settings` as `[hub]` of the home's config.toml (for subprocesses)."""
    vhosts = ", ".join(f'"{v}"' for v in settings.vhosts)
    home.ensure().config_file.write_text(
        "[hub]\n"
        f"amqps_port = {settings.amqps_port}\n"
        f"management_port = {settings.management_port}\n"
        f"dist_port = {settings.dist_port}\n"
        f"message_ttl_ms = {settings.message_ttl_ms}\n"
        f"dispatcher_workers = {settings.dispatcher_workers}\n"
        f"vhosts = [{vhosts}]\n"
        + "".join(f"{key} = [{', '.join(repr(v) for v in getattr(settings, key))}]\n"
                  for key in ("listen", "public_names") if getattr(settings, key)),
        encoding="utf-8",
    )


def start_node(home: BenchHome, **settings: Any) -> tuple[HubSettings, HubNode]:
    """Start a private node of `home` on free random ports (`settings`: other `HubSettings` fields).

    Between the pick and RabbitMQ's own bind another process (another test session on the machine)
    may take a port: the node then fails to boot and gets new ports, once. Any other failure is raised.
    """
    for attempt in (1, 2):
        amqps, management, dist = pick_free_ports(3)
        chosen = HubSettings(amqps_port=amqps, management_port=management, dist_port=dist,
                             message_ttl_ms=TEST_TTL_MS, **settings)
        write_hub_config(home, chosen)
        node = HubNode(home, chosen)
        try:
            node.start()
        except SetupError:
            taken = [p for p in chosen.ports.values() if not procs.port_free(chosen.host, p)]
            if attempt == 2 or not taken:
                raise
            continue
        return chosen, node
    raise AssertionError("unreachable")  # pragma: no cover


def poll(condition: Callable[[], bool], timeout: float) -> bool:
    """True as soon as `condition()` holds, False when it still does not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def node_processes(home: Path) -> list[int]:
    """Live processes of the node of the bench home at `home` (beam, epmd children, shells)."""
    marker = str(home / "node" / "home")
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and procs.alive(int(p.name)) and marker in procs.cmdline(int(p.name))]


def require_broker() -> None:
    """Skip (locally) or fail (CI) when RabbitMQ is not installed."""
    if not (broker_bin() / "rabbitmq-server").exists():
        skip_or_fail(f"RabbitMQ absent ({broker_bin()}/rabbitmq-server) : apt-get install rabbitmq-server")


@dataclass
class HubFixture:
    """A running hub node and everything needed to talk to it."""

    home: BenchHome
    settings: HubSettings
    node: HubNode
    registry: ClientRegistry
    pki: Pki
    api: ManagementClient
    _clients: list[HubClient] = field(default_factory=list)

    @property
    def vhost(self) -> str:
        """The default vhost (first of the settings, `15-15_v1.5`)."""
        return self.settings.vhosts[0]

    @staticmethod
    def unique_id(prefix: str = "fr.health.test") -> str:
        return f"{prefix}.t{uuid.uuid4().hex[:10]}"

    def add_client(
        self, client_id: str | None = None, vhosts: Sequence[str] | None = None, use_xml: bool = False
    ) -> ClientEntry:
        """Register a client live (all vhosts unless `vhosts` is given)."""
        return self.registry.add(client_id or self.unique_id(), vhosts=vhosts, use_xml=use_xml)

    def new_clients(self, count: int) -> list[str]:
        """`count` fresh client ids, registered live on every vhost."""
        return [self.add_client().client_id for _ in range(count)]

    def client(
        self, client_id: str, vhost: str | None = None, connection_name: str | None = None
    ) -> HubClient:
        """A `HubClient` for `client_id` (registered first if unknown); closed at session end."""
        entry = self.registry.get(client_id)
        if entry is None or entry.revoked:
            self.registry.add(client_id)
        hub_client = registered_client(self.home, self.settings, client_id, vhost or self.vhost,
                                          connection_name)
        self._clients.append(hub_client)
        return hub_client

    def dispatcher_client(self, vhost: str | None = None, connection_name: str = "dispatcher") -> HubClient:
        """A client with the dispatcher's certificate (reads dispatch*, writes distribution)."""
        hub_client = HubClient(DISPATCHER_CN, self.pki.credentials(DISPATCHER_CN), self.settings.host,
                               self.settings.amqps_port, vhost or self.vhost, connection_name,
                               server_hostname=self.settings.server_hostname)
        self._clients.append(hub_client)
        return hub_client

    def close_clients(self) -> None:
        for hub_client in self._clients:
            hub_client.close()
        self._clients.clear()


@contextlib.contextmanager
def open_hub(root: Path, **settings: Any) -> Iterator[HubFixture]:
    """A node of its own in the bench home `root` (`settings`: other `HubSettings` fields), then stopped."""
    require_broker()
    home = BenchHome(root).ensure()
    chosen, node = start_node(home, **settings)
    hub = HubFixture(home=home, settings=chosen, node=node, registry=ClientRegistry(home, chosen),
                     pki=Pki(home.pki_dir), api=ManagementClient.for_home(home, chosen))
    try:
        yield hub
    finally:
        hub.close_clients()
        node.stop()
