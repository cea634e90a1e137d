"""`hubbench couverture`: which scenarios check each requirement item, per link × role × tier.

Prints the table (or `--json`); `--ecrire` publishes it as docs/couverture.md and docs/couverture.json;
`--verifier` exits 1 when those files are stale, a scenario cites an unknown `@exigence-<id>` or a cell has
neither scenario nor reason. Exit code 2 for an unreadable or malformed features/exigences.yaml. The
logic lives in `hubbench.engine` (`coverage_of`, `render_markdown`, `render_json`, `render_text`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hubbench.engine import Coverage, coverage_of, render_json, render_markdown, render_text
from hubbench.errors import UsageError
from hubbench.resources import FEATURES_DIR, checkout_root

DOC_NAMES = ("couverture.md", "couverture.json")
JSON_HELP = "La table en JSON (celui de docs/couverture.json)."
WRITE_HELP = "Écrit docs/couverture.md et docs/couverture.json."
CHECK_HELP = ("Code 1 si la documentation n'est pas à jour, si un scénario cite une exigence inconnue ou si "
              "une case n'a ni scénario ni raison.")
FOLDER_HELP = "Dossier de la documentation (par défaut : docs/ du dépôt)."
SCENARIOS_HELP = "Dossier des scénarios et de exigences.yaml (par défaut : ceux du banc)."


def _docs_dir(folder: Path | None) -> Path:
    if folder is not None:
        return folder
    root = checkout_root()
    if root is None:
        raise UsageError("Pas de dépôt hubbench ici : indiquez le dossier de la documentation (--dossier).")
    return root / "docs"


def _rendered(coverage: Coverage) -> dict[str, str]:
    return {"couverture.md": render_markdown(coverage), "couverture.json": render_json(coverage)}


def _problems(coverage: Coverage, docs: Path) -> list[str]:
    found = [f"étiquette @exigence-{ident} inconnue de features/exigences.yaml ({where})"
             for ident, where in coverage.unknown]
    found += [f"exigence « {c.requirement.id} » ({c.link}, rôle {c.role}) : aucun scénario, "
              "ni statut ni raison" for c in coverage.unexplained]
    for name, text in _rendered(coverage).items():
        path = docs / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            found.append(f"{path} n'est pas à jour (attendu : le rendu des scénarios actuels ; "
                         f"règle : régénérer avec « hubbench couverture --ecrire »)")
    return found


def coverage_command(
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    write: Annotated[bool, typer.Option("--ecrire", help=WRITE_HELP)] = False,
    check: Annotated[bool, typer.Option("--verifier", help=CHECK_HELP)] = False,
    folder: Annotated[Path | None, typer.Option("--dossier", help=FOLDER_HELP)] = None,
    scenarios: Annotated[Path, typer.Option("--scenarios", help=SCENARIOS_HELP)] = FEATURES_DIR,
) -> None:
    """Couverture des exigences (DST, DSF, recette) par les scénarios : liaison × rôle × palier."""
    coverage = coverage_of(scenarios)
    if write:
        docs = _docs_dir(folder)
        docs.mkdir(parents=True, exist_ok=True)
        for name, text in _rendered(coverage).items():
            (docs / name).write_text(text, encoding="utf-8")
        typer.echo(f"Écrit : {', '.join(str(docs / name) for name in DOC_NAMES)}")
    if check:
        problems = _problems(coverage, _docs_dir(folder))
        for problem in problems:
            typer.echo(f"Couverture : {problem}", err=True)
        if problems:
            raise typer.Exit(1)
        typer.echo("Couverture à jour : chaque étiquette @exigence est définie, la documentation aussi.")
    if write or check:
        return
    typer.echo(render_json(coverage) if as_json else render_text(coverage), nl=False)


def register(app: typer.Typer) -> None:
    app.command("couverture")(coverage_command)
