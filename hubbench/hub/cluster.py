"""The hub as a RabbitMQ cluster on one machine: `hubbench hub up --nodes N` (RabbitMQ docs "Clustering
Guide", "Cluster Formation and Peer Discovery", "Quorum Queues").

Member 0 is the usual node (`<home>/node/`, the configured ports: vendors, the engine's partner, the
management API and the broker log observers all use it); member i ≥ 1 lives in `<home>/cluster/node-<i+1>/`
with each port shifted by i × `node_port_step`, its own node name, data dir and log, on loopback, the same
PKI (server certificate, CA) and one Erlang cookie for all. Member 0 boots with the users, vhosts,
permissions, exchanges and policies; the others join it by classic-config peer discovery. The queues are
declared only once every member has joined, as quorum queues (`topology.QUORUM`: replicated on all
members, leaders spread with `queue_leader_locator = balanced`), so one node of three can die without a
message acked by the broker being lost. One dispatcher worker per member connects to its own member
(`dispatcher/worker.py`). The cluster is recorded in `<home>/cluster/state.json`.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hubbench.errors import SetupError, UsageError
from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.management import ManagementClient, admin_password
from hubbench.hub.node import HubNode, Progress
from hubbench.hub.settings import HubSettings
from hubbench.hub.topology import build_definitions

JOIN_TIMEOUT_S = 120.0


def cluster_dir(home: BenchHome) -> Path:
    return home.root / "cluster"


def state_file(home: BenchHome) -> Path:
    return cluster_dir(home) / "state.json"


def cluster_state(home: BenchHome) -> dict[str, Any]:
    """The running cluster's record ({} when the hub is a single node or down)."""
    try:
        state: dict[str, Any] = json.loads(state_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state


def member_settings(settings: HubSettings, index: int) -> HubSettings:
    ports = settings.member_ports(index)
    return settings.with_overrides(amqps_port=ports["amqps"], management_port=ports["management"],
                                   dist_port=ports["dist"])


class ClusterMember(HubNode):
    """One node of the cluster: a `HubNode` with its own directory, ports and peer discovery."""

    quorum_queues = True

    def __init__(self, home: BenchHome, settings: HubSettings, index: int) -> None:
        directory = home.node_dir if index == 0 else cluster_dir(home) / f"node-{index + 1}"
        super().__init__(home, member_settings(settings, index), directory)
        self.index = index
        self.seed = member_settings(settings, 0).node_name

    def _shape_definitions(self, definitions: dict[str, Any]) -> dict[str, Any] | None:
        if self.index:
            return None  # a joining node gets everything from the cluster
        return {k: v for k, v in definitions.items() if k not in ("queues", "bindings")}

    def _extra_conf(self) -> list[str]:
        lines = ["queue_leader_locator = balanced"]
        if self.index:
            lines += ["cluster_formation.peer_discovery_backend = classic_config",
                      f"cluster_formation.classic_config.nodes.1 = {self.seed}"]
        return lines

    def write_cookie(self, cookie: str) -> None:
        path = self.dir / "home" / ".erlang.cookie"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o400)
        with os.fdopen(fd, "w") as handle:
            handle.write(cookie)

    def kill(self) -> int | None:
        """SIGKILL the node's Erlang VM (a crash, not a stop); its pid, or None if it was not running."""
        pid = self.beam_pid()
        if pid is not None:
            procs.signal_pids([pid], signal.SIGKILL)
            procs.wait_gone([pid], 10)
        return pid


