"""The real dispatcher (supervisor + worker processes) on a test node, fed with the official models.

`dispatcher_for(hub)` starts it (the official models guarded, see support/official.py) and stops it on
exit; the session fixture `dispatcher` (support/fixtures.py) is one of them on `hub_node`. Every start —
the first, `restart()`, a test's own after a kill — gets the run environment: `HUBBENCH_PACK_SOURCE` =
the official models, `HUBBENCH_HOME` = the node's bench home.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from hubbench.home import HOME_ENV, PACK_SOURCE_ENV
from hubbench.hub.dispatcher import supervisor
from hubbench.hub.settings import HubSettings
from hubbench.protocol.packs import SchemaPack, load_pack
from support.hub import HubFixture
from support.official import LINE_DIRS, MODELS, line_dir


def run_env(hub: HubFixture) -> dict[str, str]:
    """The variables of a run against `hub`: its bench home and the official models as pack source."""
    return {PACK_SOURCE_ENV: str(MODELS), HOME_ENV: str(hub.home.root)}


def process_env(hub: HubFixture) -> dict[str, str]:
    """This process's environment plus `run_env(hub)`: for a subprocess (`hubbench run`, a run script)."""
    return {**os.environ, **run_env(hub)}


@contextlib.contextmanager
def run_environment(hub: HubFixture) -> Iterator[HubFixture]:
    """`run_env(hub)` set in this process for the block (simulators and in-process runs read it)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in run_env(hub).items():
            patch.setenv(key, value)
        yield hub


@dataclass
class Dispatcher:
    """The dispatcher of one node; `pack` is the pack of the node's default vhost."""

    hub: HubFixture

    def start(self, settings: HubSettings | None = None, **options: Any) -> dict[str, Any]:
        """Start it unless it runs (with `settings`, by default the node's; `options`: prefetch,
        reserialize, trace) and wait until it serves every vhost."""
        with run_environment(self.hub):
            return supervisor.start(self.hub.home, settings or self.hub.settings, **options)

    def stop(self) -> bool:
        return supervisor.stop(self.hub.home)

    def restart(self) -> dict[str, Any]:
        self.stop()
        return self.start()

    @functools.cached_property
    def pack(self) -> SchemaPack:
        with run_environment(self.hub):
            return load_pack(vhost=self.hub.vhost, home=self.hub.home)


@contextlib.contextmanager
def dispatcher_for(hub: HubFixture) -> Iterator[Dispatcher]:
    """The dispatcher running on `hub` for the block (official models required), stopped on exit."""
    for line in LINE_DIRS:  # the default vhosts span the three model lines
        line_dir(line)
    dispatcher = Dispatcher(hub)
    try:
        dispatcher.start()
        yield dispatcher
    finally:
        dispatcher.stop()
