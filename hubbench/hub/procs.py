"""Process and port helpers for the private node (Linux /proc; zombies count as gone), and for the
children a foreground command starts (Streamlit, `hubbench run` campaigns): stopped with SIGTERM, then
SIGKILL after a grace period, whether the command got Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

CHILD_GRACE_S = 15.0


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm is in parentheses and may contain spaces: split after the last ')'
    return raw[raw.rindex(")") + 2 :].split()


def alive(pid: int | None) -> bool:
    """True when the process exists and is neither a zombie nor dead."""
    if not pid:
        return False
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _live_where(field: int, value: int) -> list[int]:
    """Live processes whose /proc/<pid>/stat field `field`, counted from the state (0 = state, 1 = parent,
    3 = session), is `value`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and fields[0] not in ("Z", "X") and int(fields[field]) == value:
            found.append(int(entry.name))
    return found


def session_members(sid: int) -> list[int]:
    """Live processes whose session id is `sid` (our node runs in its own session)."""
    return _live_where(3, sid)


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    return _live_where(1, pid)


def pids_named(comm: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if name == comm and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def signal_pids(pids: Iterable[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def wait_gone(pids: Iterable[int], timeout: float) -> bool:
    pending = list(pids)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        pending = [p for p in pending if alive(p)]
        if pending:
            time.sleep(0.1)
    return not [p for p in pending if alive(p)]


def port_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port (bind test with SO_REUSEADDR, like the broker)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_ports_free(host: str, ports: Iterable[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    ports = list(ports)
    while time.monotonic() < deadline:
        if all(port_free(host, p) for p in ports):
            return True
        time.sleep(0.2)
    return all(port_free(host, p) for p in ports)


def stop_child(process: subprocess.Popen[Any], grace_s: float = CHILD_GRACE_S) -> None:
    """SIGTERM, then SIGKILL when the child is still there after `grace_s`; reaps it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def run_foreground(command: Sequence[str], *, grace_s: float = CHILD_GRACE_S, **popen: Any) -> int:
    """Run a child until it exits; interrupted (Ctrl-C, or SIGTERM turned into KeyboardInterrupt by the
    CLI), stop the child before re-raising, so nothing is left on its port."""
    process = subprocess.Popen(list(command), **popen)
    try:
        return process.wait()
    except BaseException:
        stop_child(process, grace_s)
        raise


class ChildGroup:
    """Children started from worker threads (a campaign's runs), all stopped at once on interruption."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[Any]] = set()
        self.stopping = False

    def run(self, command: Sequence[str], *, timeout: float, **popen: Any) -> int | None:
        """The child's exit code; None when it outlived `timeout` (killed) or the group is stopping."""
        with self._lock:
            if self.stopping:
                return None
            process = subprocess.Popen(list(command), **popen)
            self._running.add(process)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_child(process, 0)
            return None
        finally:
            with self._lock:
                self._running.discard(process)

    def pids(self) -> list[int]:
        with self._lock:
            return [process.pid for process in self._running]

    def stop_all(self, grace_s: float = CHILD_GRACE_S) -> None:
        with self._lock:
            self.stopping = True
            running = list(self._running)
        for process in running:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + grace_s
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
