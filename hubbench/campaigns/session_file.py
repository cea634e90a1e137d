"""The session file (`hubbench session run FILE.yaml`): the vendors of one acceptance session.

Its JSON Schema is `schemas/session.schema.json`, generated from these models (`session_schema()`).
Each vendor: name, client id, its declaration (the declaration room's model, inline or a file path),
the links to run (default: the declared ones the bench runs), tiers, answers to attestations, and an
optional reference profile (`hubbench.sim.profiles`: the bench then plays that vendor itself, for
demos and benchmarks). Paths are relative to the session file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hubbench.declaration import Declaration, load_declaration, parse_declaration, validation_error_fr
from hubbench.engine import LINKS, parse_tiers
from hubbench.errors import UsageError
from hubbench.structured_files import read_structured_file

WHAT = "de session"


class SessionVendor(BaseModel):
    """One vendor (product) of the session."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(min_length=1, description="Nom de l'éditeur / du produit (une ligne de la matrice).")
    client_id: str = Field(alias="clientId", pattern=r"^\S+$",
                           description="Identifiant client du système testé, ex. fr.health.samu440.")
    declaration: dict[str, Any] | str | None = Field(
        default=None, description="Déclaration de capacités (schemas/declaration.schema.json) : en ligne, "
        "ou chemin d'un fichier YAML/JSON relatif au fichier de session.")
    links: tuple[str, ...] = Field(
        default=(), description="Liaisons à tester (défaut : celles de la déclaration que le banc teste).")
    tiers: str | None = Field(default=None, description="Paliers, ex. 1-3, 1-7, 4,5 ; R : Robustesse.")
    answers: str | None = Field(default=None, description="Réponses aux attestations (YAML/JSON).")
    partner_id: str | None = Field(default=None, alias="partnerId",
                                   description="Identifiant du partenaire du banc (défaut : calculé).")
    profile: str | None = Field(
        default=None, description="Profil de vendeur de référence joué par le banc (démo, mesures).")

    @field_validator("name")
    @classmethod
    def _name_set(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("nom vide")
        return name.strip()

    @field_validator("links")
    @classmethod
    def _links_known(cls, links: tuple[str, ...]) -> tuple[str, ...]:
        for link in links:
            if link not in LINKS:
                raise ValueError(f"liaison inconnue {link!r} (attendu : {', '.join(LINKS)})")
        if len(set(links)) != len(links):
            raise ValueError("liaison en double")
        return links


class SessionFile(BaseModel):
    """The whole file: defaults, then the vendors."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True,
        title="Session de recette du banc hubbench (plusieurs éditeurs en un seul processus)",
    )

    version: Literal[1] = 1
    name: str = Field(default="", description="Nom de la session (affiché, conservé avec chaque exécution).")
    tiers: str = Field(default="1-3", description="Paliers par défaut des éditeurs.")
    fast: bool = Field(default=False,
                       description="Délais courts (systèmes automatisés, vendeurs de référence).")
    parallel: int = Field(default=0, ge=0, le=200,
                          description="Campagnes menées en même temps (0 : toutes).")
    timeout: float | None = Field(default=None, gt=0, description="Délai des invites opérateur (s).")
    processes: int = Field(default=0, ge=0, le=32, description=(
        "Processus qui se partagent les campagnes (0 : automatique, un par cœur à partir de quelques "
        "dizaines de campagnes ; 1 : toutes dans le processus de la commande)."))
    vendors: tuple[SessionVendor, ...] = Field(min_length=1, description="Les éditeurs de la session.")

    @model_validator(mode="after")
    def _distinct(self) -> SessionFile:
        for what, values in (("nom d'éditeur", [v.name for v in self.vendors]),
                             ("clientId", [v.client_id for v in self.vendors])):
            seen = {value for value in values if values.count(value) > 1}
            if seen:
                raise ValueError(f"{what} en double : {sorted(seen)[0]}")
        return self


@dataclass(frozen=True)
class Campaign:
    """One (vendor, link) run of the session."""

    vendor: SessionVendor
    link: str
    tiers: tuple[int, ...]
    declaration: Declaration | None
    answers: Path | None
    vhost: str | None = None  # a vhost of its own (the demo's 3.x line); None: declared, else the default
    roles: tuple[str, ...] = ()  # declared roles on the link (as `hubbench run --role`; the demo's tablet)


@dataclass(frozen=True)
class SessionPlan:
    name: str
    fast: bool
    parallel: int
    timeout: float | None
    campaigns: tuple[Campaign, ...]
    source: Path
    processes: int = 0  # 0: `session.auto_processes`

    @property
    def vendors(self) -> list[SessionVendor]:
        unique = {c.vendor.client_id: c.vendor for c in self.campaigns}  # file order (clientId unique)
        return list(unique.values())


def load_session(path: Path) -> SessionPlan:
    """The file's campaigns, checked (one French `UsageError` line for any problem)."""
    data = read_structured_file(path, WHAT)
    try:
        parsed = SessionFile.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"Fichier de session invalide : {path} — {validation_error_fr(exc)}") from exc
    base = path.parent
    campaigns: list[Campaign] = []
    for index, vendor in enumerate(parsed.vendors):
        where = f"{path} — vendors.{index} ({vendor.name})"
        declaration = _declaration(vendor, base, where)
        links = vendor.links or _declared_links(declaration)
        if not links:
            raise UsageError(f"Fichier de session invalide : {where} — aucune liaison à tester",
                             hint="indiquez links: [15-15] ou une déclaration avec une liaison testée")
        try:
            tiers = tuple(parse_tiers(vendor.tiers or parsed.tiers))
        except UsageError as exc:
            raise UsageError(f"Fichier de session invalide : {where} — {exc.message}") from exc
        answers = _existing(base, vendor.answers, where, "answers")
        if vendor.profile is not None:
            _check_profile(vendor.profile, where)
        campaigns += [Campaign(vendor, link, tiers, declaration, answers) for link in links]
    return SessionPlan(parsed.name or path.stem, parsed.fast, parsed.parallel, parsed.timeout,
                       tuple(campaigns), path, parsed.processes)


