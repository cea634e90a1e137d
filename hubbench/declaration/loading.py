"""Reading a declaration (YAML/JSON file, CLI flags) into a `Declaration`; bad input → one French line.

The run's effective declaration: the file's (origin « fichier »), completed or overridden for the run's
link by the flags (`--role`, `--format`, `--confirms`, `--direct-cisu`; origin « options » without a
file), or, when nothing is declared, the implicit one: LRM on the run's link (15-GPS: both position
roles) with the formats the bench has always exercised (JSON and XML) and no optional feature (origin
« implicite »).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hubbench.declaration.model import LINK_ROLES, Declaration, Format, Role
from hubbench.errors import UsageError
from hubbench.structured_files import read_structured_file

IMPLICIT_FORMATS: tuple[Format, ...] = (Format.JSON, Format.XML)

_PYDANTIC_FR: dict[str, str] = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "clé inconnue",
    "enum": "valeur non admise",
    "literal_error": "valeur non admise",
    "too_short": "liste vide",
    "bool_type": "booléen attendu (true/false)",
    "bool_parsing": "booléen attendu (true/false)",
    "string_type": "texte attendu",
    "dict_type": "objet attendu",
    "tuple_type": "liste attendue",
    "model_type": "objet attendu",
}


@dataclass(frozen=True)
class RunDeclaration:
    """The declaration a run uses, and where it came from (« fichier », « options » or « implicite »)."""

    declaration: Declaration
    origin: str

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, **self.declaration.to_json()}


def load_declaration(path: Path) -> Declaration:
    return parse_declaration(read_structured_file(path, "de déclaration"), source=str(path))


def parse_declaration(data: Any, *, source: str = "déclaration") -> Declaration:
    try:
        return Declaration.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"Déclaration invalide : {source} — {_first_error(exc)}") from exc


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ())) or "racine"
    kind = str(error.get("type", ""))
    if kind == "value_error":  # our own validators speak French already
        message = str(error.get("msg", "")).removeprefix("Value error, ")
    else:
        message = _PYDANTIC_FR.get(kind, str(error.get("msg", "")))
        if "input" in error and kind not in ("missing",):
            message += f" ({error['input']!r})"
        expected = (error.get("ctx") or {}).get("expected")
        if expected:
            message += f" ; attendu {str(expected).replace(' or ', ' ou ')}"
    return f"{where} : {message}" if where != "racine" else message


def effective_declaration(
    declared: Declaration | None,
    link: str,
    vhost: str,
    *,
    roles: Sequence[str] = (),
    formats: Sequence[str] = (),
    confirms: bool = False,
    direct_cisu: bool = False,
) -> RunDeclaration:
    """The run's declaration: the file's, with the flags applied to the run's link (see module doc)."""
    flags = bool(roles or formats or confirms or direct_cisu)
    origin = "fichier" if declared is not None else ("options" if flags else "implicite")
    data: dict[str, Any] = declared.to_json() if declared is not None else {"links": {}}
    entry = data["links"].get(link)
    if entry is None and declared is not None and not roles:
        declared_links = ", ".join(declared.links)
        raise UsageError(
            f"Liaison {link} absente de la déclaration (liaisons déclarées : {declared_links})",
            hint="ajoutez-la au fichier ou donnez --role",
        )
    implicit_roles = LINK_ROLES[link] if Role.LRM not in LINK_ROLES.get(link, (Role.LRM,)) else (Role.LRM,)
    entry = dict(entry or {"roles": [r.value for r in implicit_roles], "vhosts": [vhost],
                           "formats": [f.value for f in IMPLICIT_FORMATS]})
    if roles:
        entry["roles"] = list(roles)
    if formats:
        entry["formats"] = list(formats)
    if direct_cisu:
        entry["directCISU"] = True
    data["links"][link] = entry
    if confirms:
        data.setdefault("features", {})["publisherConfirms"] = True
    source = "options de la ligne de commande" if flags else "déclaration"
    declaration = parse_declaration(data, source=source)
    declared_vhosts = declaration.links[link].vhosts
    if declared_vhosts and vhost not in declared_vhosts:
        raise UsageError(
            f"Vhost {vhost} non déclaré sur {link} (versions déclarées : {', '.join(declared_vhosts)})",
            hint="choisissez --vhost parmi elles ou ajoutez-le à la déclaration",
        )
    return RunDeclaration(declaration, origin)


def declared_vhost(declared: Declaration | None, link: str) -> str | None:
    """The first vhost the declaration names for `link` (the run's vhost when --vhost is not given)."""
    entry = declared.link(link) if declared is not None else None
    return entry.vhosts[0] if entry is not None and entry.vhosts else None

