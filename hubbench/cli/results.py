"""`hubbench results list | purge | export`: the stored runs (of a session, `--session ID`), retention of
the results database (message bodies are health data) and the reports of a stored run, written after the
fact.

The age comes from `--older-than DAYS`, else from `[results] retention_days` of config.toml. By default
only message bodies are erased (trace and exchanged messages keep their metadata, verdicts stay whole);
`--all` also deletes the trace rows and the finished runs older than that.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from hubbench.errors import UsageError
from hubbench.home import BenchHome

results_app = typer.Typer(help="Base de résultats : rapports après coup, rétention des données de santé.",
                          no_args_is_help=True)


def retention_days(text: str | None, configured: Any) -> int:
    """Days from the option, else from `[results] retention_days`; a positive integer either way."""
    source = "--older-than" if text is not None else "[results] retention_days"
    value: Any = text if text is not None else configured
    if value is None:
        raise UsageError("Âge de purge manquant : --older-than JOURS, ou [results] retention_days dans "
                         "config.toml")
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) <= 0:
        raise UsageError(f"{source} : nombre de jours entier positif attendu, reçu {value!r}")
    return int(value)


@results_app.command("purge")
def purge(
    older_than: str | None = typer.Option(None, "--older-than", metavar="JOURS",
                                          help="Âge minimal des données purgées (jours)."),
    everything: bool = typer.Option(False, "--all", help="Supprime aussi la trace et les exécutions."),
) -> None:
    """Efface les corps de messages (données de santé) plus anciens que l'âge donné."""
    from hubbench.results import ResultsStore

    home = BenchHome.from_env()
    days = retention_days(older_than, home.config().results.get("retention_days"))
    store = ResultsStore(home.db_url)
    try:
        age = timedelta(days=days)
        bodies = store.purge_bodies(age)
        typer.echo(f"Corps effacés (plus de {days} j) : {bodies['trace_messages']} dans la trace, "
                   f"{bodies['exchanged_messages']} échangés")
        if everything:
            typer.echo(f"Lignes de trace supprimées : {store.purge_trace(age)}")
            typer.echo(f"Exécutions terminées supprimées : {store.purge_runs(age)}")
    finally:
        store.close()


@results_app.command("export")
def export(
    run_id: Annotated[str, typer.Argument(help="Identifiant de l'exécution (console, `hubbench run`).")],
    junit: Annotated[Path | None, typer.Option("--junit", help="Rapport JUnit XML.")] = None,
    cucumber_json: Annotated[
        Path | None, typer.Option("--cucumber-json", help="Rapport Cucumber JSON.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Rapport JSON hubbench.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Certificat de préparation (PDF).")] = None,
) -> None:
    """Écrit les rapports d'une exécution enregistrée (JUnit, Cucumber JSON, JSON, certificat PDF)."""
    from hubbench.results import export_run

    targets = {"junit": junit, "cucumber": cucumber_json, "json": json_path, "pdf": pdf}
    if not any(targets.values()):
        raise UsageError("Aucun rapport demandé : --junit, --cucumber-json, --json ou --pdf FICHIER")
    for path in export_run(BenchHome.from_env().db_url, run_id, targets):
        typer.echo(f"Rapport écrit : {path}")


@results_app.command("list")
def list_command(
    session_id: str | None = typer.Option(None, "--session", help="Les exécutions d'une session."),
    vendor: str | None = typer.Option(None, "--vendor", help="Les exécutions d'un éditeur."),
    limit: int = typer.Option(50, "--limit", min=1, help="Nombre maximal d'exécutions."),
) -> None:
    """Liste les exécutions enregistrées (les plus récentes d'abord), d'une session ou d'un éditeur."""
    from hubbench.results import ResultsStore

    store = ResultsStore(BenchHome.from_env().db_url)
    try:
        runs = store.list_runs(session_id=session_id, vendor=vendor, limit=limit)
    finally:
        store.close()
    if not runs:
        typer.echo("Aucune exécution enregistrée" + (f" pour la session {session_id}" if session_id else ""))
        return
    for run in runs:
        verdict = run.verdict.label_fr if run.verdict else run.status
        typer.echo(f"{run.run_id}  {run.started_at:%Y-%m-%d %H:%M}  {run.vendor} ({run.client_id})  "
                   f"{run.link}  {verdict}" + (f"  session {run.session_id}" if run.session_id else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(results_app, name="results")
