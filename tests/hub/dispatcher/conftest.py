"""Dispatcher fixtures: the real dispatcher (supervisor + worker processes) on top of `hub_node`.

Packs come from `../shared/hubsante-models` (HUBBENCH_PACK_SOURCE, inherited by the dispatcher process).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from dispatch_helpers import SHARED

from hubbench.home import PACK_SOURCE_ENV
from hubbench.hub.dispatcher import supervisor
from hubbench.protocol.packs import SchemaPack, load_pack


@dataclass
class Dispatcher:
    hub: object  # tests/conftest.py HubFixture
    pack: SchemaPack

    def restart(self) -> dict:
        supervisor.stop(self.hub.home)  # type: ignore[attr-defined]
        return supervisor.start(self.hub.home, self.hub.settings)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def dispatcher(hub_node: object) -> Iterator[Dispatcher]:
    source = SHARED / "hubsante-models"
    if not source.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"official models missing in CI: {source}")
        pytest.skip(f"official models absent: {source}")
    previous = os.environ.get(PACK_SOURCE_ENV)
    os.environ[PACK_SOURCE_ENV] = str(source.resolve())
    home, settings = hub_node.home, hub_node.settings  # type: ignore[attr-defined]
    try:
        supervisor.start(home, settings)
        yield Dispatcher(hub_node, load_pack(vhost=settings.vhosts[0], home=home))
    finally:
        supervisor.stop(home)
        if previous is None:
            os.environ.pop(PACK_SOURCE_ENV, None)
        else:
            os.environ[PACK_SOURCE_ENV] = previous
