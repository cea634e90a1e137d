"""`hubbench console users add | list | remove`: the accounts of a console served on a network."""

from __future__ import annotations

import sys

import typer

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.results import ROLE_LABELS_FR, AccountStore, parse_role

users_app = typer.Typer(
    help="Comptes de la console servie sur le réseau (--listen) : administrateur, évaluateur, éditeur.",
    no_args_is_help=True,
)

_DB = typer.Option(None, "--db", help="URL de la base de résultats (défaut : celle du banc).")
_HOME = typer.Option(None, "--home", help="Dossier du banc (défaut : HUBBENCH_HOME).")


def _store(db: str | None, home_dir: str | None) -> AccountStore:
    home = BenchHome.from_env(home_dir).ensure()
    return AccountStore(db or home.db_url)


def _read_password() -> str:
    """Prompted twice on a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        password: str = typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
        return password
    line = sys.stdin.readline()
    if not line:
        raise UsageError("Mot de passe attendu sur l'entrée standard (une ligne)")
    return line.rstrip("\r\n")


@users_app.command("add")
def add(
    name: str = typer.Argument(..., help="Nom du compte (identifiant de connexion)."),
    role_text: str = typer.Option(..., "--role", help="admin, evaluateur ou editeur."),
    vendor: str | None = typer.Option(
        None, "--vendor", help="Éditeur du compte (obligatoire pour editeur) : il ne voit que lui."
    ),
    db: str | None = _DB,
    home_dir: str | None = _HOME,
) -> None:
    """Crée un compte ; le mot de passe est demandé (ou lu sur l'entrée standard)."""
    role = parse_role(role_text)
    store = _store(db, home_dir)
    account = store.add(name, role, _read_password(), vendor=vendor)
    typer.echo(f"Compte créé : {account.label_fr}")


@users_app.command("list")
def list_(db: str | None = _DB, home_dir: str | None = _HOME) -> None:
    """Liste les comptes (nom, rôle, éditeur)."""
    accounts = _store(db, home_dir).all()
    if not accounts:
        typer.echo("Aucun compte : la console ne peut être servie que sur 127.0.0.1, sans connexion.")
    for account in accounts:
        typer.echo(f"{account.name}\t{ROLE_LABELS_FR[account.role]}\t{account.vendor or ''}".rstrip())


@users_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="Nom du compte."),
    db: str | None = _DB,
    home_dir: str | None = _HOME,
) -> None:
    """Supprime un compte (ses sessions ouvertes sont déconnectées à leur prochaine action)."""
    _store(db, home_dir).remove(name)
    typer.echo(f"Compte supprimé : {name}")
