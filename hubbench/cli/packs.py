"""`hubbench packs list | fetch | verify`: the vhost → pack map, the offline cache, its checksums.

Exit codes: 0 fine; 1 `verify` found a cached file that no longer matches its manifest; 2 usage or
set-up problem (unknown tag or vhost, unreachable source, bad directory). The logic lives in
`hubbench.protocol.pack_cache`; this module only prints.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hubbench.errors import BenchError, SetupError
from hubbench.home import BenchHome
from hubbench.protocol import CacheCheck, check_cache, pack_source
from hubbench.protocol.pack_cache import (  # the cache `hubbench packs` drives: kept by module on purpose
    Fetched,
    PackState,
    VhostPack,
    cached_tags,
    fetch,
    tags_for,
    verify,
    vhost_packs,
)

packs_app = typer.Typer(
    help="Packs de schémas officiels : vhost → pack, cache hors ligne, sommes de contrôle.",
    no_args_is_help=True,
)


def _size(size: int) -> str:
    return f"{size / 1024:.1f} ko".replace(".", ",")


def _offline(state: PackState) -> str:
    if state.ready_offline:
        return "prêt"
    return "NON (provisoire)" if state.provisional_if_offline else "NON"


def _check_json(check: CacheCheck) -> dict[str, Any]:
    return {"tag": check.tag, "folder": str(check.folder), "source": check.source, "files": check.files,
            "size": check.size, "intact": check.intact, "unchanged": check.unchanged,
            "changed": list(check.changed), "missing": list(check.missing), "added": list(check.added),
            "problem": check.problem}


@packs_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Un objet JSON.")] = False,
) -> None:
    """Correspondance vhost → pack : ligne de modèle, cache, source, provisoire ou non, sommes de contrôle."""
    home = BenchHome.from_env()
    source = pack_source(home)
    rows = vhost_packs(home)
    mapped = {row.tag for row in rows}
    others = [check_cache(home.packs_dir / tag) for tag in cached_tags(home) if tag not in mapped]
    if as_json:
        typer.echo(json.dumps({
            "source": {"value": source.value, "origin": source.origin,
                       "kind": "directory" if source.is_directory else "url"},
            "cache": str(home.packs_dir), "vhosts": [row.as_json() for row in rows],
            "other_cached": [_check_json(check) for check in others],
        }, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Source des packs : {source.value} ({source.origin})")
    typer.echo(f"Cache : {home.packs_dir}\n")
    typer.echo(f"{'vhost':<17}{'nom':<10}{'pack':<8}{'ligne':<7}{'correspondance':<18}{'hors ligne':<18}"
               f"contrôle")
    states: dict[str, PackState] = {}
    for row in rows:
        name = "supposé" if row.assumed else "officiel"
        mapping = row.mapping.split(" (")[0]  # the column is narrow: the note below says why
        if row.state is None:
            typer.echo(f"{row.vhost:<17}{name:<10}{row.tag:<8}{'?':<7}{mapping:<18}ERREUR : {row.error}")
            continue
        states[row.tag] = row.state
        typer.echo(f"{row.vhost:<17}{name:<10}{row.tag:<8}{row.state.line + '.x':<7}{mapping:<18}"
                   f"{_offline(row.state):<18}{row.state.checksum}")
    if any(row.assumed for row in rows):
        typer.echo(f"\nNom « supposé » : vhost de la ligne 3.x dont aucune source publique ne donne le "
                   f"nom ; à confirmer, réglable par [assumed_vhosts] dans {home.config_file}.")
    typer.echo("\nPourquoi ce pack :")
    for (tag, reason), vhosts in _reasons(rows).items():
        typer.echo(f"  {tag:<7}{', '.join(vhosts)} — {reason}")
    typer.echo("\nPacks :")
    for tag, state in sorted(states.items()):
        files = f" — {state.files} fichiers, {_size(state.size)}" if state.files else ""
        typer.echo(f"  {tag:<7}{state.detail}{files} — source {state.source}")
    for check in others:
        status = "intact" if check.unchanged else "MODIFIÉ (hubbench packs verify)"
        typer.echo(f"  {check.tag:<7}en cache, hors correspondance vhost — {status} — source {check.source}")


def _reasons(rows: list[VhostPack]) -> dict[tuple[str, str], list[str]]:
    """(tag, reason) → its vhosts, in the order of the map: one line per reason, not per vhost."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        grouped.setdefault((row.tag, row.reason or "—"), []).append(row.vhost)
    return grouped


