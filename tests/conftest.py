"""Shared fixtures of the whole suite.

`hub_node` (session): ONE real private RabbitMQ node over TLS for every broker test, started in a
temporary bench home on free random ports (never 5671/5672/15672/25672) with a short client-queue TTL
(5000 ms, like the official integration tests:
`ansforge/SAMU-Hub-Sante` `hub/dispatcher/src/test/resources/config/definitions.json`). It does NOT start the
dispatcher: the dispatcher's tests add it on top (`hubbench.hub.dispatcher.supervisor.start(hub.home,
hub.settings)`). The home's `config.toml` carries the same settings, so a subprocess (`hubbench …` with
`HUBBENCH_HOME=hub.home.root`, or the dispatcher) sees the same hub.

Tests that use it are marked `@pytest.mark.broker`. Without RabbitMQ the broker tests are skipped
locally and FAIL when the environment variable CI is set.

Use unique client ids per test (`hub.unique_id()`): the node is shared by the whole session.

Hypothesis runs without a per-example deadline and without the "too slow" health check: the machine
is shared (2 cores, load average above 10 at times), so timing says nothing about the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis
import pytest
from hub_support import HubFixture, pick_free_ports, require_broker, start_node

from hubbench.home import BenchHome
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.management import ManagementClient
from hubbench.hub.pki import Pki

hypothesis.settings.register_profile(
    "hubbench", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("hubbench")


@pytest.fixture()
def free_ports() -> Callable[[int], list[int]]:
    """Factory: `free_ports(n)` → n free ports (for tests that start their own node)."""
    return pick_free_ports


@pytest.fixture(scope="session")
def hub_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    require_broker()
    root: Path = tmp_path_factory.mktemp("hubhome")
    home = BenchHome(root).ensure()
    settings, node = start_node(home)
    fixture = HubFixture(home=home, settings=settings, node=node,
                         registry=ClientRegistry(home, settings), pki=Pki(home.pki_dir),
                         api=ManagementClient.for_home(home, settings))
    try:
        yield fixture
    finally:
        fixture.close_clients()
        node.stop()
