"""The fixtures every test folder may use (registered by tests/conftest.py).

- `hub_node` (session): ONE real private RabbitMQ node over TLS for every broker test (support/hub.py).
  It does not start the dispatcher. Use unique client ids per test (`hub.unique_id()`): the node is
  shared by the whole session.
- `dispatcher` (session): the real dispatcher on `hub_node` (support/dispatcher.py), started by the first
  test that needs it and stopped at the end of the session.
- `live_hub` (module): `hub_node` with its dispatcher running and the run environment set for the module
  (`HUBBENCH_HOME` = the node's home, `HUBBENCH_PACK_SOURCE` = the official models).
- `pack3`, `val3`, `material3` (session): the official pack of the 3.x line (support/official.py), its
  validator and its material (examples, test cases).
- `free_ports`: factory `free_ports(n)` → n free ports (for tests that start their own node).

Tests that use the node are marked `@pytest.mark.broker`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from hubbench.cases.material import PackMaterial, material_for
from hubbench.protocol.packs import SchemaPack
from hubbench.protocol.validator import PackValidator, validator_for
from support.dispatcher import Dispatcher, dispatcher_for, run_environment
from support.hub import HubFixture, open_hub, pick_free_ports
from support.official import official_pack


@pytest.fixture()
def free_ports() -> Callable[[int], list[int]]:
    return pick_free_ports


@pytest.fixture(scope="session")
def hub_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    with open_hub(tmp_path_factory.mktemp("hubhome")) as hub:
        yield hub


@pytest.fixture(scope="session")
def dispatcher(hub_node: HubFixture) -> Iterator[Dispatcher]:
    with dispatcher_for(hub_node) as running:
        yield running


@pytest.fixture(scope="module")
def live_hub(dispatcher: Dispatcher) -> Iterator[HubFixture]:
    dispatcher.start()  # a test of an earlier module may have stopped it
    with run_environment(dispatcher.hub) as hub:
        yield hub


@pytest.fixture(scope="session")
def pack3() -> SchemaPack:
    return official_pack("3")


@pytest.fixture(scope="session")
def val3(pack3: SchemaPack) -> PackValidator:
    return validator_for(pack3)


@pytest.fixture(scope="session")
def material3(pack3: SchemaPack) -> PackMaterial:
    return material_for(pack3)
