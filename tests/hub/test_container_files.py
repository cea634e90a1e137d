"""compose.yaml, the Dockerfile and `hub up --docker` agree with the node's settings — without Docker.

The container's files are generated here as the compose file's `init` service generates them; they are
checked against what a local node gets (hubbench/hub/node.py, topology.py, settings.py): TLS files, EXTERNAL,
plugins, definitions, vhosts, ports.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from hubbench.cli.console import DEFAULT_PORT as CONSOLE_PORT
from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub import container
from hubbench.hub.node import HubNode
from hubbench.hub.settings import HubSettings
from hubbench.resources import ASSETS, checkout_root

ROOT = checkout_root() or Path("/nonexistent")
HOME_MOUNT = str(Path(container.CONTAINER_DIR).parent)  # the bench home in every container


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


def _conf(text: str) -> dict[str, str]:
    pairs = (line.partition("=") for line in text.splitlines())
    return {key.strip(): value.strip() for key, _, value in pairs if value}


Generated = tuple[dict[str, bytes], HubNode]


@pytest.fixture()
def generated(tmp_path: Path) -> Generated:
    """The container's files (as `hub docker-files` writes them) and the local node of the same home."""
    home = BenchHome(tmp_path / "home").ensure()
    settings = HubSettings.load(home)
    paths = container.write_node_files(home, settings, tmp_path / "docker")
    return {path.name: path.read_bytes() for path in paths}, HubNode(home, settings)


def test_the_container_node_gets_the_local_nodes_settings(generated: Generated) -> None:
    files, node = generated
    local = _conf((node.dir / "rabbitmq.conf").read_text(encoding="utf-8"))
    inside = _conf(files["rabbitmq.conf"].decode())
    rewritten = {*container.TLS_KEYS, "load_definitions", "management.tcp.ip", "management.tcp.port"}
    assert {k: v for k, v in inside.items() if k not in rewritten and not k.startswith("listeners.ssl.")} == {
        k: v for k, v in local.items() if k not in rewritten and not k.startswith("listeners.ssl.")}
    assert inside["auth_mechanisms.1"] == "EXTERNAL" and inside["listeners.tcp"] == "none"
    assert inside["ssl_options.fail_if_no_peer_cert"] == "true"
    for key, name in container.TLS_KEYS.items():  # TLS files: the local node's own, under CONTAINER_DIR
        assert inside[key] == f"{container.CONTAINER_DIR}/{name}"
        assert files[name] == Path(local[key]).read_bytes()
    assert inside["load_definitions"] == f"{container.CONTAINER_DIR}/definitions.json"
    assert inside["listeners.ssl.default"] == f"0.0.0.0:{container.CONTAINER_PORTS['amqps']}"
    assert [key for key in inside if key.startswith("listeners.ssl.")] == ["listeners.ssl.default"]
    assert any(key.startswith("listeners.ssl.") for key in local)  # the local node's own listener(s)
    assert inside["management.tcp.port"] == str(container.CONTAINER_PORTS["management"])
    assert files["enabled_plugins"] == (node.dir / "enabled_plugins").read_bytes()
    assert re.findall(r"\w+", files["enabled_plugins"].decode()) == [
        "rabbitmq_management", "rabbitmq_auth_mechanism_ssl"]
    definitions = json.loads(files["definitions.json"])
    assert [v["name"] for v in definitions["vhosts"]] == list(node.settings.vhosts)
    assert definitions["exchanges"] == json.loads((node.dir / "definitions.json").read_bytes())["exchanges"]


def test_the_compose_file_runs_those_files(generated: Generated) -> None:
    files, node = generated
    services = _compose()["services"]
    init, rabbitmq, bench = services["init"], services["rabbitmq"], services["bench"]
    assert init["command"] == ["hub", "docker-files", container.CONTAINER_DIR]
    assert rabbitmq["image"] == container.IMAGE
    assert rabbitmq["environment"] == container.CONTAINER_ENV
    assert {Path(value).name for value in container.CONTAINER_ENV.values()} <= set(files)
    assert rabbitmq["hostname"] == node.settings.server_hostname  # the server certificate's name
    defaults = HubSettings()
    assert rabbitmq["ports"] == [  # AMQPS and the console; never the management API nor Erlang distribution
        f"{defaults.host}:{defaults.amqps_port}:{container.CONTAINER_PORTS['amqps']}",
        f"{defaults.host}:{CONSOLE_PORT}:{CONSOLE_PORT}"]
    console = services["console"]
    assert console["command"][:3] == ["console", "--listen", "0.0.0.0"] and "console" in console["profiles"]
    assert console["network_mode"] == bench["network_mode"] and console["environment"] == bench["environment"]
    for service in (init, rabbitmq, bench, console):
        assert any(v.split(":")[:2] == ["hubbench-home", HOME_MOUNT] for v in service["volumes"]), service
    assert bench["network_mode"] == "service:rabbitmq"  # the node on 127.0.0.1, management included
    assert bench["entrypoint"][:3] == ["python", "-m", "hubbench.hub.dispatcher"]
    assert bench["environment"]["HUBBENCH_HOME"] == HOME_MOUNT
    assert "postgres" in services["postgres"]["profiles"]


def test_the_dockerfile_installs_the_whole_bench() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = {part for line in re.findall(r"^COPY (.+)$", text, re.M) for part in line.split()[:-1]}
    assert {*ASSETS, "hubbench", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md"} <= copied
    assert f"ENV HUBBENCH_HOME={HOME_MOUNT}" in text
    assert 'ENTRYPOINT ["hubbench"]' in text
    assert _compose()["services"]["init"]["build"] == "."


def test_the_sdk_copies_the_files_for_the_rabbitmq_user(generated: Generated) -> None:
    files, _ = generated
    with tarfile.open(fileobj=io.BytesIO(container._tar(files))) as tar:
        members = tar.getmembers()
    assert sorted(m.name for m in members) == sorted(f"{container.CONTAINER_DIR[1:]}/{n}" for n in files)
    owner = container.RABBITMQ_UID
    assert {(m.uid, m.gid, m.mode) for m in members} == {(owner, owner, 0o600)}


def test_without_the_sdk_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docker", None)  # `import docker` raises ImportError
    with pytest.raises(SetupError, match="le SDK Docker pour Python n'est pas installé") as err:
        container.DockerEngine.connect()
    assert "hubbench[docker]" in str(err.value) and err.value.exit_code == 2


def test_in_the_compose_bench_the_node_is_the_rabbitmq_service(tmp_path: Path) -> None:
    """`hub docker-files` marks the home: no local node is started or stopped there, `hub down` says how."""
    env = {**os.environ, "HUBBENCH_HOME": str(tmp_path / "home")}
    cli = [str(Path(sys.executable).parent / "hubbench")]
    written = subprocess.run([*cli, "hub", "docker-files", str(tmp_path / "docker")], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in (tmp_path / "docker").iterdir()) == sorted(
        [*container.NODE_FILES, *container.TLS_KEYS.values()])
    node = HubNode(BenchHome(tmp_path / "home"))
    assert not node.is_running()  # no management API answers here
    down = subprocess.run([*cli, "hub", "down"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert down.returncode == 2 and "docker compose down" in down.stderr, down.stderr
    assert "Traceback" not in down.stderr
