"""Start, stop and watch the dispatcher: a detached process that supervises its worker processes.

`start(home, settings)` spawns `python -m hubbench.hub.dispatcher --home <home>` in its own session,
with its pid file and log under `<home>/dispatcher/`, and waits until every worker is connected to
every vhost. That process runs `settings.dispatcher_workers` workers (`--worker i`, competing consumers
on the same queues) and restarts one that dies, with a bounded exponential back-off (1 s … 30 s; the
delay resets after a minute of good health). `stop(home)` sends SIGTERM (workers finish their
in-flight messages; anything unacked is redelivered by the broker) and waits until no process is left.
`health(home)` → `{running, pid, started_at, vhosts, counters, last_heartbeat, workers, restarts}`.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.dispatcher import files
from hubbench.hub.pki import DISPATCHER_CN, Pki
from hubbench.hub.settings import HubSettings

MODULE = "hubbench.hub.dispatcher"
START_TIMEOUT_S = 180.0  # first start may download the packs of every vhost
STOP_TIMEOUT_S = 30.0
BACKOFF_MIN_S, BACKOFF_MAX_S, HEALTHY_RESET_S = 1.0, 30.0, 60.0
STALE_HEARTBEAT_S = 10.0


def _pid(home: BenchHome) -> int | None:
    """The supervisor's pid if it is alive and really ours (command line names the module and home)."""
    try:
        pid = int(files.pid_file(home).read_text().strip())
    except (OSError, ValueError):
        return None
    command = procs.cmdline(pid)
    if procs.alive(pid) and MODULE in command and str(home.root) in command:
        return pid
    return None


def start(home: BenchHome, settings: HubSettings, *, prefetch: int = 200, reserialize: bool = False,
          trace: bool = True, timeout: float = START_TIMEOUT_S) -> dict[str, Any]:
    """Start the dispatcher if it is not running, and wait until it serves every vhost."""
    if _pid(home) is not None:
        return health(home)
    Pki(home.pki_dir).ensure_identity(DISPATCHER_CN)
    state = files.state_dir(home)
    state.mkdir(parents=True, exist_ok=True)
    for stale in state.glob("worker-*.json"):
        stale.unlink()
    files.supervisor_file(home).unlink(missing_ok=True)
    files.write_json(files.settings_file(home), {
        "settings": dataclasses.asdict(settings),
        "options": {"prefetch": prefetch, "reserialize": reserialize, "trace": trace},
    })
    with open(files.log_file(home), "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", MODULE, "--home", str(home.root)], stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=str(home.root),
        )
    files.pid_file(home).write_text(f"{process.pid}\n")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SetupError(f"Le dispatcher s'est arrêté au démarrage (code {process.returncode}).",
                                 hint=f"voir {files.log_file(home)}")
            info = health(home)
            if info["ready"]:
                return info
            time.sleep(0.2)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM during `hub up`: no half-started dispatcher is left
        stop(home)
        raise
    stop(home)
    raise SetupError(f"Le dispatcher n'a pas rejoint tous les vhosts en {timeout:.0f} s.",
                     hint=f"voir {files.log_file(home)}")


def stop(home: BenchHome, timeout: float = STOP_TIMEOUT_S) -> bool:
    """Stop the dispatcher and its workers; True when nothing of it is left running."""
    pid = _pid(home)
    if pid is None:
        files.pid_file(home).unlink(missing_ok=True)
        return True
    members = procs.session_members(pid)
    os.kill(pid, signal.SIGTERM)
    gone = procs.wait_gone([pid, *members], timeout)
    if not gone:
        procs.signal_pids([p for p in [pid, *members] if procs.alive(p)], signal.SIGKILL)
        gone = procs.wait_gone([pid, *members], 5.0)
    files.pid_file(home).unlink(missing_ok=True)
    return gone


