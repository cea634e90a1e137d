"""`hubbench hub up` stopped with SIGTERM while it starts the node: like Ctrl-C, it stops what it
started (no node process left, ports free) and exits with code 143. Polled with bounded timeouts."""

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

pytestmark = pytest.mark.broker
HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def test_sigterm_during_hub_up_leaves_no_node(tmp_path: Path, free_ports: Callable[[int], list[int]]) -> None:
    require_broker()
    amqps, management, dist = free_ports(3)
    settings = HubSettings(amqps_port=amqps, management_port=management, dist_port=dist, message_ttl_ms=5000)
    write_hub_config(BenchHome(tmp_path), settings)
    up = subprocess.Popen([HUBBENCH, "hub", "up"], env={**os.environ, "HUBBENCH_HOME": str(tmp_path)},
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert poll(lambda: bool(node_processes(tmp_path)), 120), "le nœud n'a jamais démarré"
        up.send_signal(signal.SIGTERM)
        _, stderr = up.communicate(timeout=120)
        assert up.returncode == 143, stderr
        assert "Arrêté (SIGTERM)." in stderr and "Traceback" not in stderr
        assert poll(lambda: not node_processes(tmp_path), 60), node_processes(tmp_path)
        assert poll(lambda: all(procs.port_free("127.0.0.1", p) for p in (amqps, management)), 30)
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
        subprocess.run([HUBBENCH, "hub", "down"], env={**os.environ, "HUBBENCH_HOME": str(tmp_path)},
                       capture_output=True, timeout=240, check=False)
