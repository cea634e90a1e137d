"""Readiness certificate of a vendor on a link (HTML and PDF), from one finished run (console, CLI export).

The evidence hash is the SHA-256 of the canonical JSON of everything the run recorded (scenarios,
steps, checks, prompts, exchanged messages with their bodies, attestations, overrides) and of the
hub's trace rows for the run: anyone holding the database can recompute it with `evidence_hash`.

The certificate names the pack behind the verdicts (tag, source, checksum). No certificate is issued from
provisional evidence (the vhost validated with the `hubsante-model` fallback): `build_certificate`
raises `ProvisionalEvidence` with the French reason, for the console and any other caller.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from fpdf import FPDF

from hubbench import fonts
from hubbench.declaration import NONE_FR, features_text, link_text
from hubbench.errors import UsageError
from hubbench.events import OPTIONAL_TIER_NAMES_FR, Verdict, aggregate, blocked_label, tier_label, tier_title
from hubbench.results.reporters._common import RunSource, load_run, prepare
from hubbench.results.views import RunDetail, TraceView, as_dict

OFFICIAL_TAG_PREFIXES = ("officiel", "cas-officiel", "cas_officiel")
DISCLAIMER_FR = (
    "Ce certificat atteste des résultats obtenus sur le banc de conformité hubbench. "
    "Il ne remplace pas la qualification officielle par l'Agence du Numérique en Santé."
)


class ProvisionalEvidence(UsageError):
    """The run's verdicts rest on provisional validation: no certificate."""


@dataclass(frozen=True)
class Certificate:
    vendor: str
    client_id: str
    link: str
    vhost: str
    run_id: str
    pack_tag: str
    pack_source: str
    pack_checksum: str
    bench_version: str
    run_date: datetime
    issued_at: datetime
    tiers: dict[int, Verdict]  # every tier the run covered → its verdict
    official_cases: list[str]  # names of the official test cases passed
    evidence_sha256: str
    declaration: str = NONE_FR  # the vendor's declaration on the link (roles, formats, versions, options)
    blocked_by: dict[int, int] = field(default_factory=dict)  # BLOCKED tier → the tier of its root check

    def tier_label(self, tier: int) -> str:
        """A tier's verdict in French; « bloqué par le palier N » for a blocked tier."""
        verdict = self.tiers[tier]
        return blocked_label(self.blocked_by.get(tier)) if verdict is Verdict.BLOCKED else verdict.label_fr

    @property
    def tiers_passed(self) -> list[int]:
        return [tier for tier, verdict in sorted(self.tiers.items()) if verdict is Verdict.PASSED]


def evidence_hash(detail: RunDetail, trace: list[TraceView]) -> str:
    canonical = json.dumps(
        {"run": as_dict(detail), "trace": as_dict(trace)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_official(tags: list[str]) -> bool:
    return any(tag.lstrip("@").lower().startswith(OFFICIAL_TAG_PREFIXES) for tag in tags)


def build_certificate(
    detail: RunDetail, trace: list[TraceView], *, issued_at: datetime | None = None
) -> Certificate:
    run = detail.run
    if run.provisional:
        reason = (run.pack or {}).get("reason") or "pack officiel indisponible"
        raise ProvisionalEvidence(
            f"Pas de certificat pour l'exécution {run.run_id} : ses verdicts sont provisoires (le vhost "
            f"{run.vhost} validait avec le repli hubsante-model, sans le pack officiel {run.pack_tag} ; "
            f"cause : {reason}).",
            hint="rendez le pack officiel disponible (hubbench packs fetch --all ou HUBBENCH_PACK_SOURCE), "
                 "redémarrez le hub puis relancez l'exécution",
        )
    pack = run.pack or {}
    by_tier: dict[int, list[Verdict]] = {tier: [] for tier in run.tiers}
    roots: dict[int, int] = {}
    for scenario in detail.scenarios:
        if scenario.verdict is not None:
            by_tier.setdefault(scenario.tier, []).append(scenario.verdict)
        if scenario.verdict is Verdict.BLOCKED and scenario.blocked_by_tier:
            root = scenario.blocked_by_tier
            roots[scenario.tier] = min(root, roots.get(scenario.tier, root))
    return Certificate(
        vendor=run.vendor,
        client_id=run.client_id,
        link=run.link,
        vhost=run.vhost,
        run_id=run.run_id,
        pack_tag=run.pack_tag,
        pack_source=str(pack.get("source") or "non enregistrée"),
        pack_checksum=str(pack.get("checksum") or "non enregistrée"),
        bench_version=run.bench_version,
        run_date=run.finished_at or run.started_at,
        issued_at=issued_at or datetime.now(UTC),
        tiers={tier: aggregate(verdicts) for tier, verdicts in sorted(by_tier.items())},
        official_cases=[
            s.name for s in detail.scenarios if is_official(s.tags) and s.verdict is Verdict.PASSED
        ],
        evidence_sha256=evidence_hash(detail, trace),
        declaration=declaration_fact(run.declaration, run.link),
        blocked_by=roots,
    )


def declaration_fact(declaration: dict[str, Any] | None, link: str) -> str:
    if not declaration:
        return NONE_FR
    return f"{link_text(declaration, link)} ; options : {features_text(declaration)}"


def _facts(cert: Certificate) -> list[tuple[str, str]]:
    # an optional tier by its name (« 1, 2, 3, Robustesse »): its line shows only when the run had it
    passed = ", ".join(tier_label(t) if t in OPTIONAL_TIER_NAMES_FR else str(t) for t in cert.tiers_passed)
    passed = passed or "aucun"
    return [
        ("Éditeur", cert.vendor),
        ("Identifiant client", cert.client_id),
        ("Lien", cert.link),
        ("Hôte virtuel du hub (version)", cert.vhost),
        ("Déclaration (rôles, formats, versions, options)", cert.declaration),
        ("Paliers réussis", passed),
        ("Version du banc", cert.bench_version),
        ("Version du paquet de schémas", cert.pack_tag),
        ("Source du paquet de schémas", cert.pack_source),
        ("Somme SHA-256 du paquet de schémas", cert.pack_checksum),
        ("Date de l'exécution", cert.run_date.strftime("%d/%m/%Y %H:%M UTC")),
        ("Exécution", cert.run_id),
    ]


def _title(cert: Certificate) -> str:
    return f"Certificat de préparation au Hub Santé — {cert.vendor} — lien {cert.link}"


def certificate_html(cert: Certificate) -> str:
    facts = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in _facts(cert))
    tiers = "".join(
        f"<tr><td>{html.escape(tier_title(t))}</td>"
        f"<td class='v-{v.value}'>{html.escape(cert.tier_label(t))}</td></tr>"
        for t, v in cert.tiers.items()
    )
    cases = "".join(f"<li>{html.escape(name)}</li>" for name in cert.official_cases) or "<li>aucun</li>"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(_title(cert))}</title>
