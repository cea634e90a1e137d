"""The coverage table in French: terminal text, Markdown (docs/couverture.md) and JSON (docs/couverture.json).

Deterministic (no date, no absolute path): the published files are compared byte for byte with a fresh
rendering (`hubbench couverture --verifier`, tests/docs/test_coverage_table.py).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hubbench.declaration import LINK_ROLES, ROLE_LABELS_FR, Role
from hubbench.engine.coverage import Cell, CellState, Coverage, Requirement
from hubbench.engine.links import tier_label

STATES = tuple(CellState)
RULE_FR = " ".join((
    "Une case (exigence × liaison × rôle) est « vérifié » quand un scénario qui s'applique à cette",
    "liaison et à ce rôle la cite (étiquette `@exigence-<id>`) et la vérifie par la machine (une de ses",
    "étapes « Quand » ou « Alors » n'est pas une attestation), « à attester » quand seuls des scénarios",
    "avec une attestation d'une personne la citent, « vérifié et à attester » quand les deux la citent.",
    "Les scénarios priment sur le statut du fichier d'exigences : le statut (« en cours », « non couvert »)",
    "et sa raison ne s'affichent que pour une case qu'aucun scénario ne couvre.",
))


def _role(role: str) -> str:
    return ROLE_LABELS_FR[Role(role)] if role in Role.__members__.values() else role


def _groups(coverage: Coverage) -> dict[tuple[str, str, int], list[Cell]]:
    groups: dict[tuple[str, str, int], list[Cell]] = {}
    for cell in coverage.cells:
        groups.setdefault((cell.link, cell.role, cell.requirement.tier), []).append(cell)
    links = list(LINK_ROLES)
    return dict(sorted(groups.items(), key=lambda kv: (links.index(kv[0][0]), kv[0][1], kv[0][2])))


def summary_rows(coverage: Coverage) -> list[dict[str, Any]]:
    """Per link × role × tier, the number of cells in each state."""
    rows = []
    for (link, role, tier), cells in _groups(coverage).items():
        counts = Counter(cell.state for cell in cells)
        rows.append({"liaison": link, "role": role, "palier": tier, "palier_libelle": tier_label(tier),
                     **{state.value: counts.get(state, 0) for state in STATES}})
    return rows


def _detail(cell: Cell) -> str:
    if cell.scenarios:
        return " ; ".join(s.label for s in cell.scenarios)
    return cell.reason or ""


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(coverage: Coverage) -> str:
    out = [
        "# Couverture des exigences — paliers 1 à 7 et Robustesse", "",
        "Page générée par `hubbench couverture --ecrire` depuis `features/exigences.yaml` et les étiquettes "
        "`@exigence-<id>` des scénarios de `features/` : ne pas la modifier à la main "
        "(`hubbench couverture --verifier` et `tests/docs/test_coverage_table.py` la comparent aux "
        "scénarios). Même contenu en JSON : `docs/couverture.json`.", "", RULE_FR, "",
        "## Synthèse par liaison, rôle et palier", "",
        "| liaison | rôle | palier | " + " | ".join(s.value for s in STATES) + " |",
        "|---|---|---|" + "---:|" * len(STATES),
    ]
    out += [f"| {r['liaison']} | {_role(r['role'])} | {r['palier_libelle']} | "
            + " | ".join(str(r[s.value]) for s in STATES) + " |" for r in summary_rows(coverage)]
    if coverage.stale_status:
        out += ["", "## Statuts à revoir", "",
                "Ces exigences portent encore un statut alors que des scénarios couvrent toutes leurs "
                "cases :",
                ""] + [f"- `{ident}`" for ident in coverage.stale_status]
    current: tuple[str, str] | None = None
    for (link, role, tier), cells in _groups(coverage).items():
        if current != (link, role):
            current = (link, role)
            out += ["", f"## {link} — {_role(role)}"]
        out += ["", f"### {tier_label(tier)}", "",
                "| exigence | source | texte | état | scénarios ou raison |", "|---|---|---|---|---|"]
        out += [f"| `{c.requirement.id}` | {_md(c.requirement.source)} | {_md(c.requirement.text)} | "
                f"{c.state.value} | {_md(_detail(c))} |" for c in cells]
    return "\n".join(out) + "\n"


def _requirement_json(requirement: Requirement, cells: list[Cell]) -> dict[str, Any]:
    return {"id": requirement.id, "source": requirement.source, "palier": requirement.tier,
            "palier_libelle": tier_label(requirement.tier), "texte": requirement.text,
            "statut": requirement.status, "raison": requirement.reason,
            "cases": [{"liaison": c.link, "role": c.role, "etat": c.state.value,
                       "scenarios": [s.label for s in c.scenarios],
                       "raison": None if c.scenarios else c.reason} for c in cells]}


def coverage_json(coverage: Coverage) -> dict[str, Any]:
    by_item: dict[str, list[Cell]] = {}
    for cell in coverage.cells:
        by_item.setdefault(cell.requirement.id, []).append(cell)
    items = sorted(coverage.requirements, key=lambda r: r.tier)
    return {"version": 1, "regle": RULE_FR, "synthese": summary_rows(coverage),
            "exigences": [_requirement_json(r, by_item.get(r.id, [])) for r in items],
            "statuts_a_revoir": list(coverage.stale_status),
            "etiquettes_inconnues": [{"id": i, "scenario": s} for i, s in coverage.unknown]}


def render_json(coverage: Coverage) -> str:
    return json.dumps(coverage_json(coverage), ensure_ascii=False, indent=2) + "\n"


def render_text(coverage: Coverage) -> str:
    """The terminal table: one line per cell, then the summary."""
    head = ("palier", "liaison", "rôle", "exigence", "état", "scénarios ou raison")
    rows = [(tier_label(c.requirement.tier), c.link, _role(c.role), c.requirement.id, c.state.value,
             f"{len(c.scenarios)} scénario(s)" if c.scenarios else (c.reason or ""))
            for cells in _groups(coverage).values() for c in cells]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head) - 1)]
    lines = ["  ".join(value.ljust(width) for value, width in zip(row, widths, strict=False)) + "  " + row[-1]
             for row in [head, *rows]]
    totals = Counter(c.state for c in coverage.cells)
    lines += ["", "Total : " + ", ".join(f"{totals.get(s, 0)} {s.value}" for s in STATES)
              + f" ({len(coverage.requirements)} exigences, {len(coverage.cells)} cases)."]
    return "\n".join(line.rstrip() for line in lines) + "\n"
