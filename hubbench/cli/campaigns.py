"""`hubbench campaigns enqueue | status`: fill a session's campaign queue in the shared results database
and follow it (the campaigns are run by `hubbench worker` on one or several bench hosts)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hubbench.errors import UsageError
from hubbench.home import DB_URL_ENV

campaigns_app = typer.Typer(help="File de campagnes d'une session (base partagée, hubbench worker).",
                            no_args_is_help=True)
DbOption = Annotated[str, typer.Option("--db", envvar=DB_URL_ENV,
                                       help="Base de résultats partagée (postgresql+psycopg://…).")]
SessionOption = Annotated[str, typer.Option("--session", help="Identifiant de la session (libre).")]


def _options(pairs: list[str]) -> dict[str, Any]:
    """`--option cle=valeur` → {"cle": "valeur"}; `cle` alone → true (a bare `hubbench run` flag)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not key.strip():
            raise UsageError(f"--option : « cle=valeur » ou « cle » attendu, reçu {pair!r}")
        out[key.strip().lstrip("-").replace("-", "_")] = value if sep else True
    return out


@campaigns_app.command("enqueue")
def enqueue(
    db: DbOption,
    session: SessionOption,
    vendor: Annotated[str, typer.Option("--vendor", help="Nom de l'éditeur / du produit testé.")],
    client_id: Annotated[str, typer.Option("--client-id", help="Identifiant client du système testé.")],
    link: Annotated[list[str], typer.Option("--link", help="Liaison (répétable) : 15-15, 15-SMUR…")],
    tiers: Annotated[str, typer.Option("--tiers", help="Paliers, ex. 1-3 ou 1-7.")] = "1-7",
    option: Annotated[list[str] | None, typer.Option(
        "--option", help="Option de hubbench run (répétable) : partner-id=…, fast, declaration=…")] = None,
) -> None:
    """Ajoute une campagne par liaison à la file de la session."""
    from hubbench.results import CampaignSpec, enqueue_campaigns, open_database

    extra = _options(option or [])
    database = open_database(db)
    try:
        ids = enqueue_campaigns(database, session, [CampaignSpec(vendor, client_id, one, tiers, extra or None)
                                                    for one in link])
    finally:
        database.dispose()
    typer.echo(f"Session {session} : {len(ids)} campagne(s) en file ({', '.join(map(str, ids))}).")


@campaigns_app.command("status")
def status(db: DbOption, session: SessionOption,
           as_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """État des campagnes de la session : en file, en cours, terminées, en échec."""
    from hubbench.results import open_database, session_rows

    database = open_database(db)
    try:
        rows = [{"id": r.id, "vendor": r.vendor, "link": r.link, "tiers": r.tiers, "state": r.state,
                 "worker": r.worker, "attempts": r.attempts, "exit_code": r.exit_code, "run_id": r.run_id}
                for r in session_rows(database, session)]
    finally:
        database.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    labels = {"queued": "en file", "running": "en cours", "done": "terminée", "failed": "en échec"}
    for row in rows:
        typer.echo(f"{row['id']:>5}  {row['vendor']} × {row['link']} (paliers {row['tiers']}) : "
                   f"{labels.get(str(row['state']), row['state'])}"
                   + (f" · {row['worker']}" if row["worker"] else "")
                   + (f" · exécution {row['run_id']}" if row["run_id"] else ""))
    if not rows:
        typer.echo(f"Aucune campagne dans la session {session}.")


def register(app: typer.Typer) -> None:
    app.add_typer(campaigns_app, name="campaigns")
