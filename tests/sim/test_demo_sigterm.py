"""`hubbench demo` stopped with SIGTERM while its runs are in flight: the demo is one session whose runs are
threads of the demo process (no `hubbench run` child); like Ctrl-C, every run stops after its current
scenario and is stored as interrupted (finished steps kept), the simulators and, with `--stop-hub`, the
hub are stopped, and the demo exits with code 143. Polled with bounded timeouts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.hub import node_processes, poll, require_broker, write_hub_config

from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.settings import HubSettings
from hubbench.results.store import ResultsStore

pytestmark = pytest.mark.broker
HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def _runs(pid: int) -> list[int]:
    return [p for p in procs.children(pid) if " run --vendor " in procs.cmdline(p)]


def _stored(home: Path) -> list[tuple[str, str | None]]:
    """(status, session id) of every stored run."""
    if not (home / "results.db").exists():
        return []
    store = ResultsStore(BenchHome(home).db_url)
    try:
        return [(run.status, run.session_id) for run in store.list_runs()]
    finally:
        store.close()


def _statuses(home: Path) -> set[str]:
    return {status for status, _session in _stored(home)}


def test_sigterm_interrupts_the_runs_in_flight(
    tmp_path: Path, free_ports: Callable[[int], list[int]]
) -> None:
    require_broker()
    amqps, management, dist = free_ports(3)
    write_hub_config(BenchHome(tmp_path), HubSettings(amqps_port=amqps, management_port=management,
                                                       dist_port=dist, message_ttl_ms=5000))
    env = {**os.environ, "HUBBENCH_HOME": str(tmp_path)}
    demo = subprocess.Popen([HUBBENCH, "demo", "--no-console", "--links", "15-15", "--tiers", "1-3",
                             "--parallel", "5", "--stop-hub"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert poll(lambda: "running" in _statuses(tmp_path), 240), "aucune exécution en cours"
        assert _runs(demo.pid) == []  # the runs are threads of the demo, not `hubbench run` children
        demo.send_signal(signal.SIGTERM)
        _, stderr = demo.communicate(timeout=180)
        assert demo.returncode == 143, stderr[-3000:]
        assert "Arrêté (SIGTERM)." in stderr and "Simulateurs arrêtés." in stderr
        assert poll(lambda: not node_processes(tmp_path), 60)
        stored = _stored(tmp_path)
        statuses = {status for status, _session in stored}
        assert "interrupted" in statuses and "running" not in statuses, stored
        assert len({session for _status, session in stored}) == 1 and stored[0][1], stored  # one session
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        subprocess.run([HUBBENCH, "hub", "down"], env=env, capture_output=True, timeout=240, check=False)
