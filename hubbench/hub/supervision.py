"""Lazy link to `hubbench.hub.dispatcher.supervisor` (written by the dispatcher room).

While that module does not exist, the hub runs without a dispatcher and reports it as absent.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from hubbench.home import BenchHome
from hubbench.hub.settings import HubSettings

SUPERVISOR = "hubbench.hub.dispatcher.supervisor"
ABSENT: dict[str, Any] = {"state": "absent", "running": False, "ready": False}


def _supervisor() -> ModuleType | None:
    try:
        if importlib.util.find_spec(SUPERVISOR) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(SUPERVISOR)


def start_dispatcher(home: BenchHome, settings: HubSettings) -> dict[str, Any]:
    module = _supervisor()
    if module is None:
        return dict(ABSENT)
    module.start(home, settings)
    return module.health(home)


def stop_dispatcher(home: BenchHome) -> bool:
    module = _supervisor()
    if module is None:
        return False
    module.stop(home)
    return True


def dispatcher_health(home: BenchHome) -> dict[str, Any]:
    module = _supervisor()
    return dict(ABSENT) if module is None else module.health(home)


def describe(health: dict[str, Any]) -> str:
    """One French word or phrase for a health dict (absent / arrêté / en marche, prêt …)."""
    if health.get("state") == "absent":
        return "absent (module dispatcher non installé)"
    if not health.get("running"):
        return "arrêté"
    return "en marche, prêt" if health.get("ready") else "en marche, pas encore prêt"
