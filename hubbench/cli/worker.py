"""`hubbench worker`: run the campaigns of a session's queue in the shared results database (several bench
hosts, one PostgreSQL database; `campaigns/worker.py`)."""

from __future__ import annotations

from typing import Annotated

import typer

from hubbench.home import DB_URL_ENV, BenchHome


def _say(line: str) -> None:
    typer.echo(line, err=True)


def worker_command(
    db: Annotated[str, typer.Option("--db", envvar=DB_URL_ENV,
                                    help="Base de résultats partagée (postgresql+psycopg://…).")],
    session: Annotated[str | None, typer.Option("--session", help="Seulement les campagnes de cette "
                                                "session.")] = None,
    name: Annotated[str, typer.Option("--name", help="Nom du worker (défaut : hôte:pid).")] = "",
    until_empty: Annotated[bool, typer.Option("--until-empty",
                                              help="S'arrête quand la file est vide.")] = False,
    stale: Annotated[float, typer.Option(
        "--stale", min=5.0, help="Secondes sans battement avant de remettre en file la campagne d'un worker "
                                 "disparu.")] = 60.0,
) -> None:
    """Prend les campagnes d'une session dans la base partagée et les exécute (comme hubbench run)."""
    from hubbench.campaigns import WorkerOptions, work

    home = BenchHome.from_env().ensure()
    ran = work(home, WorkerOptions(db_url=db, name=name, session=session, until_empty=until_empty,
                                   stale_s=stale), _say)
    typer.echo(f"{ran} campagne(s) exécutée(s).")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_command)
