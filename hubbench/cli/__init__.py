"""`hubbench` command line: thin Typer commands over the rooms; no logic lives here.

Each sub-module owns one command group and exposes `register(app)`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import typer

from hubbench.errors import BenchError

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


def main() -> None:
    try:
        app()
    except BenchError as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("Interrompu.", err=True)
        sys.exit(130)
