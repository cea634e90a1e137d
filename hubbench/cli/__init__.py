"""`hubbench` command line: thin Typer commands over the rooms; no logic lives here.

Each sub-module owns one command group and exposes `register(app)`. The modules are imported only when
one of their commands runs or shows its help (`hubbench.cli.lazy`): `hubbench --help` and
`hubbench --version` load none of the rooms. `COMMANDS` gives each command's module and the one-line
summary `hubbench --help` shows (tests/cli/test_start.py checks it against the command's own help).

The CLI is the top room: no room imports it. Its face is the `hubbench` entry point (`main`, and the
Typer `app`); the console starts runs as `hubbench run` subprocesses, never by importing this package.

SIGTERM (a service manager, `docker stop`, `kill`) ends every command as Ctrl-C does: the same
KeyboardInterrupt path stops the command's children (Streamlit, runs, simulators) before it exits (143).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

import typer

import hubbench
from hubbench.cli.lazy import LazyCommand, lazy_group
from hubbench.errors import BenchError, Terminated

__all__ = ["COMMANDS", "app", "main"]

COMMANDS = (
    LazyCommand("validate", "hubbench.cli.validate",
                "Valider des messages (JSON ou XML) contre un pack de schémas officiels (par défaut : "
                "ligne 3.x)."),
    LazyCommand("run", "hubbench.cli.run",
                "Lance les scénarios des paliers contre le système d'un éditeur raccordé au hub du banc."),
    LazyCommand("sim", "hubbench.cli.sim",
                "Fait tourner un vendeur de référence (conforme ou fautif) branché sur le hub local."),
    LazyCommand("demo", "hubbench.cli.demo",
                "Démonstration : hub local, vendeurs de référence (conforme, aussi en modèle 3.x, et "
                "fautifs) ; les cas de test officiels du pack de chaque vhost au palier 6 ; matrice."),
    LazyCommand("console", "hubbench.cli.console",
                "Console de conformité (Streamlit) : matrice, détail, attestations, certificats, "
                "graphiques."),
    LazyCommand("hub", "hubbench.cli.hub", "Hub local : nœud RabbitMQ TLS privé et dispatcher."),
    LazyCommand("clients", "hubbench.cli.clients", "Clients du hub : certificats, files et droits."),
    LazyCommand("packs", "hubbench.cli.packs",
                "Packs de schémas officiels : vhost → pack, cache hors ligne, sommes de contrôle."),
    LazyCommand("results", "hubbench.cli.results",
                "Base de résultats : rapports après coup, rétention des données de santé."),
    # cluster & shared queue (several bench hosts on one PostgreSQL database)
    LazyCommand("campaigns", "hubbench.cli.campaigns",
                "File de campagnes d'une session (base partagée, hubbench worker)."),
    LazyCommand("worker", "hubbench.cli.worker",
                "Prend les campagnes d'une session dans la base partagée et les exécute (comme hubbench "
                "run)."),
    LazyCommand("couverture", "hubbench.cli.coverage",
                "Couverture des exigences (DST, DSF, recette) par les scénarios : liaison × rôle × palier."),
)

app = typer.Typer(
    name="hubbench",
    cls=lazy_group(COMMANDS),
    help="Banc de conformité Hub Santé : hub local TLS, paliers 1 à 7, console.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"hubbench {hubbench.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Affiche la version de hubbench et quitte."),
) -> None:
    """Options communes à toutes les commandes."""


_SIGTERM_SEEN: list[bool] = []


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second SIGTERM does not cut the clean-up short
    _SIGTERM_SEEN.append(True)
    raise Terminated


def _terminated() -> None:
    typer.echo("Arrêté (SIGTERM).", err=True)
    sys.exit(143)


def main() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except BenchError as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            _terminated()
        typer.echo("Interrompu.", err=True)
        sys.exit(130)
    except SystemExit:
        if _SIGTERM_SEEN:  # Typer turns the interrupt into exit code 130
            _terminated()
        raise
