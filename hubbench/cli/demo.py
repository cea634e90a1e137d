"""`hubbench demo`: hub up, reference vendors through every tier on every link (official cases of each
vhost's pack in tier 6), verdict matrix."""

from __future__ import annotations

import importlib.util
import os
import sys

import typer
from rich.console import Console
from rich.table import Table

from hubbench import campaigns as d
from hubbench.cli.session import run_live
from hubbench.engine import parse_tiers
from hubbench.errors import Terminated, UsageError
from hubbench.events import tier_label
from hubbench.home import PACK_SOURCE_ENV, BenchHome
from hubbench.hub import HubNode, HubSettings, run_foreground, stop_dispatcher
from hubbench.protocol import provisional_label


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _print_matrix(lines: list[d.MatrixLine], tiers: list[int]) -> None:
    table = Table(title="Matrice des verdicts (éditeur × liaison × palier)")
    for header in ("Éditeur", "Client", "Liaison", "Vhost", *(tier_label(t) for t in tiers)):
        table.add_column(header)
    for line in lines:
        table.add_row(line.vendor, line.client_id, line.link, line.vhost,
                      *(provisional_label(line.label(t), line.provisional) for t in tiers))
    console = Console()
    (console if console.is_terminal else Console(width=200)).print(table)


def _console(home: BenchHome) -> None:
    if importlib.util.find_spec("hubbench.cli.console") is None:
        _say(f"Console non disponible dans cette version : résultats dans {home.db_url} "
             "(hubbench run … --json FICHIER pour un rapport).")
        return
    _say("Ouverture de la console (Ctrl-C pour la fermer et terminer la démo)…")
    try:
        run_foreground([sys.executable, "-c", "from hubbench.cli import main; main()", "console"],
                       env={**os.environ, "HUBBENCH_HOME": str(home.root)})
    except Terminated:
        raise
    except KeyboardInterrupt:  # Ctrl-C closes the console and ends the demo normally
        return


def demo(
    no_console: bool = typer.Option(False, "--no-console", help="N'ouvre pas la console à la fin."),
    links: str = typer.Option("", "--links", help="Liaisons séparées par des virgules (défaut : toutes)."),
    tiers: str = typer.Option("1-7", "--tiers", help="Paliers à passer (ceux qui ont des scénarios)."),
    parallel: int = typer.Option(7, "--parallel", min=1, max=12, help="Campagnes menées en même temps."),
    stop_hub: bool = typer.Option(False, "--stop-hub", help="Arrête le hub à la fin."),
) -> None:
    """Démonstration : hub local, vendeurs de référence (conforme, aussi en modèle 3.x, et fautifs) ; les
    cas de test officiels du pack de chaque vhost au palier 6 ; matrice."""
    chosen_links = d.check_links([p for p in links.split(",") if p.strip()])
    tier_list, missing = d.tiers_with_scenarios(parse_tiers(tiers))
    if missing:
        _say(f"Paliers sans scénario dans cette version, ignorés : {d.tiers_text(missing)}")
    if not tier_list:
        raise UsageError(f"Aucun scénario pour les paliers demandés ({tiers}) dans {d.FEATURES_DIR}")
    if not os.environ.get(PACK_SOURCE_ENV) and d.SHARED_PACKS.is_dir():
        os.environ[PACK_SOURCE_ENV] = str(d.SHARED_PACKS)
    home = BenchHome.from_env().ensure()
    settings = HubSettings.load(home)
    d.hub_up(home, settings, _say)
    vendors = d.vendors_on_hub(d.DEMO_VENDORS, chosen_links, HubNode(home, settings).status()["vhosts"], _say)
    plan = d.demo_plan(vendors, chosen_links, tier_list, parallel)
    session_id = d.new_session_id()
    _say(f"Session {session_id} : {len(plan.campaigns)} campagnes (paliers {d.tiers_text(tier_list)}), "
         f"{parallel} à la fois, dans ce processus")
    try:
        result = run_live(plan, Console(stderr=True), lambda line: _say(f"  {line}"), home=home,
                          session_id=session_id)
        _say(f"Session {session_id} : {len(result.outcomes)} campagnes en {result.duration_s:.0f} s ; "
             f"hubbench results list --session {session_id}")
        columns = [*tier_list, *d.optional_tiers(vendors)]  # the Robustesse column when a vendor ran it
        _print_matrix(d.verdict_matrix(home, vendors, chosen_links, columns), columns)
        if not no_console:
            _console(home)
    finally:  # the session stopped its simulators (and, interrupted, its runs after their current scenario)
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