def _declaration(vendor: SessionVendor, base: Path, where: str) -> Declaration | None:
    if vendor.declaration is None:
        return None
    if isinstance(vendor.declaration, str):
        file = _existing(base, vendor.declaration, where, "declaration")
        return load_declaration(file) if file else None
    try:
        return parse_declaration(vendor.declaration, source=where)
    except UsageError as exc:
        raise UsageError(f"Fichier de session invalide : {exc.message}") from exc


def _declared_links(declaration: Declaration | None) -> tuple[str, ...]:
    if declaration is None:
        return ()
    return tuple(link for link in LINKS if declaration.link(link) is not None)


def _existing(base: Path, name: str | None, where: str, key: str) -> Path | None:
    if name is None:
        return None
    file = (base / name).resolve()
    if not file.is_file():
        raise UsageError(f"Fichier de session invalide : {where} — {key} : fichier introuvable {file}")
    return file


def _check_profile(name: str, where: str) -> None:
    from hubbench.sim import PROFILES

    if name not in PROFILES:
        raise UsageError(f"Fichier de session invalide : {where} — profil de référence inconnu "
                         f"{name!r} (attendu : {', '.join(sorted(PROFILES))})")


def session_schema() -> dict[str, Any]:
    """The JSON Schema of a session file (committed as `schemas/session.schema.json`)."""
    schema = SessionFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = ("Session de recette : les éditeurs, leurs déclarations (voir "
                             "declaration.schema.json), paliers et réponses ; une exécution par liaison.")
    schema["$defs"]["SessionVendor"]["description"] = "Un éditeur (produit) de la session."
    schema["$defs"]["SessionVendor"]["properties"]["links"]["items"] = {"enum": list(LINKS)}
    return schema


__all__ = ["Campaign", "SessionFile", "SessionPlan", "SessionVendor", "load_session",
           "session_schema"]
