"""The hub's RabbitMQ node in a container (the official `rabbitmq` image), for machines without a local
`rabbitmq-server` (macOS, Windows): `hubbench hub up --docker` (Docker SDK for Python, the optional
dependency group `docker`) and the compose file (`compose.yaml`, whose one-shot `init` service runs
`hubbench hub docker-files`).

The node's files are the ones `HubNode` writes for a local node (rabbitmq.conf, enabled_plugins,
definitions.json, the PKI's CA and server certificate), moved under `CONTAINER_DIR`: paths rewritten, and
the listeners bound to every interface of the container — which host address a port is published on is
Docker's choice (`127.0.0.1` by default, as the local node). The Erlang distribution port is never published.
"""

from __future__ import annotations

import io
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.settings import HubSettings

if TYPE_CHECKING:
    from hubbench.hub.node import HubNode, Progress

IMAGE = "rabbitmq:3.13"  # the official image; its bundled plugins include management and auth_mechanism_ssl
CONTAINER_DIR = "/hubbench/docker"  # where the node's files are inside the container
RABBITMQ_UID = 999  # user `rabbitmq` of the official image: it must read the server key
CONTAINER_PORTS = {"amqps": 5671, "management": 15671}  # inside the container: the image's usual ports
NODE_FILES = ("rabbitmq.conf", "enabled_plugins", "definitions.json")
TLS_KEYS = {"ssl_options.cacertfile": "ca.pem", "ssl_options.certfile": "server.pem",
            "ssl_options.keyfile": "server-key.pem"}
CONTAINER_ENV = {
    "RABBITMQ_CONFIG_FILE": f"{CONTAINER_DIR}/rabbitmq.conf",
    "RABBITMQ_ENABLED_PLUGINS_FILE": f"{CONTAINER_DIR}/enabled_plugins",
}
COMPOSE = "compose"  # state.json's `container` when the node is the compose file's `rabbitmq` service
NO_ENGINE = "--docker : aucun moteur Docker ne répond sur cette machine."
NO_ENGINE_HINT = "lancez `hubbench hub up` sans --docker (nœud RabbitMQ local, recommandé)"


def container_name(settings: HubSettings) -> str:
    return f"hubbench-{settings.amqps_port}"


def _container_line(line: str, sources: dict[str, Path]) -> str:
    """One line of the local node's rabbitmq.conf as the container needs it."""
    key, sep, value = (part.strip() for part in line.partition("="))
    if not sep:
        return line
    if key in TLS_KEYS:
        sources[TLS_KEYS[key]] = Path(value)
        return f"{key} = {CONTAINER_DIR}/{TLS_KEYS[key]}"
    if key == "load_definitions":
        return f"{key} = {CONTAINER_DIR}/definitions.json"
    if key.startswith("listeners.ssl."):  # a local node's addresses: one listener on every interface
        return f"listeners.ssl.default = 0.0.0.0:{CONTAINER_PORTS['amqps']}"
    if key == "management.tcp.ip":
        return f"{key} = 0.0.0.0"
    if key == "management.tcp.port":
        return f"{key} = {CONTAINER_PORTS['management']}"
    return line


def node_files(home: BenchHome, settings: HubSettings) -> dict[str, bytes]:
    """The container's files, made by the same code as a local node's (`HubNode`), paths rewritten."""
    from hubbench.hub.node import HubNode

    node = HubNode(home, settings)
    node._prepare()
    sources: dict[str, Path] = {}
    conf = (node.dir / "rabbitmq.conf").read_text(encoding="utf-8").splitlines()
    lines = dict.fromkeys(_container_line(line, sources) for line in conf)  # in order, once each
    files = {"rabbitmq.conf": ("\n".join(lines) + "\n").encode()}
    for name in NODE_FILES[1:]:
        files[name] = (node.dir / name).read_bytes()
    files.update({name: path.read_bytes() for name, path in sources.items()})
    return files


