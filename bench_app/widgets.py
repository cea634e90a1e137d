"""HTML fragments of the console (verdict chips, legend, conformance matrix); no Streamlit calls."""

from __future__ import annotations

import html
from urllib.parse import urlencode

from bench_app.labels import (
    LEGEND,
    LINKS,
    TIER_NAMES_FR,
    VERDICT_COLOURS,
    VERDICT_HELP_FR,
    VERDICT_ICONS,
    VERDICT_SHORT_FR,
    tier_column,
    tier_title,
    verdict_label,
)
from hubbench.declaration import link_text
from hubbench.events import Verdict, blocked_label
from hubbench.protocol import provisional_label
from hubbench.results import MATRIX_TIERS, TIERS, MatrixRow, RunSummary

DETAIL_PAGE = "detail"


def chip(verdict: Verdict | None) -> str:
    if verdict is None:
        return '<span class="hb-chip" style="background:#e3f2fd;color:#0d47a1">… en cours</span>'
    bg, fg = VERDICT_COLOURS[verdict]
    return (
        f'<span class="hb-chip hb-{verdict.value}" style="background:{bg};color:{fg};padding:2px 8px;'
        f'border-radius:10px;font-weight:600;white-space:nowrap">{VERDICT_ICONS[verdict]} '
        f"{html.escape(verdict_label(verdict))}</span>"
    )


def legend_html() -> str:
    items = "".join(
        f'<div style="margin:2px 0">{chip(v)} <span style="color:#455a64">{html.escape(VERDICT_HELP_FR[v])}'
        "</span></div>"
        for v in LEGEND
    )
    return f'<div class="hb-legend" style="margin-bottom:0.8rem">{items}</div>'


def ordered_links(rows: list[MatrixRow]) -> list[str]:
    present = {row.link for row in rows}
    return [link for link in LINKS if link in present] + sorted(present - set(LINKS))


def matrix_html(rows: list[MatrixRow]) -> str:
    """Vendors (rows) × links × tiers 1–7 (columns); each cell coloured by verdict and linked to the
    drill-down of its run and tier."""
    links = ordered_links(rows)
    by_vendor: dict[str, dict[str, MatrixRow]] = {}
    for row in rows:
        by_vendor.setdefault(row.vendor, {})[row.link] = row
    cell_style = "border:1px solid #fff;padding:4px 2px;text-align:center;font-size:0.72rem;width:2.9rem"
    head1 = '<th rowspan="2" style="text-align:left;padding:6px">Éditeur</th>' + "".join(
        f'<th colspan="{len(MATRIX_TIERS)}" '
        'style="text-align:center;padding:6px;border-bottom:2px solid #90a4ae">'
        f"Lien {html.escape(link)} — paliers 1 à 7, R : Robustesse</th>"
        for link in links
    )
    head2 = "".join(
        f'<th title="{html.escape(tier_title(t))}" style="font-weight:500;font-size:0.8rem;padding:2px;'
        f'text-align:center">{tier_column(t)}</th>'
        for _ in links
        for t in MATRIX_TIERS
    )
    body = []
    for vendor in sorted(by_vendor):
        cells = [f'<th style="text-align:left;padding:6px;white-space:nowrap">{html.escape(vendor)}</th>']
        for link in links:
            row = by_vendor[vendor].get(link)
            provisional = row is not None and row.provisional
            for tier in MATRIX_TIERS:
                verdict = row.cells.get(tier, Verdict.NOT_RUN) if row else Verdict.NOT_RUN
                bg, fg = VERDICT_COLOURS[verdict]
                marked = provisional and verdict is not Verdict.NOT_RUN
                label, short = cell_labels(row, tier, verdict, marked)
                declared = (f" (déclaré : {link_text(row.declaration, link)})"
                            if row and row.declaration else "")
                tip = html.escape(f"{vendor} — lien {link}{declared} — {tier_title(tier)} : {label}")
                text = f"{VERDICT_ICONS[verdict]}<br>{html.escape(short) or '&nbsp;'}"
                if row is not None and verdict is not Verdict.NOT_RUN:
                    href = f"{DETAIL_PAGE}?{urlencode({'run': row.run_id, 'tier': tier})}"
                    text = (
                        f'<a href="{href}" target="_self" style="color:{fg};text-decoration:none">{text}</a>'
                    )
                extra = ";outline:2px dashed #ff6f00;outline-offset:-3px" if marked else ""
                cells.append(
                    f'<td class="hb-cell hb-{verdict.value}{" hb-provisoire" if marked else ""}" '
                    f'data-vendor="{html.escape(vendor)}" data-link="{html.escape(link)}" data-tier="{tier}" '
                    f'title="{tip}" style="{cell_style};background:{bg};color:{fg}{extra}">{text}</td>'
                )
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<div style="overflow-x:auto"><table class="hb-matrix" style="border-collapse:collapse">'
        f"<thead><tr>{head1}</tr><tr>{head2}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def cell_labels(row: MatrixRow | None, tier: int, verdict: Verdict, provisional: bool = False
                ) -> tuple[str, str]:
    """(full label, short cell text) of a matrix cell; a blocked cell names its root tier."""
    root = row.blocked_by.get(tier) if row is not None and verdict is Verdict.BLOCKED else None
    short = f"bloqué P{root}" if root else VERDICT_SHORT_FR[verdict]
    return verdict_label(verdict, provisional, root), provisional_label(short, provisional)


