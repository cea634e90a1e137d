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


def describe(health: dict[str, Any]) -> str:
    """One French word or phrase for a health dict (arrêté / en marche, prêt …)."""
    if not health.get("running"):
        return "arrêté"
    return "en marche, prêt" if health.get("ready") else "en marche, pas encore prêt"