def health(home: BenchHome) -> dict[str, Any]:
    pid = _pid(home)
    sup = files.supervisor_file(home)
    supervisor = files.read_json(sup)
    workers = [files.read_json(p) for p in sorted(files.state_dir(home).glob("worker-*.json"))]
    now = time.time()
    live = [w for w in workers if pid and not w.get("stopped")
            and now - float(w.get("last_heartbeat", 0)) < STALE_HEARTBEAT_S]
    counters: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for w in workers:
        c = dict(w.get("counters", {}))
        errors.update(c.pop("errors_by_code", {}))
        counters.update({k: v for k, v in c.items() if isinstance(v, int)})
    vhosts = sorted({v for w in workers for v in w.get("vhosts", [])})
    expected = int(supervisor.get("workers_expected", 0))
    ready = bool(pid) and expected > 0 and len(live) >= expected and all(
        all(w.get("connected", {}).get(v) for v in w.get("vhosts", [])) for w in live)
    return {
        "running": pid is not None, "ready": ready, "pid": pid,
        "started_at": supervisor.get("started_at"), "vhosts": vhosts,
        "counters": {**counters, "errors_by_code": dict(sorted(errors.items()))},
        "last_heartbeat": max((float(w.get("last_heartbeat", 0)) for w in workers), default=None),
        "workers": [{"worker": w.get("worker"), "pid": w.get("pid"), "connected": w.get("connected", {}),
                     "packs": w.get("packs", {}), "provenance": w.get("provenance", {})} for w in live],
        "restarts": supervisor.get("restarts", 0),
    }


# ------------------------------------------------------------------------------ supervising process
class _Supervisor:
    def __init__(self, home: BenchHome, count: int) -> None:
        self.home, self.count = home, count
        self.children: dict[int, subprocess.Popen[bytes]] = {}
        self.started: dict[int, float] = {}
        self.backoff: dict[int, float] = dict.fromkeys(range(count), BACKOFF_MIN_S)
        self.due: dict[int, float] = {}
        self.restarts = 0
        self.stopping = False
        self.started_at = time.time()

    def spawn(self, index: int) -> None:
        with open(files.log_file(self.home), "ab") as log:
            self.children[index] = subprocess.Popen(
                [sys.executable, "-m", MODULE, "--home", str(self.home.root), "--worker", str(index)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        self.started[index] = time.monotonic()

    def save(self) -> None:
        files.write_json(files.supervisor_file(self.home), {
            "pid": os.getpid(), "started_at": self.started_at, "workers_expected": self.count,
            "workers": {str(i): c.pid for i, c in self.children.items()}, "restarts": self.restarts,
        })

    def watch(self) -> None:
        now = time.monotonic()
        for index in range(self.count):
            child = self.children.get(index)
            if child is not None and child.poll() is None:
                if now - self.started[index] > HEALTHY_RESET_S:
                    self.backoff[index] = BACKOFF_MIN_S
                continue
            if child is not None:  # it died: schedule a restart
                print(f"worker {index} arrêté (code {child.returncode}) ; relance dans "
                      f"{self.backoff[index]:.0f} s", flush=True)
                del self.children[index]
                self.due[index] = now + self.backoff[index]
                self.backoff[index] = min(BACKOFF_MAX_S, self.backoff[index] * 2)
            if now >= self.due.get(index, 0.0):
                self.due.pop(index, None)
                self.restarts += index in self.started
                self.spawn(index)
        self.save()

    def shutdown(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S - 5
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)


def supervise(home: BenchHome) -> int:
    saved = files.read_json(files.settings_file(home))
    count = int(saved.get("settings", {}).get("dispatcher_workers", 1))
    sup = _Supervisor(home, count)

    def on_signal(signum: int, _frame: object) -> None:
        sup.stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    files.pid_file(home).write_text(f"{os.getpid()}\n")
    try:
        while not sup.stopping:
            sup.watch()
            time.sleep(0.25)
    finally:
        sup.shutdown()
        files.write_json(files.supervisor_file(home), {"pid": None, "started_at": sup.started_at,
                                                       "workers_expected": count, "restarts": sup.restarts,
                                                       "stopped_at": time.time()})
    return 0
