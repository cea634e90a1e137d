"""The bench's private RabbitMQ node (RabbitMQ docs "TLS Support", "Access Control"):
TLS only, EXTERNAL auth (`rabbitmq_auth_mechanism_ssl`), management on loopback.

Everything lives under `<home>/node/`; the data dir is wiped at every start (a restart on an existing
dir took ~24 s when measured on this machine kind; cause not investigated, no public source). The node runs in
its own session so `stop()` can leave nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pika
import pika.exceptions

from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.management import ManagementClient, admin_password
from hubbench.hub.pki import DISPATCHER_CN, PROBE_CN, Pki
from hubbench.hub.settings import HubSettings
from hubbench.hub.supervision import dispatcher_health
from hubbench.hub.topology import build_definitions
from hubbench.transport import connection_parameters, quiet_pika

BIN_ENV = "HUBBENCH_RABBITMQ_BIN"
DEFAULT_BIN = "/usr/lib/rabbitmq/bin"
Progress = Callable[[str], None]


def broker_bin() -> Path:
    return Path(os.environ.get(BIN_ENV) or DEFAULT_BIN)


def _quiet(_: str) -> None:
    return None


class HubNode:
    quorum_queues = False  # a cluster member's topology is quorum (hub/cluster.py)

    def __init__(self, home: BenchHome, settings: HubSettings | None = None, directory: Path | None = None
                 ) -> None:
        self.home = home
        self.settings = settings or HubSettings.load(home)
        self.dir = directory or home.node_dir
        self.pki = Pki(home.pki_dir)
        self._process: subprocess.Popen[bytes] | None = None

    # -- paths --------------------------------------------------------------------------------------
    @property
    def pid_file(self) -> Path:
        return self.dir / "rabbit.pid"

    @property
    def state_file(self) -> Path:
        return self.dir / "state.json"

    @property
    def log_dir(self) -> Path:
        return self.dir / "log"

    @property
    def mnesia_dir(self) -> Path:
        return self.dir / "mnesia"

    def management(self) -> ManagementClient:
        state = self._state()
        settings = self.settings
        if state.get("ports"):
            settings = settings.with_overrides(management_port=state["ports"]["management"],
                                               amqps_port=state["ports"]["amqps"],
                                               dist_port=state["ports"]["dist"])
        return ManagementClient.for_home(self.home, settings)

    # -- state --------------------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads(self.state_file.read_text(encoding="utf-8"))
            return state
        except (OSError, ValueError):
            return {}

    def _write_state(self, state: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

    def beam_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        # guard against pid reuse: the process must be a beam whose HOME is our node home
        command = procs.cmdline(pid)
        if procs.alive(pid) and "beam" in command and f"-home {self.dir / 'home'} " in command:
            return pid
        return None

    def is_running(self) -> bool:
        if self.beam_pid() is not None:
            return True
        # A node in a container (hub/container.py): running while its management API answers.
        return bool(self._state().get("container")) and self.management().alive()

    # -- start --------------------------------------------------------------------------------------
    def start(self, progress: Progress | None = None, *, keep_data: bool = False) -> dict[str, Any]:
        """Start the node and wait until a TLS+EXTERNAL client can connect. Idempotent.

        `keep_data=True` restarts on the existing data dir (queued messages survive; ~24 s measured here)."""
        say = progress or _quiet
        if self.is_running():
            say(f"Le nœud {self._state().get('node', self.settings.node_name)} tourne déjà.")
            if self._network_changed():
                say("Adresses d'écoute ou noms publics modifiés dans config.toml : `hubbench hub down` puis "
                    "`hubbench hub up` pour les appliquer (certificat serveur réémis, même CA).")
            return {**self.status(), "already_running": True}
        server = broker_bin() / "rabbitmq-server"
        if not server.exists():
            raise SetupError(
                f"RabbitMQ est introuvable ({server} absent).",
                hint="installez-le : apt-get install rabbitmq-server (ou `hubbench hub up --install`)",
            )
        self._cleanup_leftovers()
        s = self.settings
        bindings = [(a, s.amqps_port, "amqps") for a in s.amqps_listeners]
        bindings += [(s.host, s.management_port, "management"), (s.host, s.dist_port, "dist")]
        for address, port, label in bindings:
            if not procs.port_free(address, port):
                raise SetupError(
                    f"Le port {port} ({label}) est déjà utilisé par un autre processus sur {address}.",
                    hint="libérez-le ou choisissez un autre port dans [hub] de config.toml",
                )
        started = time.monotonic()
        say("Préparation : PKI, configuration, définitions…")
        self._prepare(keep_data=keep_data)
        epmd_before = procs.pids_named("epmd")
        say(f"Démarrage du nœud {s.node_name} (amqps {', '.join(s.amqps_listeners)} port {s.amqps_port}, "
            f"gestion {s.host}:{s.management_port})…")
        log = open(self.log_dir / "stdout.log", "ab")  # noqa: SIM115 - handed to the child
        try:
            self._process = subprocess.Popen(
                [str(server)], cwd=self.dir, env=self._env(), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        finally:
            log.close()
        state = {"node": s.node_name, "wrapper_pid": self._process.pid, "ports": s.ports,
                 "listeners": list(s.amqps_listeners), "vhosts": list(s.vhosts), "epmd_pids_started": [],
                 "started_at": time.time()}
        self._write_state(state)
        try:
            self._wait_ready(say, started)
        except BaseException:
            self.stop()
            raise
        state["epmd_pids_started"] = [p for p in procs.pids_named("epmd") if p not in epmd_before]
        state["beam_pid"] = self.beam_pid()
        self._write_state(state)
        elapsed = time.monotonic() - started
        say(f"Nœud prêt en {elapsed:.1f} s.")
        return {**self.status(), "already_running": False, "elapsed_s": round(elapsed, 2)}

    def _prepare(self, *, keep_data: bool = False) -> None:
        s = self.settings
        if not keep_data:
            shutil.rmtree(self.mnesia_dir, ignore_errors=True)
        shutil.rmtree(self.log_dir, ignore_errors=True)
        for sub in (self.mnesia_dir, self.log_dir, self.dir / "home"):
            sub.mkdir(parents=True, exist_ok=True)
        self.pid_file.unlink(missing_ok=True)
        cookie = self.dir / "home" / ".erlang.cookie"
        if not cookie.exists():
            fd = os.open(cookie, os.O_WRONLY | os.O_CREAT, 0o400)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(20))
        self.pki.ensure_ca()
        server_cert, server_key = self.pki.server_files(s.certificate_names)
        self.pki.ensure_identity(PROBE_CN)
        self.pki.ensure_identity(DISPATCHER_CN)
        registry = ClientRegistry(self.home, s)
        built = build_definitions(s, admin_password(self.home), registry.grants(), quorum=self.quorum_queues)
        definitions = self._shape_definitions(built)
        defs_path = self.dir / "definitions.json"
        defs_path.write_text(json.dumps(definitions or {}, indent=1), encoding="utf-8")
        os.chmod(defs_path, 0o600)
        (self.dir / "enabled_plugins").write_text("[rabbitmq_management,rabbitmq_auth_mechanism_ssl].\n")
        conf = [
            "listeners.tcp = none",
            *(f"listeners.ssl.{n} = {addr}:{s.amqps_port}" for n, addr in enumerate(s.amqps_listeners, 1)),
            f"ssl_options.cacertfile = {self.pki.ca_cert_path}",
            f"ssl_options.certfile = {server_cert}",
            f"ssl_options.keyfile = {server_key}",
            "ssl_options.verify = verify_peer",
            "ssl_options.fail_if_no_peer_cert = true",
            "ssl_options.versions.1 = tlsv1.3",
            "ssl_options.versions.2 = tlsv1.2",
            "auth_mechanisms.1 = EXTERNAL",
            "ssl_cert_login_from = common_name",
            f"management.tcp.ip = {s.host}",
            f"management.tcp.port = {s.management_port}",
            *([f"load_definitions = {defs_path}"] if definitions is not None else []),
            "collect_statistics_interval = 1000",
            # The management plugin keeps 5 s samples by default, so counters (acks, ready, consumers)
            # showed 3-5 s late whatever the interval above: keep 1 s samples for the last minute.
            "management.sample_retention_policies.global.minute = 1",
            "management.sample_retention_policies.basic.minute = 1",
            "management.sample_retention_policies.detailed.10 = 1",
            "log.console = false",
            "log.file.level = info",
            *self._extra_conf(),
        ]
        (self.dir / "rabbitmq.conf").write_text("\n".join(conf) + "\n", encoding="utf-8")

    def _shape_definitions(self, definitions: dict[str, Any]) -> dict[str, Any] | None:
        """The definitions this node loads at boot (None: none; a cluster member joins instead)."""
        return definitions

    def _extra_conf(self) -> list[str]:
        """Lines added to rabbitmq.conf (a cluster member's peer discovery)."""
        return []

    def _env(self) -> dict[str, str]:
        s = self.settings
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update({
            "HOME": str(self.dir / "home"),
            "RABBITMQ_CONF_ENV_FILE": "/dev/null",
            "RABBITMQ_NODENAME": s.node_name,
            "RABBITMQ_DIST_PORT": str(s.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.mnesia_dir),
            "RABBITMQ_LOG_BASE": str(self.log_dir),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.dir / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.pid_file),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        })
        return env

    def _wait_ready(self, say: Progress, started: float) -> None:
        s = self.settings
        deadline = started + s.start_timeout_s
        params = connection_parameters(
            self.pki.credentials(PROBE_CN), host=s.host, port=s.amqps_port, vhost=s.vhosts[0],
            server_hostname=s.server_hostname, connection_name="hubbench-probe", socket_timeout=2.0,
        )
        api = ManagementClient.for_home(self.home, s)
        last_note = 0.0
        amqp_ok = False
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise SetupError(f"Le nœud RabbitMQ s'est arrêté au démarrage.\n{self._log_tail()}")
            if not amqp_ok:
                amqp_ok = self._probe(params)
            if amqp_ok and api.alive():
                return
            now = time.monotonic()
            if now - last_note >= 3:
                last_note = now
                step = "API de gestion" if amqp_ok else "connexion TLS+EXTERNAL"
                say(f"  … attente du nœud ({now - started:.0f} s, {step})")
            time.sleep(0.5)
        raise SetupError(
            f"Le nœud n'est pas prêt après {s.start_timeout_s:.0f} s.\n{self._log_tail()}",
            hint=f"journaux : {self.log_dir}",
        )

    @staticmethod
    def _probe(params: pika.ConnectionParameters) -> bool:
        with quiet_pika():
            try:
                connection = pika.BlockingConnection(params)
            except (pika.exceptions.AMQPError, OSError):
                return False
            connection.close()
        return True

    def _log_tail(self, lines: int = 15) -> str:
        chunks = []
        for path in sorted(self.log_dir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            chunks.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(chunks)

    # -- stop ---------------------------------------------------------------------------------------
    def stop(self, progress: Progress | None = None, timeout: float = 30.0) -> bool:
        """Stop gracefully (SIGTERM), then kill; returns False when nothing was running."""
        say = progress or _quiet
        state = self._state()
        if state.get("container"):
            from hubbench.hub.container import stop_container

            return stop_container(self, state["container"], say)
        wrapper = state.get("wrapper_pid")
        beam = self.beam_pid()
        members = procs.session_members(wrapper) if wrapper else []
        if beam is None and not members:
            self._cleanup_leftovers()
            return False
        say(f"Arrêt du nœud {state.get('node', self.settings.node_name)}…")
        if beam is not None:
            procs.signal_pids([beam], signal.SIGTERM)
            if not procs.wait_gone([beam], timeout):
                procs.signal_pids([beam], signal.SIGKILL)
                procs.wait_gone([beam], 5)
        self._kill_session(wrapper)
        epmd = [p for p in state.get("epmd_pids_started", []) if "epmd" in procs.cmdline(p)]
        if epmd:
            procs.signal_pids(epmd, signal.SIGTERM)
            procs.wait_gone(epmd, 5)
        if self._process is not None:
            self._process.wait(timeout=5)
            self._process = None
        ports = state.get("ports", self.settings.ports)
        procs.wait_ports_free(self.settings.host, [ports["amqps"], ports["management"]], 10)
        self._cleanup_leftovers()
        say("Nœud arrêté.")
        return True

    def _kill_session(self, wrapper: int | None) -> None:
        if not wrapper:
            return
        members = procs.session_members(wrapper)
        procs.signal_pids(members, signal.SIGTERM)
        if not procs.wait_gone(members, 5):
            procs.signal_pids(procs.session_members(wrapper), signal.SIGKILL)
            procs.wait_gone(members, 5)

    def _cleanup_leftovers(self) -> None:
        """Forget a node that is no longer there (pid file, state), killing stray session members."""
        if self.is_running():
            return
        self._kill_session(self._state().get("wrapper_pid"))
        self.pid_file.unlink(missing_ok=True)
        self.state_file.unlink(missing_ok=True)

    def _network_changed(self) -> bool:
        """The running node listens on, or presents a certificate for, other addresses than configured."""
        listeners = self._state().get("listeners")
        changed_listeners = listeners is not None and listeners != list(self.settings.amqps_listeners)
        return changed_listeners or self.pki.server_names() != set(self.settings.certificate_names)

    # -- status -------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        state = self._state()
        running = self.is_running()
        vhosts = state.get("vhosts") or list(self.settings.vhosts)
        if running:
            with contextlib.suppress(SetupError):
                vhosts = sorted(self.management().vhosts())
        return {
            "running": running,
            "node": state.get("node", self.settings.node_name),
            "pid": self.beam_pid(),
            "ports": state.get("ports", self.settings.ports) if running else self.settings.ports,
            "listeners": state.get("listeners", list(self.settings.amqps_listeners)) if running
            else list(self.settings.amqps_listeners),
            "public_name": self.settings.public_name,
            "certificate_names": sorted(self.pki.server_names()),
            "vhosts": vhosts,
            "clients": [e.client_id for e in ClientRegistry(self.home, self.settings).active()],
            "dispatcher": dispatcher_health(self.home),
        }
