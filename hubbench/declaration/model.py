"""The vendor's declaration (capabilities): per link its role(s), model versions, formats, options.

A neutral room (no engine, no results import): the engine selects scenarios with it, the results store
keeps it with the run, the CLI, reports and console show it. The JSON Schema of the file a vendor writes
is `schemas/declaration.schema.json`, generated from these models (`declaration_schema()`).

Roles per link: 15-15 LRM (DSF 15-15); 15-SMUR LRM, tablet (« tablette ») or both (DSF 15-SMUR);
15-NexSIS LRM (DSF 15-NexSIS), with `directCISU` when the LRM converts to CISU itself; 15-GPS position
sender, position requester or both (GEO-POS / GEO-REQ / GEO-RES, `ansforge/SAMU-Hub-Modeles`).
"""

from __future__ import annotations

import enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hubbench.vhosts import GPS_LINK, LINK_NAMES


class Role(enum.StrEnum):
    LRM = "lrm"
    TABLETTE = "tablette"
    EMETTEUR_POSITION = "emetteur-position"
    DEMANDEUR_POSITION = "demandeur-position"


class Format(enum.StrEnum):
    JSON = "json"
    XML = "xml"


DECLARABLE_LINKS: tuple[str, ...] = LINK_NAMES
LINK_ROLES: dict[str, tuple[Role, ...]] = {
    "15-15": (Role.LRM,),
    "15-SMUR": (Role.LRM, Role.TABLETTE),
    "15-NexSIS": (Role.LRM,),
    GPS_LINK: (Role.EMETTEUR_POSITION, Role.DEMANDEUR_POSITION),
}
DIRECT_CISU_LINKS = frozenset({"15-NexSIS"})

ROLE_LABELS_FR: dict[Role, str] = {
    Role.LRM: "LRM",
    Role.TABLETTE: "tablette",
    Role.EMETTEUR_POSITION: "émetteur de positions",
    Role.DEMANDEUR_POSITION: "demandeur de positions",
}
FORMAT_LABELS_FR: dict[Format, str] = {Format.JSON: "JSON", Format.XML: "XML"}
FEATURE_LABELS_FR: dict[str, str] = {
    "publisherConfirms": "confirmations de publication",
    "robustness": "robustesse",
}
ORIGIN_LABELS_FR: dict[str, str] = {
    "fichier": "fichier de déclaration",
    "options": "options de la ligne de commande",
    "implicite": "implicite (aucune déclaration fournie)",
}


def _lowered(values: Any) -> Any:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return values
    return [v.strip().lower() if isinstance(v, str) else v for v in values]


def _unique(values: tuple[Any, ...], what: str) -> tuple[Any, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} en double")
    return values


class LinkDeclaration(BaseModel):
    """What the vendor's system is on one link."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    roles: tuple[Role, ...] = Field(min_length=1, description="Rôle(s) du système sur la liaison.")
    vhosts: tuple[str, ...] = Field(
        default=(), description="Version(s) du modèle (vhosts), ex. 15-15_v1.5 ; vide : vhost par défaut."
    )
    formats: tuple[Format, ...] = Field(
        default=(Format.JSON,), min_length=1, description="Formats que le système émet et reçoit."
    )
    direct_cisu: bool = Field(
        default=False, alias="directCISU",
        description="15-NexSIS : le système échange directement au format CISU (sans conversion du hub).",
    )

    _roles = field_validator("roles", "formats", mode="before")(_lowered)

    @field_validator("roles")
    @classmethod
    def _roles_unique(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        return _unique(roles, "rôle")

    @field_validator("formats")
    @classmethod
    def _formats_unique(cls, formats: tuple[Format, ...]) -> tuple[Format, ...]:
        return _unique(formats, "format")

    @field_validator("vhosts")
    @classmethod
    def _vhosts_named(cls, vhosts: tuple[str, ...]) -> tuple[str, ...]:
        if any(not v.strip() or " " in v for v in vhosts):
            raise ValueError("nom de vhost vide ou avec une espace")
        return _unique(tuple(v.strip() for v in vhosts), "vhost")


class Features(BaseModel):
    """Optional capabilities: an undeclared one's check is « non déclaré » (not applicable), not passed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    publisher_confirms: bool = Field(
        default=False, alias="publisherConfirms",
        description="Publie en mode confirm (Publisher Confirms, optionnel).",
    )
    robustness: bool = Field(default=False, description="Palier « Robustesse » demandé (optionnel).")


class Declaration(BaseModel):
    """The whole declaration: the links the system is on, and its optional features."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True,
        title="Déclaration de capacités d'un système raccordé au Hub Santé (hubbench)",
    )

    version: Literal[1] = 1
    links: dict[str, LinkDeclaration] = Field(
        min_length=1,
        description="Par liaison (15-15, 15-SMUR, 15-NexSIS, 15-GPS) : rôles, versions, formats.",
    )
    features: Features = Field(default_factory=Features)

    @model_validator(mode="after")
    def _links_and_roles(self) -> Declaration:
        for name, link in self.links.items():
            if name not in LINK_ROLES:
                raise ValueError(f"liaison inconnue {name!r} (attendu : {', '.join(DECLARABLE_LINKS)})")
            wrong = [role for role in link.roles if role not in LINK_ROLES[name]]
            if wrong:
                allowed = ", ".join(LINK_ROLES[name])
                raise ValueError(f"{name} : rôle {wrong[0].value!r} impossible (attendu : {allowed})")
            if link.direct_cisu and name not in DIRECT_CISU_LINKS:
                raise ValueError(f"{name} : directCISU ne concerne que 15-NexSIS")
        return self

    def link(self, name: str) -> LinkDeclaration | None:
        return self.links.get(name)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


_SCHEMA_DESCRIPTIONS_FR: dict[str, str] = {  # vendors read the schema: French, not the docstrings
    "Features": "Options facultatives ; une option non déclarée est « non applicable », jamais réussie.",
    "LinkDeclaration": "Ce qu'est le système sur une liaison : rôle(s), versions du modèle, formats.",
    "Role": "lrm ; tablette (15-SMUR) ; emetteur-position, demandeur-position (15-GPS).",
    "Format": "Format des messages : json ou xml.",
}


def declaration_schema() -> dict[str, Any]:
    """The JSON Schema of a declaration file (committed as `schemas/declaration.schema.json`)."""
    schema = Declaration.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = "Déclaration d'un éditeur : liaisons, rôles, versions, formats et options."
    for name, text in _SCHEMA_DESCRIPTIONS_FR.items():
        schema["$defs"][name]["description"] = text
    links = schema["properties"]["links"]
    links["propertyNames"] = {"enum": list(DECLARABLE_LINKS)}
    return schema
