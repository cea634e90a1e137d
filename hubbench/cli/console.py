"""`hubbench console`: serve the Streamlit console (bench_app/) on 127.0.0.1, single-user; or with
`--listen ADDR` on a network address, with accounts (`hubbench console users`) and HTTPS."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from hubbench.cli.console_listen import plan_listening
from hubbench.cli.console_users import users_app
from hubbench.errors import SetupError, UsageError
from hubbench.home import DB_URL_ENV, HOME_ENV, BenchHome
from hubbench.hub import run_foreground
from hubbench.resources import CONSOLE_SCRIPT
from hubbench.results import ACCOUNTS_REQUIRED_ENV, open_database

HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def parse_port(text: str) -> int:
    if not text.strip().isdigit() or not 1024 <= int(text) <= 65535:
        raise UsageError(f"Port attendu : un entier entre 1024 et 65535, reçu {text!r}")
    return int(text)


def app_script() -> Path:
    script = CONSOLE_SCRIPT
    if not script.is_file():
        raise SetupError(f"Console introuvable : {script} attendu (bench_app/ absent de l'installation)")
    return script


def ensure_port_free(port: int, host: str = HOST) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SetupError(
                    f"Le port {port} est déjà pris sur {host}",
                    hint="choisissez-en un autre avec --port, ou arrêtez le programme qui l'occupe",
                ) from exc
            raise SetupError(f"Impossible d'écouter sur {host}:{port} ({exc.strerror})") from exc


def streamlit_command(script: Path, port: int, host: str = HOST) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


def console(
    ctx: typer.Context,
    port_text: str = typer.Option(str(DEFAULT_PORT), "--port", help="Port d'écoute."),
    db: str | None = typer.Option(None, "--db", help="URL de la base de résultats (SQLite ou PostgreSQL)."),
    home_dir: str | None = typer.Option(None, "--home", help="Dossier du banc (défaut : HUBBENCH_HOME)."),
    listen: str | None = typer.Option(
        None,
        "--listen",
        help="Adresse IP d'écoute sur le réseau (session ANS) : comptes et HTTPS obligatoires. "
        "Sans elle : 127.0.0.1, un seul utilisateur, sans connexion.",
    ),
    names: Annotated[
        list[str] | None,
        typer.Option(
            "--name", help="Nom d'hôte ou adresse du certificat HTTPS (répétable ; défaut : --listen)."
        ),
    ] = None,
    cert: Annotated[
        Path | None, typer.Option("--cert", help="Certificat HTTPS (PEM) au lieu de celui du banc.")
    ] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Clé privée (PEM) du certificat --cert.")] = None,
) -> None:
    """Console de conformité (Streamlit) : matrice, détail, attestations, certificats, graphiques."""
    if ctx.invoked_subcommand is not None:
        return
    port = parse_port(port_text)
    home = BenchHome.from_env(home_dir).ensure()
    url = db or home.db_url
    database = open_database(url)  # bad URL or missing driver: a clear error now, not in the browser
    shown_url = database.url
    try:
        listening = plan_listening(
            listen, names=names or [], cert=cert, key=key, database=database, home=home
        )
    finally:
        database.dispose()
    script = app_script()
    host = listening.address if listening else HOST
    ensure_port_free(port, host)
    env = {**os.environ, DB_URL_ENV: url, HOME_ENV: str(home.root)}
    env.pop(ACCOUNTS_REQUIRED_ENV, None)
    command = streamlit_command(script, port, host)
    if listening is None:
        typer.echo(f"Console hubbench : http://{HOST}:{port}  (base : {shown_url}) — Ctrl+C pour arrêter")
    else:
        env[ACCOUNTS_REQUIRED_ENV] = "1"
        command += listening.streamlit_options()
        typer.echo(
            f"Console hubbench (session, connexion obligatoire) : {listening.url(port)}  "
            f"(certificat : {listening.cert} ; base : {shown_url}) — Ctrl+C pour arrêter"
        )
    code = run_foreground(command, env=env, stdin=subprocess.DEVNULL)
    if code not in (0, -2, 130):
        raise SetupError(f"La console s'est arrêtée avec le code {code}", exit_code=1)


def register(app: typer.Typer) -> None:
    console_app = typer.Typer()
    console_app.callback(invoke_without_command=True)(console)
    console_app.add_typer(users_app, name="users")
    app.add_typer(console_app, name="console")
