"""Fixtures of the reliability tests: the real dispatcher on the session's hub node (tests/conftest.py).

`live_dispatcher` starts the dispatcher unless it already runs (the dispatcher tests may have started it
for the session) and stops it only if it started it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hub_support import HubFixture
from reliability_support import SHARED, official_pack

from hubbench.home import PACK_SOURCE_ENV
from hubbench.hub.dispatcher import supervisor


@pytest.fixture()
def live_dispatcher(hub_node: HubFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubFixture]:
    official_pack()
    monkeypatch.setenv(PACK_SOURCE_ENV, str(SHARED.resolve()))
    already = supervisor.health(hub_node.home)["running"]
    supervisor.start(hub_node.home, hub_node.settings)
    try:
        yield hub_node
    finally:
        if not already:
            supervisor.stop(hub_node.home)