def write_node_files(home: BenchHome, settings: HubSettings, target: Path) -> list[Path]:
    """`hubbench hub docker-files`: the files into `target` (the compose volume), owned by the image's
    `rabbitmq` user when written as root, private (0600) otherwise readable by nobody else."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in node_files(home, settings).items():
        path = target / name
        path.write_bytes(data)
        os.chmod(path, 0o600)
        if os.geteuid() == 0:
            os.chown(path, RABBITMQ_UID, RABBITMQ_UID)
        written.append(path)
    return written


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(f"{CONTAINER_DIR.strip('/')}/{name}")
            info.size, info.mode, info.uid, info.gid = len(data), 0o600, RABBITMQ_UID, RABBITMQ_UID
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@dataclass
class DockerEngine:
    """The Docker engine, through the Docker SDK for Python; SetupError when it or its SDK is missing."""

    client: Any

    @classmethod
    def connect(cls) -> DockerEngine:
        try:
            import docker  # the optional dependency group `docker`
        except ImportError as exc:
            raise SetupError(
                "--docker : le SDK Docker pour Python n'est pas installé.",
                hint="pipx inject hubbench docker, ou pip install 'hubbench[docker]'",
            ) from exc
        try:
            client = docker.from_env(timeout=15)
            client.ping()
        except Exception as exc:  # docker.errors.DockerException and connection errors alike
            raise SetupError(NO_ENGINE, hint=NO_ENGINE_HINT) from exc
        return cls(client)

    def start_node(self, home: BenchHome, settings: HubSettings) -> str:
        """Create and start the node's container (any previous one of these ports removed); its id."""
        self.remove(container_name(settings))
        ports = {f"{CONTAINER_PORTS['amqps']}/tcp": (settings.host, settings.amqps_port),
                 f"{CONTAINER_PORTS['management']}/tcp": (settings.host, settings.management_port)}
        container = self.client.containers.create(
            IMAGE, name=container_name(settings), environment=CONTAINER_ENV, ports=ports,
            hostname="localhost", labels={"hubbench.home": str(home.root)},
        )
        container.put_archive("/", _tar(node_files(home, settings)))
        container.start()
        return str(container.id)

    def remove(self, name: str) -> bool:
        """Stop and remove the container `name`; False when there was none."""
        from docker.errors import NotFound

        try:
            container = self.client.containers.get(name)
        except NotFound:
            return False
        container.remove(force=True)
        return True

    def running(self, name: str) -> bool:
        from docker.errors import NotFound

        try:
            return bool(self.client.containers.get(name).status == "running")
        except NotFound:
            return False


def start_container(node: HubNode, engine: DockerEngine, say: Progress) -> dict[str, Any]:
    """`hub up --docker`: the node in a container, then the same readiness probe as a local node."""
    s = node.settings
    for label, port in s.ports.items():
        if label != "dist" and not procs.port_free(s.host, port):
            raise SetupError(f"Le port {port} ({label}) est déjà utilisé sur {s.host}.",
                             hint="libérez-le ou choisissez un autre port dans [hub] de config.toml")
    started = time.monotonic()
    say(f"Démarrage du conteneur {container_name(s)} ({IMAGE}, amqps {s.amqps_port}, "
        f"gestion {s.management_port})…")
    engine.start_node(node.home, s)
    node._write_state({"node": container_name(s), "container": container_name(s), "ports": s.ports,
                       "vhosts": list(s.vhosts), "started_at": time.time()})
    try:
        node._wait_ready(say, started)
    except BaseException:
        engine.remove(container_name(s))
        node.state_file.unlink(missing_ok=True)
        raise
    elapsed = time.monotonic() - started
    say(f"Conteneur prêt en {elapsed:.1f} s.")
    return {**node.status(), "already_running": False, "elapsed_s": round(elapsed, 2)}


def mark_compose(home: BenchHome, settings: HubSettings) -> None:
    """In the compose file's `bench` service: the node is the `rabbitmq` service (same network namespace),
    so `hubbench clients add` applies clients live through its management API."""
    from hubbench.hub.node import HubNode

    HubNode(home, settings)._write_state({"node": COMPOSE, "container": COMPOSE, "ports": settings.ports,
                                          "vhosts": list(settings.vhosts), "started_at": time.time()})


def stop_container(node: HubNode, name: str, say: Progress) -> bool:
    """`hub down` of a node in a container: removes it (compose: `docker compose down` does)."""
    if name == COMPOSE:
        raise SetupError("Le nœud est le service « rabbitmq » du fichier compose.",
                         hint="arrêtez-le avec : docker compose down")
    say(f"Arrêt du conteneur {name}…")
    removed = DockerEngine.connect().remove(name)
    node.state_file.unlink(missing_ok=True)
    if removed:
        say("Conteneur arrêté.")
    return removed
