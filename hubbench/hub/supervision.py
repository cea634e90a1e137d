"""The hub's view of its dispatcher: start, stop and health through `hub.dispatcher.supervisor`,
plus the French word the CLI shows for a health snapshot."""

from __future__ import annotations

from typing import Any

from hubbench.home import BenchHome
from hubbench.hub.dispatcher import supervisor
from hubbench.hub.settings import HubSettings


def start_dispatcher(home: BenchHome, settings: HubSettings) -> dict[str, Any]:
    supervisor.start(home, settings)
    return supervisor.health(home)


def stop_dispatcher(home: BenchHome) -> bool:
    return supervisor.stop(home)


def dispatcher_health(home: BenchHome) -> dict[str, Any]:
    return supervisor.health(home)


def vhost_packs(home: BenchHome, health: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Vhost → the pack its dispatcher validates with (tag, source, checksum, provisional and why) plus
    `assumed` (the vhost name is an assumption); empty while no worker has reported."""
    from hubbench.protocol import is_assumed

    found: dict[str, dict[str, Any]] = {}
    for worker in health.get("workers", []):
        for vhost, provenance in (worker.get("provenance") or {}).items():
            found.setdefault(vhost, {**provenance, "assumed": is_assumed(vhost, home)})
    return dict(sorted(found.items()))


def pack_warnings(packs: dict[str, dict[str, Any]]) -> list[str]:
    """One loud French line per vhost whose verdicts would be provisional, or that has no pack at all."""
    from hubbench.protocol import Provenance

    lines = []
    for vhost, data in packs.items():
        provenance = Provenance.from_json({**data, "vhost": vhost})
        if provenance is not None and provenance.warning_fr:
            lines.append(provenance.warning_fr)
    return lines


def describe(health: dict[str, Any]) -> str:
    """One French word or phrase for a health dict (arrêté / en marche, prêt …)."""
    if not health.get("running"):
        return "arrêté"
    return "en marche, prêt" if health.get("ready") else "en marche, pas encore prêt"
