"""Where a running `hubbench run` publishes its prompt API: a 0600 JSON file in the bench home.

One file per (client id, vhost) under `<home>/prompt-api/`: {"run_id", "url", "token", "pid"}. The run
writes it when its API starts and removes it when the run ends; a driver on the same machine (the
reference vendors, a vendor's CI) reads it to find the run's URL and bearer token.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

DIR_NAME = "prompt-api"


@dataclass(frozen=True)
class Endpoint:
    run_id: str
    url: str  # http://127.0.0.1:PORT
    token: str


def endpoint_file(home_root: Path, client_id: str, vhost: str) -> Path:
    return home_root / DIR_NAME / f"{client_id}@{vhost}.json"


def publish_endpoint(path: Path, endpoint: Endpoint) -> None:
    """Write the endpoint atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"run_id": endpoint.run_id, "url": endpoint.url, "token": endpoint.token,
                   "pid": os.getpid()}, out)
    os.replace(tmp, path)


def read_endpoint(path: Path) -> Endpoint | None:
    """The endpoint in `path`, or None when absent or unreadable (no run, or one being written)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Endpoint(str(data["run_id"]), str(data["url"]), str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def withdraw_endpoint(path: Path, run_id: str) -> None:
    """Remove `path` if it still names `run_id` (a later run may have replaced it)."""
    current = read_endpoint(path)
    if current is not None and current.run_id == run_id:
        with contextlib.suppress(OSError):
            path.unlink()
