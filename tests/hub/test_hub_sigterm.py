"""`hubbench hub up` stopped with SIGTERM while it starts the node: like Ctrl-C, it stops what it
started (no node process left, ports free) and exits with code 143. Polled with bounded timeouts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hub_support import require_broker, write_hub_config

from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.settings import HubSettings

pytestmark = pytest.mark.broker
HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def _poll(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _node_processes(home: Path) -> list[int]:
    marker = str(home / "node" / "home")
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and procs.alive(int(p.name)) and marker in procs.cmdline(int(p.name))]


def test_sigterm_during_hub_up_leaves_no_node(tmp_path: Path, free_ports: Callable[[int], list[int]]) -> None:
    require_broker()
    amqps, management, dist = free_ports(3)
    settings = HubSettings(amqps_port=amqps, management_port=management, dist_port=dist, message_ttl_ms=5000)
    write_hub_config(BenchHome(tmp_path), settings)
    up = subprocess.Popen([HUBBENCH, "hub", "up"], env={**os.environ, "HUBBENCH_HOME": str(tmp_path)},
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _poll(lambda: bool(_node_processes(tmp_path)), 120), "le nœud n'a jamais démarré"
        up.send_signal(signal.SIGTERM)
        _, stderr = up.communicate(timeout=120)
        assert up.returncode == 143, stderr
        assert "Arrêté (SIGTERM)." in stderr and "Traceback" not in stderr
        assert _poll(lambda: not _node_processes(tmp_path), 60), _node_processes(tmp_path)
        assert _poll(lambda: all(procs.port_free("127.0.0.1", p) for p in (amqps, management)), 30)
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
        subprocess.run([HUBBENCH, "hub", "down"], env={**os.environ, "HUBBENCH_HOME": str(tmp_path)},
                       capture_output=True, timeout=240, check=False)
