"""`hubbench hub up | down | status`: the bench's private TLS hub (RabbitMQ node + dispatcher)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Annotated, Any

import typer

from hubbench.errors import SetupError, UsageError
from hubbench.home import BenchHome
from hubbench.hub import (
    DockerEngine,
    HubCluster,
    HubNode,
    HubSettings,
    broker_bin,
    cluster_state,
    describe_dispatcher,
    mark_compose,
    pack_warnings,
    start_container,
    start_dispatcher,
    stop_dispatcher,
    vhost_packs,
    write_node_files,
)

hub_app = typer.Typer(help="Hub local : nœud RabbitMQ TLS privé et dispatcher.", no_args_is_help=True)


def _say(line: str) -> None:
    typer.echo(line, err=True)


def _context() -> tuple[BenchHome, HubSettings]:
    home = BenchHome.from_env().ensure()
    return home, HubSettings.load(home)


def _install_broker() -> None:
    if (broker_bin() / "rabbitmq-server").exists():
        return
    if os.geteuid() != 0:
        raise SetupError("--install exige les droits root (apt-get install rabbitmq-server).")
    _say("Installation de rabbitmq-server (apt-get, ~20 s)…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "rabbitmq-server"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise SetupError(f"Échec de « {' '.join(command)} » : {done.stderr.strip()[-500:]}")


def _with_packs(home: BenchHome, status: dict[str, Any]) -> dict[str, Any]:
    """The node's status plus each vhost's pack provenance and the provisional warnings."""
    packs = vhost_packs(home, status["dispatcher"])
    return {**status, "packs": packs, "warnings": pack_warnings(packs)}


def _print_packs(status: dict[str, Any]) -> None:
    packs = status["packs"]
    if not packs:
        typer.echo("Packs      : non chargés (dispatcher arrêté)")
        return
    typer.echo("Packs      :")
    for vhost, pack in packs.items():
        name = " — nom de vhost supposé" if pack.get("assumed") else ""
        checksum = f"sha256 {pack['checksum']}" if pack.get("checksum") else "sans somme de contrôle"
        mark = " (PROVISOIRE)" if pack.get("provisional") else ""
        typer.echo(f"  {vhost:<16} pack {pack['tag']}{mark} · source {pack['source']} · {checksum}{name}")
    for line in status["warnings"]:
        typer.secho(line, fg=typer.colors.RED, bold=True)


def _print_status(status: dict[str, Any]) -> None:
    ports = status["ports"]
    state = "en marche" if status["running"] else "arrêté"
    pid = f", pid {status['pid']}" if status["pid"] else ""
    typer.echo(f"Nœud       : {status['node']} ({state}{pid})")
    typer.echo(f"Ports      : amqps {ports['amqps']} · gestion {ports['management']} · dist {ports['dist']}")
    typer.echo(f"AMQPS      : {', '.join(status['listeners'])} · nom public {status['public_name']}")
    if status["certificate_names"]:
        typer.echo(f"Certificat : {', '.join(status['certificate_names'])}")
    for row in status.get("cluster", []):
        alive = "en marche" if row["running"] else "ARRÊTÉ"
        joined = " · dans le cluster" if row["in_cluster"] else " · hors cluster"
        typer.echo(f"Nœud {row['index'] + 1}     : {row['node']} ({alive}) · amqps {row['ports']['amqps']} · "
                   f"gestion {row['ports']['management']}{joined}")
    typer.echo(f"Vhosts     : {', '.join(status['vhosts'])}")
    typer.echo(f"Clients    : {len(status['clients'])} actif(s)")
    typer.echo(f"Dispatcher : {describe_dispatcher(status['dispatcher'])}")
    _print_packs(status)


@hub_app.command("up")
def up(
    install: bool = typer.Option(False, "--install", help="Installer rabbitmq-server s'il manque (root)."),
    docker: bool = typer.Option(False, "--docker", help="Utiliser un moteur Docker (s'il répond)."),
    nodes: int = typer.Option(0, "--nodes", min=0, max=7,
                              help="Cluster RabbitMQ de N nœuds sur cette machine (files quorum, un worker "
                                   "dispatcher par nœud) ; par défaut [hub] nodes, 1."),
) -> None:
    """Démarre le hub (nœud TLS + dispatcher) ; sans effet s'il tourne déjà."""
    if docker and install:
        raise UsageError("--docker et --install s'excluent : le conteneur apporte son propre RabbitMQ.")
    if docker and nodes > 1:
        raise UsageError("--docker et --nodes s'excluent : le cluster tourne sur cette machine.")
    engine = DockerEngine.connect() if docker else None  # no engine: a clear error before anything starts
    if install:
        _install_broker()
    home, settings = _context()
    wanted = nodes or int(cluster_state(home).get("nodes", 0)) or settings.nodes  # a running cluster stays
    if wanted > 1:
        _up_cluster(home, HubCluster(home, settings, wanted))
        return
    node = HubNode(home, settings)
    if engine is not None and not node.is_running():
        result = start_container(node, engine, _say)
    else:
        result = node.start(progress=_say)
    _say("Démarrage du dispatcher…")
    try:
        health = start_dispatcher(home, settings)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: this `hub up` leaves nothing it started
        if not result.get("already_running"):
            node.stop(progress=_say)
        raise
    _say(f"Dispatcher : {describe_dispatcher(health)}")
    status = _with_packs(home, node.status())
    if result.get("already_running"):
        typer.echo(f"Hub déjà en marche : {status['node']}.")
    else:
        typer.echo(f"Hub prêt en {result['elapsed_s']:.1f} s : {status['node']}.")
    if status["warnings"]:
        typer.secho(f"ATTENTION : {len(status['warnings'])} vhost(s) sans pack officiel — leurs verdicts "
                    f"seront provisoires (détail ci-dessous).", fg=typer.colors.RED, bold=True)
    _print_status(status)