def _each(members: list[ClusterMember], action: Callable[[ClusterMember], object]) -> None:
    """`action` on every member at once (one thread each); the first error is raised once all are done."""
    errors: list[BaseException] = []

    def one(member: ClusterMember) -> None:
        try:
            action(member)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(m,), daemon=True) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class HubCluster:
    def __init__(self, home: BenchHome, settings: HubSettings, nodes: int | None = None) -> None:
        count = nodes or int(cluster_state(home).get("nodes", 0)) or settings.nodes
        if count < 2:
            raise UsageError(f"Un cluster compte au moins 2 nœuds (reçu {count}).")
        self.home = home
        self.settings = settings.with_overrides(nodes=count, dispatcher_workers=count)
        self.members = [ClusterMember(home, self.settings, i) for i in range(count)]

    def management(self) -> ManagementClient:
        return ManagementClient.for_home(self.home, self.members[0].settings)

    # -- start --------------------------------------------------------------------------------------
    def start(self, progress: Progress | None = None) -> dict[str, Any]:
        say = progress or (lambda _line: None)
        first = self.members[0]
        if first.is_running():
            if cluster_state(self.home).get("nodes") == len(self.members):
                return {**self.status(), "already_running": True}
            raise UsageError("Un hub à un seul nœud tourne déjà : `hubbench hub down` puis "
                             f"`hubbench hub up --nodes {len(self.members)}`.")
        started = time.monotonic()
        cookie = secrets.token_hex(20)
        for member in self.members:
            member.write_cookie(cookie)
        try:
            first.start(progress=say)
            self._start_joiners(say)
            self._wait_joined(say)
            self._declare_queues(say)
        except BaseException:
            self.stop()
            raise
        self._write_state()
        elapsed = time.monotonic() - started
        say(f"Cluster de {len(self.members)} nœuds prêt en {elapsed:.1f} s.")
        return {**self.status(), "already_running": False, "elapsed_s": round(elapsed, 2)}

    def _start_joiners(self, say: Progress) -> None:
        _each(self.members[1:], lambda member: member.start(progress=say))

    def _wait_joined(self, say: Progress) -> None:
        api = self.management()
        names = {m.settings.node_name for m in self.members}
        deadline = time.monotonic() + JOIN_TIMEOUT_S
        while time.monotonic() < deadline:
            running = {n["name"] for n in api.get("/nodes") if n.get("running")}
            if names <= running:
                return
            time.sleep(0.5)
        raise SetupError(f"Les nœuds n'ont pas formé un cluster en {JOIN_TIMEOUT_S:.0f} s "
                         f"(attendus : {', '.join(sorted(names))}).",
                         hint=f"journaux : {cluster_dir(self.home)}/node-*/log, {self.members[0].log_dir}")

    def _declare_queues(self, say: Progress) -> None:
        say("Déclaration des files quorum (répliquées sur chaque nœud)…")
        registry = ClientRegistry(self.home, self.settings)
        full = build_definitions(self.settings, admin_password(self.home), registry.grants(), quorum=True)
        self.management().post("/definitions", {"queues": full["queues"], "bindings": full["bindings"]})

    def _write_state(self) -> None:
        cluster_dir(self.home).mkdir(parents=True, exist_ok=True)
        state = {"nodes": len(self.members), "started_at": time.time(),
                 "members": [{"index": m.index, "node": m.settings.node_name, "dir": str(m.dir),
                              "ports": m.settings.ports} for m in self.members]}
        state_file(self.home).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

    # -- stop, kill ---------------------------------------------------------------------------------
    def stop(self, progress: Progress | None = None) -> bool:
        """Stop every member, the joiners first, together (member 0 last: it stops the epmd it started)."""
        stopped: list[bool] = []
        _each(self.members[1:], lambda member: stopped.append(member.stop(progress=progress)))
        stopped.append(self.members[0].stop(progress=progress))
        state_file(self.home).unlink(missing_ok=True)
        return any(stopped)

    def kill(self, index: int) -> int | None:
        return self.members[index].kill()

    # -- status -------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """The main node's status plus `cluster`: one row per member (name, ports, pid, running)."""
        main = self.members[0].status()
        seen: dict[str, bool] = {}
        if main["running"]:
            try:
                seen = {n["name"]: bool(n.get("running")) for n in self.management().get("/nodes")}
            except SetupError:
                seen = {}
        rows = [{"index": m.index, "node": m.settings.node_name, "ports": m.settings.ports,
                 "pid": m.beam_pid(), "running": m.beam_pid() is not None,
                 "in_cluster": seen.get(m.settings.node_name, False)} for m in self.members]
        return {**main, "cluster": rows}
