"""`hubbench` command line: thin Typer commands over the rooms; no logic lives here.

Each sub-module owns one command group and exposes `register(app)`.

SIGTERM (a service manager, `docker stop`, `kill`) ends every command as Ctrl-C does: the same
KeyboardInterrupt path stops the command's children (Streamlit, runs, simulators) before it exits (143).
"""

from __future__ import annotations

import importlib
import importlib.util
import signal
import sys
from types import FrameType

import typer

from hubbench.errors import BenchError, Terminated

app = typer.Typer(
    name="hubbench",
    help="Banc de conformité Hub Santé : hub local TLS, paliers 1 à 7, console.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_COMMAND_MODULES = ("validate", "hub", "clients", "run", "sim", "demo", "console", "packs", "results")


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        module_name = f"{__name__}.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(app)


_register_all()


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