def _up_cluster(home: BenchHome, cluster: HubCluster) -> None:
    result = cluster.start(progress=_say)
    _say("Démarrage du dispatcher (un worker par nœud)…")
    try:
        health = start_dispatcher(home, cluster.settings)
    except KeyboardInterrupt:
        if not result.get("already_running"):
            cluster.stop(progress=_say)
        raise
    _say(f"Dispatcher : {describe_dispatcher(health)}")
    status = _with_packs(home, cluster.status())
    done = "déjà en marche" if result.get("already_running") else f"prêt en {result['elapsed_s']:.1f} s"
    typer.echo(f"Hub (cluster de {len(cluster.members)} nœuds) {done} : {status['node']}.")
    _print_status(status)


def _current_status(home: BenchHome, settings: HubSettings) -> dict[str, Any]:
    if cluster_state(home):
        return HubCluster(home, settings).status()
    return HubNode(home, settings).status()


@hub_app.command("docker-files")
def docker_files(
    target: Annotated[Path, typer.Argument(help="Dossier du volume partagé avec le service rabbitmq.")],
) -> None:
    """Écrit la configuration du nœud pour le service « rabbitmq » du fichier compose (conteneur init)."""
    home, settings = _context()
    for path in write_node_files(home, settings, target):
        typer.echo(f"Écrit : {path}")
    mark_compose(home, settings)


@hub_app.command("down")
def down() -> None:
    """Arrête le dispatcher puis le nœud ; ne laisse aucun processus derrière."""
    home, settings = _context()
    stop_dispatcher(home)
    if cluster_state(home):
        stopped = HubCluster(home, settings).stop(progress=_say)
    else:
        stopped = HubNode(home, settings).stop(progress=_say)
    if stopped:
        typer.echo("Hub arrêté.")
    else:
        typer.echo("Aucun hub ne tournait.")


@hub_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """État du hub : nœud, ports, vhosts, clients, dispatcher."""
    home, settings = _context()
    current = _with_packs(home, _current_status(home, settings))
    if as_json:
        typer.echo(json.dumps(current, ensure_ascii=False))
    else:
        _print_status(current)


def register(app: typer.Typer) -> None:
    app.add_typer(hub_app, name="hub")
