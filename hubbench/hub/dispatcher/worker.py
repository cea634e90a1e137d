"""One dispatcher worker process: builds the service from the bench home and runs it until SIGTERM.

It reads the settings the supervisor saved, the `dispatcher` certificate, the vhost → pack map
(`packs.load_pack(vhost=…)`), and the clients' XML preferences (`ClientRegistry.preferences()`, reloaded
when `clients.json` changes). Every second it writes its health file (counters, heartbeat).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from pathlib import Path
from typing import Any

from hubbench.home import BenchHome
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.dispatcher import files
from hubbench.hub.dispatcher.service import DispatcherService, load_validators
from hubbench.hub.pki import DISPATCHER_CN, Pki
from hubbench.hub.settings import HubSettings
from hubbench.protocol import load_pack, vhost_map
from hubbench.results import TraceProcess
from hubbench.transport import ssl_context

log = logging.getLogger(__name__)
HEARTBEAT_S = 1.0


class Preferences:
    """`{client_id: use_xml}` (call) and `{client_id: direct_cisu}` (`direct_cisu()`), re-read when
    `clients.json` changes (mtime + size, checked each second)."""

    def __init__(self, registry: ClientRegistry) -> None:
        self.registry = registry
        self._stamp: tuple[float, int] | None = None
        self._value: dict[str, bool] = {}
        self._direct_cisu: dict[str, bool] = {}
        self.refresh()

    def refresh(self) -> None:
        try:
            stat = self.registry.path.stat()
            stamp = (stat.st_mtime, stat.st_size)
        except OSError:
            stamp = (0.0, 0)
        if stamp != self._stamp:
            try:
                self._value, self._direct_cisu = self.registry.preferences(), self.registry.direct_cisu()
                self._stamp = stamp
            except Exception as exc:  # a half-written file: keep the last good preferences
                log.warning("préférences clients illisibles (%s) : anciennes valeurs conservées", exc)

    def __call__(self) -> dict[str, bool]:
        return self._value

    def direct_cisu(self) -> dict[str, bool]:
        return self._direct_cisu


def build_service(home: BenchHome, settings: HubSettings, options: dict[str, Any], worker: int,
                  preferences: Preferences) -> DispatcherService:
    creds = Pki(home.pki_dir).credentials(DISPATCHER_CN)
    mapping = vhost_map(home)
    validators, provenance = load_validators(list(settings.vhosts), lambda v: load_pack(vhost=v, home=home),
                                             lambda v: mapping.get(v, "?"))
    trace = TraceProcess(home.db_url) if options.get("trace", True) else None
    return DispatcherService(
        # one worker per node on a cluster (`hub up --nodes N`): worker i connects to member i's own port
        host=settings.host, port=settings.member_ports(worker % settings.nodes)["amqps"], vhosts=validators,
        ssl_context=ssl_context(creds),
        preferences=preferences, default_ttl_s=settings.message_ttl_ms / 1000, trace=trace,
        prefetch=int(options.get("prefetch", 200)), worker=worker,
        reserialize=bool(options.get("reserialize", False)), provenance=provenance,
        direct_cisu=preferences.direct_cisu, cisu_conversion=settings.cisu_conversion,
    )


async def _serve(service: DispatcherService, preferences: Preferences, health_file: Path) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.ensure_future(service.run(stop))
    while not runner.done():
        preferences.refresh()
        files.write_json(health_file, {**service.health(), "pid": os.getpid()})
        await asyncio.wait([runner], timeout=HEARTBEAT_S)
    files.write_json(health_file, {**service.health(), "pid": os.getpid(), "stopped": True})
    runner.result()


def run(home: BenchHome, worker: int) -> int:
    saved = json.loads(files.settings_file(home).read_text(encoding="utf-8"))
    raw: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in saved["settings"].items()}
    settings = HubSettings(**raw)
    preferences = Preferences(ClientRegistry(home, settings))
    service = build_service(home, settings, saved.get("options", {}), worker, preferences)
    try:
        asyncio.run(_serve(service, preferences, files.worker_health_file(home, worker)))
    finally:
        if service.trace is not None:
            service.trace.close()
    return 0
