"""Where the dispatcher keeps its state under the bench home (`<home>/dispatcher/`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hubbench.home import BenchHome


def state_dir(home: BenchHome) -> Path:
    return home.root / "dispatcher"


def pid_file(home: BenchHome) -> Path:
    return state_dir(home) / "dispatcher.pid"


def log_file(home: BenchHome) -> Path:
    return state_dir(home) / "dispatcher.log"


def settings_file(home: BenchHome) -> Path:
    return state_dir(home) / "settings.json"


def supervisor_file(home: BenchHome) -> Path:
    return state_dir(home) / "supervisor.json"


def worker_health_file(home: BenchHome, worker: int) -> Path:
    return state_dir(home) / f"worker-{worker}.json"


def write_json(path: Path, data: Any) -> None:
    """Atomic write (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
