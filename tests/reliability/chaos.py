"""Faults for the crash-safety tests and bench/reliability.py: kill -9 the dispatcher (one worker, or the
whole supervised group), broker alarms, and the wait for recovery. Every wait is bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any

from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.dispatcher import supervisor
from hubbench.hub.node import HubNode, broker_bin
from hubbench.hub.settings import HubSettings


def worker_pids(home: BenchHome) -> list[int]:
    return [int(w["pid"]) for w in supervisor.health(home)["workers"] if w.get("pid")]


def wait_ready(home: BenchHome, *, not_pids: list[int], timeout: float = 60.0) -> float:
    """Seconds until the dispatcher serves every vhost again with workers other than `not_pids`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        info = supervisor.health(home)
        pids = [w.get("pid") for w in info["workers"]]
        if info["ready"] and pids and not set(pids) & set(not_pids):
            return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"dispatcher pas revenu en {timeout:.0f} s : {supervisor.health(home)}")


def kill_worker(home: BenchHome) -> float:
    """SIGKILL one worker; its supervisor restarts it. Returns the recovery time (s)."""
    pids = worker_pids(home)
    if not pids:
        raise RuntimeError("aucun worker prêt à tuer")
    os.kill(pids[0], signal.SIGKILL)
    return wait_ready(home, not_pids=pids)


def kill_dispatcher(home: BenchHome, settings: HubSettings, **options: Any) -> float:
    """SIGKILL the supervisor and its workers at once (one process group), then start it again.
    Returns the recovery time (s): kill → serving again."""
    info = supervisor.health(home)
    pids = worker_pids(home)
    if not info["pid"]:
        raise RuntimeError("dispatcher absent")
    started = time.monotonic()
    os.killpg(info["pid"], signal.SIGKILL)
    if not procs.wait_gone([info["pid"], *pids], 10):  # else start() would still see it alive
        raise RuntimeError("le dispatcher a survécu à SIGKILL")
    supervisor.start(home, settings, **options)
    wait_ready(home, not_pids=pids)
    return time.monotonic() - started


def rabbitmqctl(node: HubNode, *args: str, timeout: float = 60.0) -> str:
    """Run the private node's rabbitmqctl with the node's own environment (RabbitMQ docs
"Configuration": `RABBITMQ_*` environment variables)."""
    command = [str(broker_bin() / "rabbitmqctl"), "-n", node.settings.node_name, *args]
    done = subprocess.run(command, env=node._env(), capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} : {done.stderr.strip()[:300]}")
    return done.stdout


def alarms(node: HubNode) -> dict[str, bool]:
    """{"mem_alarm": …, "disk_free_alarm": …} of the node, from the management API."""
    nodes = node.management().get("/nodes")
    return {key: any(bool(n.get(key)) for n in nodes) for key in ("mem_alarm", "disk_free_alarm")}


def memory_alarm(node: HubNode, on: bool) -> None:
    rabbitmqctl(node, "set_vm_memory_high_watermark", "0.000001" if on else "0.4")


def disk_alarm(node: HubNode, on: bool) -> None:
    rabbitmqctl(node, "set_disk_free_limit", "100000GB" if on else "50MB")
