"""`hubbench hub up | status | down` in subprocesses, on its own home and free ports."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.hub import node_processes, require_broker, write_hub_config

from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.settings import DEFAULT_VHOSTS, HubSettings

pytestmark = pytest.mark.broker
HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def _cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "HUBBENCH_HOME": str(home), **(env or {})}
    return subprocess.run(
        [HUBBENCH, *args], env=full_env, capture_output=True, text=True, timeout=240, check=False
    )


@pytest.fixture()
def lone_home(tmp_path: Path, free_ports: Callable[[int], list[int]]) -> Iterator[tuple[Path, HubSettings]]:
    amqps, management, dist = free_ports(3)
    settings = HubSettings(amqps_port=amqps, management_port=management, dist_port=dist, message_ttl_ms=5000)
    write_hub_config(BenchHome(tmp_path), settings)
    yield tmp_path, settings
    _cli(tmp_path, "hub", "down")  # safety net if an assertion failed mid-way


def test_up_is_idempotent_status_reports_and_down_leaves_nothing(lone_home: tuple[Path, HubSettings]) -> None:
    require_broker()
    home, settings = lone_home
    up = _cli(home, "hub", "up")
    assert up.returncode == 0, up.stderr
    assert "Hub prêt" in up.stdout
    assert "Démarrage du nœud" in up.stderr  # progress lines go to stderr

    again = _cli(home, "hub", "up")
    assert again.returncode == 0, again.stderr
    assert "déjà en marche" in again.stdout

    status = json.loads(_cli(home, "hub", "status", "--json").stdout)
    assert status["running"] is True
    assert status["node"] == f"hubbench-{settings.amqps_port}@localhost"
    assert status["ports"] == {"amqps": settings.amqps_port, "management": settings.management_port,
                               "dist": settings.dist_port}
    assert sorted(status["vhosts"]) == sorted(DEFAULT_VHOSTS)
    assert status["clients"] == []
    assert status["dispatcher"]["running"] in (True, False)  # supervisor health, or "absent"
    assert procs.alive(status["pid"])
    state = json.loads((home / "node" / "state.json").read_text())
    wrapper = state["wrapper_pid"]
    assert node_processes(home)
    for port in status["ports"].values():
        assert not procs.port_free("127.0.0.1", port)

    down = _cli(home, "hub", "down")
    assert down.returncode == 0, down.stderr
    assert "Hub arrêté" in down.stdout
    assert not procs.alive(status["pid"]) and not procs.alive(wrapper)
    assert procs.session_members(wrapper) == []
    assert node_processes(home) == []
    for port in status["ports"].values():
        assert procs.port_free("127.0.0.1", port), port
    assert json.loads(_cli(home, "hub", "status", "--json").stdout)["running"] is False
    assert "Aucun hub ne tournait" in _cli(home, "hub", "down").stdout


def test_port_taken_by_someone_else_is_a_clear_error(lone_home: tuple[Path, HubSettings]) -> None:
    require_broker()
    home, settings = lone_home
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", settings.amqps_port))
        squatter.listen(1)
        done = _cli(home, "hub", "up")
    assert done.returncode == 2
    assert f"Le port {settings.amqps_port} (amqps) est déjà utilisé" in done.stderr
    assert "Traceback" not in done.stderr
    assert node_processes(home) == []


def test_missing_broker_says_how_to_install(tmp_path: Path) -> None:
    done = _cli(tmp_path, "hub", "up", env={"HUBBENCH_RABBITMQ_BIN": str(tmp_path / "nowhere")})
    assert done.returncode == 2
    assert "apt-get install rabbitmq-server" in done.stderr
    assert "Traceback" not in done.stderr


def test_docker_without_engine_is_a_clear_error(tmp_path: Path) -> None:
    done = _cli(tmp_path, "hub", "up", "--docker", env={"PATH": str(tmp_path)})
    assert done.returncode == 2
    assert "--docker : aucun moteur Docker ne répond" in done.stderr
