"""`hubbench console`: serve the Streamlit console (bench_app/) on 127.0.0.1 only."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import typer

import hubbench
from hubbench.errors import SetupError, UsageError
from hubbench.home import DB_URL_ENV, HOME_ENV, BenchHome
from hubbench.results import open_database

HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def parse_port(text: str) -> int:
    if not text.strip().isdigit() or not 1024 <= int(text) <= 65535:
        raise UsageError(f"Port attendu : un entier entre 1024 et 65535, reçu {text!r}")
    return int(text)


def app_script() -> Path:
    script = Path(hubbench.__file__).resolve().parent.parent / "bench_app" / "app.py"
    if not script.is_file():
        raise SetupError(f"Console introuvable : {script} attendu (bench_app/ absent de l'installation)")
    return script


def ensure_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SetupError(
                    f"Le port {port} est déjà pris sur {HOST}",
                    hint="choisissez-en un autre avec --port, ou arrêtez le programme qui l'occupe",
                ) from exc
            raise SetupError(f"Impossible d'écouter sur {HOST}:{port} ({exc.strerror})") from exc


def streamlit_command(script: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        HOST,
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
    port_text: str = typer.Option(str(DEFAULT_PORT), "--port", help="Port d'écoute sur 127.0.0.1."),
    db: str | None = typer.Option(None, "--db", help="URL de la base de résultats (SQLite ou PostgreSQL)."),
    home_dir: str | None = typer.Option(None, "--home", help="Dossier du banc (défaut : HUBBENCH_HOME)."),
) -> None:
    """Console de conformité (Streamlit) : matrice, détail, attestations, certificats, graphiques."""
    port = parse_port(port_text)
    home = BenchHome.from_env(home_dir).ensure()
    url = db or home.db_url
    database = open_database(url)  # bad URL or missing driver: a clear error now, not in the browser
    shown_url = database.url
    database.dispose()
    script = app_script()
    ensure_port_free(port)
    env = {**os.environ, DB_URL_ENV: url, HOME_ENV: str(home.root)}
    typer.echo(f"Console hubbench : http://{HOST}:{port}  (base : {shown_url}) — Ctrl+C pour arrêter")
    completed = subprocess.run(
        streamlit_command(script, port), env=env, stdin=subprocess.DEVNULL, check=False
    )
    if completed.returncode not in (0, -2, 130):
        raise SetupError(f"La console s'est arrêtée avec le code {completed.returncode}", exit_code=1)


def register(app: typer.Typer) -> None:
    app.command("console")(console)
