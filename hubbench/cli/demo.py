"""`hubbench demo`: hub up, three reference vendors through every tier on every link, verdict matrix."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import typer
from rich.console import Console
from rich.table import Table

from hubbench.engine.links import parse_tiers
from hubbench.home import PACK_SOURCE_ENV, BenchHome
from hubbench.hub.node import HubNode
from hubbench.hub.settings import HubSettings
from hubbench.hub.supervision import stop_dispatcher
from hubbench.sim import demo as d


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _print_matrix(lines: list[d.MatrixLine], tiers: tuple[int, ...]) -> None:
    table = Table(title="Matrice des verdicts (éditeur × liaison × palier)")
    for header in ("Éditeur", "Client", "Liaison", *(f"Palier {t}" for t in tiers)):
        table.add_column(header)
    for line in lines:
        table.add_row(line.vendor, line.client_id, line.link, *(line.cells[t].label_fr for t in tiers))
    console = Console()
    (console if console.is_terminal else Console(width=140)).print(table)


def _console(home: BenchHome) -> None:
    if importlib.util.find_spec("hubbench.cli.console") is None:
        _say(f"Console non disponible dans cette version : résultats dans {home.db_url} "
             "(hubbench run … --json FICHIER pour un rapport).")
        return
    _say("Ouverture de la console (Ctrl-C pour la fermer et terminer la démo)…")
    process = subprocess.Popen([sys.executable, "-c", "from hubbench.cli import main; main()", "console"],
                               env={**os.environ, "HUBBENCH_HOME": str(home.root)})
    try:
        process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=15)


def demo(
    no_console: bool = typer.Option(False, "--no-console", help="N'ouvre pas la console à la fin."),
    links: str = typer.Option("", "--links", help="Liaisons séparées par des virgules (défaut : toutes)."),
    tiers: str = typer.Option("1-3", "--tiers", help="Paliers à passer."),
    parallel: int = typer.Option(3, "--parallel", min=1, max=9, help="Campagnes menées en même temps."),
    stop_hub: bool = typer.Option(False, "--stop-hub", help="Arrête le hub à la fin."),
) -> None:
    """Démonstration : hub local, trois vendeurs de référence (un conforme, deux fautifs), matrice."""
    chosen_links = d.check_links([p for p in links.split(",") if p.strip()])
    tier_list = parse_tiers(tiers)
    if not os.environ.get(PACK_SOURCE_ENV) and d.SHARED_PACKS.is_dir():
        os.environ[PACK_SOURCE_ENV] = str(d.SHARED_PACKS)
    home = BenchHome.from_env().ensure()
    settings = HubSettings.load(home)
    d.hub_up(home, settings, _say)
    vhosts = sorted({d.get_link(link).default_vhost for link in chosen_links})
    d.register_vendors(home, settings, d.DEMO_VENDORS, vhosts, _say)
    sims = d.start_simulators(home, settings, d.DEMO_VENDORS, chosen_links, _say)
    try:
        d.run_all(home, d.DEMO_VENDORS, chosen_links, tiers, parallel, _say)
        _print_matrix(d.verdict_matrix(home, d.DEMO_VENDORS, chosen_links, tier_list), tier_list)
        if not no_console:
            _console(home)
    finally:
        d.stop_simulators(sims)
        _say("Simulateurs arrêtés.")
        if stop_hub:
            stop_dispatcher(home)
            HubNode(home, settings).stop(_say)
            _say("Hub arrêté.")
        else:
            _say(f"Le hub reste démarré (amqps {settings.host}:{settings.amqps_port}) : hubbench hub down "
                 "pour l'arrêter.")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