<style>
body {{ font-family: sans-serif; max-width: 52rem; margin: 2rem auto; color: #212121; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }}
th, td {{ border: 1px solid #cfd8dc; padding: .4rem .6rem; text-align: left; }}
th {{ background: #eceff1; width: 38%; }}
.v-passed {{ color: #2e7d32; font-weight: bold; }} .v-failed {{ color: #c62828; font-weight: bold; }}
.hash {{ font-family: monospace; word-break: break-all; }}
</style></head><body>
<h1>{html.escape(_title(cert))}</h1>
<table>{facts}
<tr><th>Empreinte SHA-256 des preuves</th><td class="hash">{cert.evidence_sha256}</td></tr></table>
<h2>Résultat par palier</h2>
<table><tr><th>Palier</th><th>Résultat</th></tr>{tiers}</table>
<h2>Cas de test officiels réussis</h2>
<ul>{cases}</ul>
<p><em>{html.escape(DISCLAIMER_FR)}</em></p>
<p>Émis le {cert.issued_at.strftime("%d/%m/%Y à %H:%M UTC")}.</p>
</body></html>
"""


def _pdf_with_fonts() -> FPDF:
    """An A4 document with DejaVu Sans (regular, bold) from the package: every French character prints."""
    pdf = FPDF(format="A4")
    pdf.add_font(fonts.SANS_FAMILY, "", str(fonts.sans_regular()))
    pdf.add_font(fonts.SANS_FAMILY, "B", str(fonts.sans_bold()))
    return pdf


def certificate_pdf(cert: Certificate) -> bytes:
    sans = fonts.SANS_FAMILY
    pdf = _pdf_with_fonts()
    pdf.set_compression(False)  # keeps the evidence hash (Courier, ASCII) greppable in the file
    pdf.set_title(_title(cert))
    pdf.set_creator("hubbench")
    pdf.add_page()
    pdf.set_font(sans, "B", 15)
    pdf.multi_cell(0, 8, _title(cert), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(sans, size=10)
    with pdf.table(col_widths=(38, 62), first_row_as_headings=False) as table:
        for key, value in _facts(cert):
            row = table.row()
            row.cell(key)
            row.cell(value)
    pdf.ln(3)
    pdf.set_font(sans, "B", 10)
    pdf.cell(0, 6, "Empreinte SHA-256 des preuves :", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", size=9)  # 64 characters fit on one line: the hash stays whole in the file
    pdf.cell(0, 6, cert.evidence_sha256, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(sans, "B", 12)
    pdf.cell(0, 8, "Résultat par palier", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(sans, size=10)
    with pdf.table(col_widths=(70, 30)) as table:
        head = table.row()
        head.cell("Palier")
        head.cell("Résultat")
        for tier in cert.tiers:
            row = table.row()
            row.cell(tier_title(tier))
            row.cell(cert.tier_label(tier))
    pdf.ln(4)
    pdf.set_font(sans, "B", 12)
    pdf.cell(0, 8, "Cas de test officiels réussis", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(sans, size=10)
    for name in cert.official_cases or ["aucun"]:
        pdf.multi_cell(0, 6, f"– {name}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(sans, size=9)
    pdf.multi_cell(0, 5, DISCLAIMER_FR, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0, 5, f"Émis le {cert.issued_at.strftime('%d/%m/%Y à %H:%M UTC')}.", new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())


class CertificateSource(RunSource, Protocol):
    def trace_for_run(self, run_id: str) -> list[TraceView]: ...


def run_certificate(store: CertificateSource, run_id: str) -> Certificate:
    """The certificate of a stored run (unknown run: a French `UsageError`)."""
    return build_certificate(load_run(store, run_id), store.trace_for_run(run_id))


def write_certificate_pdf(store: CertificateSource, run_id: str, path: str | Path) -> Path:
    target = prepare(path)
    target.write_bytes(certificate_pdf(run_certificate(store, run_id)))
    return target