def _progress() -> Any:
    counts: dict[str, int] = {}

    def report(tag: str, name: str, size: int) -> None:
        counts[tag] = counts.get(tag, 0) + 1
        typer.echo(f"  [{tag}] {counts[tag]:>2} {name} ({_size(size)})", err=True)

    return report


@packs_app.command("fetch")
def fetch_command(
    tag: Annotated[str | None, typer.Argument(help="Étiquette du pack : 1.0, 2.2, 3.4.1, 3…")] = None,
    vhost: Annotated[str | None, typer.Option("--vhost", help="Le pack de ce vhost.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Tous les packs de la correspondance vhost.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Retélécharger même un cache intact.")] = False,
) -> None:
    """Mettre des packs en cache à l'avance, pour une machine hors ligne (Projectathon, recette)."""
    home = BenchHome.from_env()
    tags = tags_for(tag, vhost, every, home)
    source = pack_source(home)
    typer.echo(f"Source : {source.value} ({source.origin}) — cache : {home.packs_dir}", err=True)
    done: list[Fetched] = []
    failed: list[tuple[str, BenchError]] = []
    report = _progress()
    for name in tags:
        try:
            done.append(fetch(name, home, force=force, progress=report))
        except BenchError as exc:
            if len(tags) == 1:
                raise
            failed.append((name, exc))
    typer.echo("Résumé :")
    for item in done:
        typer.echo(f"  {item.tag:<7}{item.action:<15}{item.files:>3} fichiers  {_size(item.size):>10}"
                   f"  → {item.folder}")
    for name, error in failed:
        typer.echo(f"  {name:<7}ÉCHEC : {error}")
    typer.echo(f"{len(done)} pack(s) prêt(s) hors ligne, {len(failed)} échec(s).")
    if failed and not done:
        raise failed[0][1]  # the same cause for every tag, most often: the source itself
    if failed:
        raise SetupError(f"{len(failed)} pack(s) sur {len(tags)} non disponible(s) hors ligne : "
                         f"{', '.join(name for name, _ in failed)}.")


def _verify_lines(check: CacheCheck) -> list[str]:
    head = f"Pack {check.tag} :"
    if check.unchanged:
        return [f"{head} intact — {check.files} fichiers conformes au manifeste ({check.folder})."]
    lines = [f"{head} MODIFIÉ depuis le téléchargement ({check.folder}) — attendu : chaque fichier identique "
             f"à sa somme SHA-256 du manifeste (source {check.source or 'inconnue'})."]
    if check.problem:
        lines.append(f"  - {check.problem}")
    lines += [f"  - modifié : {name}" for name in check.changed]
    lines += [f"  - manquant : {name}" for name in check.missing]
    lines += [f"  - ajouté : {name}" for name in check.added]
    return lines


@packs_app.command("verify")
def verify_command(
    tag: Annotated[str | None, typer.Argument(help="Étiquette du pack (par défaut : tout le cache).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Un objet JSON.")] = False,
) -> None:
    """Revérifier les fichiers en cache contre leur manifeste (code 1 si un fichier a changé)."""
    home = BenchHome.from_env()
    result = verify(tag, home)
    if as_json:
        typer.echo(json.dumps({
            "ok": result.ok, "packs": [_check_json(check) for check in result.checks],
            "local": [{"tag": f.tag, "folder": str(f.folder), "files": f.files} for f in result.local],
        }, ensure_ascii=False, indent=2))
    else:
        for item in result.local:
            typer.echo(f"Pack {item.tag} : lu sur place dans {item.folder}, complet ({item.files} schémas) — "
                       f"source locale, sans manifeste.")
        for check in result.checks:
            typer.echo("\n".join(_verify_lines(check)))
    if not result.ok:
        bad = [c.tag for c in result.checks if not c.unchanged]
        commands = " ; ".join(f"hubbench packs fetch {tag} --force" for tag in bad)
        typer.echo(f"→ Retéléchargez avant la session : {commands} (un fichier modifié ou manquant rend le "
                   f"pack inutilisable hors ligne).", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(packs_app, name="packs")