def vendor_summary(vendor: str, rows: list[MatrixRow]) -> str:
    """One plain sentence per vendor and link (with its declared roles and formats): which tiers passed,
    which need attention, which are blocked by a lower tier."""
    parts = []
    for row in sorted((r for r in rows if r.vendor == vendor), key=lambda r: r.link):
        passed = [t for t in TIERS if row.cells.get(t) is Verdict.PASSED]
        bad = [t for t in TIERS if row.cells.get(t, Verdict.NOT_RUN).counts_as_failure
               and row.cells.get(t) is not Verdict.BLOCKED]
        blocked = [t for t in TIERS if row.cells.get(t) is Verdict.BLOCKED]
        pending = [t for t in TIERS if row.cells.get(t) is Verdict.PENDING_ATTESTATION]
        declared = f" ({link_text(row.declaration, row.link)})" if row.declaration else ""
        text = f"lien {row.link}{declared} : {len(passed)} palier(s) réussi(s) sur {len(TIERS)}"
        if row.provisional:
            text += " (PROVISOIRE : validation de repli, pas de certificat)"
        if bad:
            text += " ; à corriger : " + ", ".join(f"palier {t} ({TIER_NAMES_FR[t]})" for t in bad)
        if blocked:
            text += " ; " + ", ".join(f"palier {t} {blocked_label(row.blocked_by.get(t))}"
                                      for t in blocked)
        if pending:
            text += " ; à attester : " + ", ".join(f"palier {t}" for t in pending)
        parts.append(text)
    return f"**{vendor}** — " + " · ".join(parts)


def pack_markdown(run: RunSummary) -> str:
    """The run's schemas: pack tag, source and checksum (« provenance inconnue » for older runs)."""
    pack = run.pack or {}
    if not pack:
        return f"Schémas : pack {run.pack_tag} (provenance non enregistrée)"
    checksum = f"`sha256 {pack['checksum']}`" if pack.get("checksum") else "sans somme de contrôle"
    mark = " **(PROVISOIRE)**" if run.provisional else ""
    tag = pack.get("tag", run.pack_tag)
    return f"Schémas : pack **{tag}**{mark} · source `{pack.get('source')}` · {checksum}"


def provisional_warning(run: RunSummary) -> str | None:
    """Why every verdict of this run is provisional (None when the evidence is official)."""
    if not run.provisional:
        return None
    reason = (run.pack or {}).get("reason") or "pack officiel indisponible"
    return (f"Verdicts PROVISOIRES : le vhost {run.vhost} validait avec le repli hubsante-model "
            f"(motifs et champs inconnus non contrôlés). Aucun certificat ne peut en être tiré. "
            f"Cause : {reason}")


def failure_markdown(rule: str, expected: str, received: str, extra: str = "") -> str:
    text = f"**Règle :** {rule}  \n**Attendu :** {expected}  \n**Reçu :** {received}"
    return text + (f"  \n{extra}" if extra else "")
