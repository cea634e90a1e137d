"""`hubbench validate`: check EDXL-DE messages or bare use-case objects (JSON or XML) against a pack.

Exit codes: 0 all valid, 1 at least one invalid (or unreadable as a message), 2 usage error (unknown
version, missing file), 3 all valid but only provisionally (no official pack could be had: the
`hubsante-model` fallback checks neither patterns nor unknown fields) — `--accepter-provisoire` turns that
3 into 0, explicitly. The logic lives in `hubbench.protocol`; this module only reads files and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.protocol import (
    MAX_BODY_BYTES,
    DecodeError,
    SchemaPack,
    ValidationReport,
    decode,
    is_envelope,
    load_pack,
    validator_for,
)
from hubbench.vhosts import DEFAULT_VHOST

EXIT_PROVISIONAL = 3  # every file valid, but only by the provisional fallback


def _content_type(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {".json": "application/json", ".xml": "application/xml"}.get(suffix)


def read_body(path: Path) -> bytes:
    """The file's bytes; oversize files are refused before being read whole."""
    try:
        if not path.is_file():
            raise UsageError(f"Fichier introuvable ou illisible : {path}")
        size = path.stat().st_size
        if size > MAX_BODY_BYTES:
            raise DecodeError("too_large", f"{size} octets, limite {MAX_BODY_BYTES}")
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Fichier illisible : {path} ({exc.strerror})") from exc


def check_file(path: Path, pack: SchemaPack) -> dict[str, Any]:
    """One result: {file, valid, kind, pack, form, errors: [{scope, path, rule, …}]}."""
    result: dict[str, Any] = {"file": str(path), "valid": False, "kind": None, "pack": pack.label}
    if pack.provisional:
        result["provisional"] = True
    try:
        body = read_body(path)
        obj = decode(body, _content_type(path), pack)
    except DecodeError as exc:
        result["form"] = None
        result["errors"] = [{"scope": "decode", "path": "$", "rule": exc.reason, "expected": "JSON ou XML",
                             "found": exc.detail, "message": exc.message}]
        return result
    validator = validator_for(pack)
    envelope = is_envelope(obj)
    report: ValidationReport = (validator.validate_message(obj) if envelope
                                else validator.validate_use_case(obj))
    result.update(valid=report.valid, kind=report.kind, form="envelope" if envelope else "use_case",
                  errors=[issue.as_json() for issue in report.errors])
    return result


def _line(result: dict[str, Any]) -> str:
    status = "VALIDE" if result["valid"] else "INVALIDE"
    if result.get("provisional"):
        status += " (PROVISOIRE)"
    kind = result.get("kind") or "?"
    head = f"{status}  {result['file']}  [{kind}, pack {result['pack']}]"
    return "\n".join([head, *(_issue_line(e) for e in result["errors"])])


def _issue_line(error: dict[str, Any]) -> str:
    scope = {"envelope": "enveloppe", "header": "en-tête RC-DE", "content": "contenu", "message": "message",
             "decode": "lecture"}.get(error["scope"], error["scope"])
    return f"  - [{scope}] {error['path']} : {error['message']} (règle {error['rule']})"


def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Fichiers JSON ou XML (EDXL-DE ou cas d'usage).")],
    pack_dir: Annotated[Path | None, typer.Option("--pack", help="Dossier json-schema d'un pack.")] = None,
    version: Annotated[str | None, typer.Option("--version", help="Modèle : 1.0, 2.2, 3.4.1, 3…")] = None,
    vhost: Annotated[str | None, typer.Option("--vhost", help=f"Vhost du hub, ex. {DEFAULT_VHOST}.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Une ligne JSON par fichier.")] = False,
    accept_provisional: Annotated[bool, typer.Option(
        "--accepter-provisoire",
        help="Accepter un verdict provisoire (repli hubsante-model) : code 0 au lieu de 3.")] = False,
) -> None:
    """Valider des messages (JSON ou XML) contre un pack de schémas officiels (par défaut : ligne 3.x)."""
    pack = load_pack(directory=pack_dir, version=version, vhost=vhost, home=BenchHome.from_env())
    if pack.provisional and pack.note:
        typer.secho(pack.note, fg=typer.colors.YELLOW, bold=True, err=True)
    for path in files:
        if not path.is_file():
            raise UsageError(f"Fichier introuvable ou illisible : {path}")
    results = []
    for path in _progress(files):
        result = check_file(path, pack)
        results.append(result)
        typer.echo(json.dumps(result, ensure_ascii=False) if as_json else _line(result))
    if not all(r["valid"] for r in results):
        raise typer.Exit(1)
    if pack.provisional:
        if accept_provisional:
            typer.echo("Verdict provisoire accepté explicitement (--accepter-provisoire).", err=True)
            return
        typer.secho(f"Verdict PROVISOIRE seulement (code {EXIT_PROVISIONAL}) : aucun pack officiel n'a pu "
                    f"être obtenu. Indiquez-en un (--pack, HUBBENCH_PACK_SOURCE) ou acceptez explicitement "
                    f"avec --accepter-provisoire.", fg=typer.colors.YELLOW, bold=True, err=True)
        raise typer.Exit(EXIT_PROVISIONAL)


def _progress(files: list[Path]) -> Any:
    if len(files) < 20 or not sys.stderr.isatty():
        return files
    from rich.progress import track

    return track(files, description="Validation…", console=_stderr_console(), transient=True)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
