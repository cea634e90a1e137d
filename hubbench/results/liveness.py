"""Is the process that started a run still alive? (pid plus start time, so a reused pid is not taken
for the original process)."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def host_name() -> str:
    return socket.gethostname()


def process_token(pid: int) -> str | None:
    """The process start time (clock ticks since boot) on Linux; None where /proc is unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None  # field 22 of proc(5); fields[0] is field 3


def process_alive(pid: int, token: str | None) -> bool:
    if token is not None and Path("/proc/self/stat").exists():
        return process_token(pid) == token
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
