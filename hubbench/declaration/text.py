"""A stored declaration (`RunDeclaration.to_json()`) in French, for the CLI, reports, console, certificate.

Works on the stored JSON (no validation): a run recorded before declarations existed has none (None).
"""

from __future__ import annotations

from typing import Any

from hubbench.declaration.model import (
    FEATURE_LABELS_FR,
    FORMAT_LABELS_FR,
    ORIGIN_LABELS_FR,
    ROLE_LABELS_FR,
    Format,
    Role,
)

NONE_FR = "aucune (exécution antérieure aux déclarations)"


def _label(table: dict[Any, str], kind: type[Role] | type[Format], value: str) -> str:
    try:
        return table[kind(value)]
    except ValueError:
        return value


def link_text(declaration: dict[str, Any] | None, link: str) -> str:
    """« LRM · JSON, XML · 15-15_v1.5 » for the run's link (« — » when the link is not declared)."""
    entry = ((declaration or {}).get("links") or {}).get(link)
    if not entry:
        return "—"
    parts = [
        " + ".join(_label(ROLE_LABELS_FR, Role, r) for r in entry.get("roles", [])),
        ", ".join(_label(FORMAT_LABELS_FR, Format, f) for f in entry.get("formats", [])),
    ]
    if entry.get("vhosts"):
        parts.append(", ".join(entry["vhosts"]))
    if entry.get("directCISU"):
        parts.append("directCISU")
    return " · ".join(parts)


def features_text(declaration: dict[str, Any] | None) -> str:
    features = (declaration or {}).get("features") or {}
    chosen = [label for key, label in FEATURE_LABELS_FR.items() if features.get(key)]
    return ", ".join(chosen) if chosen else "aucune option déclarée"


def summary_text(declaration: dict[str, Any] | None, link: str) -> str:
    """One line: « Déclaration (fichier de déclaration) : 15-SMUR LRM + tablette · JSON ; options : … »."""
    if not declaration:
        return f"Déclaration : {NONE_FR}"
    origin = ORIGIN_LABELS_FR.get(str(declaration.get("origin", "")), str(declaration.get("origin", "")))
    return (
        f"Déclaration ({origin}) : {link} {link_text(declaration, link)} ; "
        f"options : {features_text(declaration)}"
    )
