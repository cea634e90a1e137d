"""French labels and colours shown by the console (verdicts, tiers, links, timeline events)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hubbench.events import ROBUSTNESS_TIER, VERDICT_LABELS_FR, Verdict, blocked_label
from hubbench.events import TIER_NAMES_FR as TIER_NAMES_FR  # re-exported for the pages
from hubbench.events import tier_title as tier_title
from hubbench.protocol import provisional_label
from hubbench.results import RunSummary
from hubbench.vhosts import LINK_NAMES

LINKS: tuple[str, ...] = LINK_NAMES  # in the order the console lists them

# Background / text colour per verdict: green = good, red = the vendor failed, purple = the bench
# failed, orange = no answer in time, amber = a person must judge, greys = nothing to judge.
VERDICT_COLOURS: dict[Verdict, tuple[str, str]] = {
    Verdict.PASSED: ("#2e7d32", "#ffffff"),
    Verdict.FAILED: ("#c62828", "#ffffff"),
    Verdict.ERROR: ("#6a1b9a", "#ffffff"),
    Verdict.TIMED_OUT: ("#ef6c00", "#ffffff"),
    Verdict.PENDING_ATTESTATION: ("#fbc02d", "#212121"),
    Verdict.UNVERIFIABLE_REMOTE: ("#90a4ae", "#212121"),
    Verdict.NOT_APPLICABLE: ("#b0bec5", "#212121"),
    Verdict.SKIPPED: ("#cfd8dc", "#212121"),
    Verdict.BLOCKED: ("#f8bbd0", "#880e4f"),  # pale red: not passed, but the cause is a lower tier's red
    Verdict.NOT_RUN: ("#eceff1", "#546e7a"),
}

VERDICT_ICONS: dict[Verdict, str] = {
    Verdict.PASSED: "✔",
    Verdict.FAILED: "✘",
    Verdict.ERROR: "⚠",
    Verdict.TIMED_OUT: "◷",
    Verdict.PENDING_ATTESTATION: "✍",
    Verdict.UNVERIFIABLE_REMOTE: "⊘",
    Verdict.NOT_APPLICABLE: "–",
    Verdict.SKIPPED: "…",
    Verdict.BLOCKED: "⛓",
    Verdict.NOT_RUN: "·",
}

# Short words for the matrix cells (the tooltip and the legend give the full label).
VERDICT_SHORT_FR: dict[Verdict, str] = {
    Verdict.PASSED: "réussi",
    Verdict.FAILED: "échoué",
    Verdict.ERROR: "erreur",
    Verdict.TIMED_OUT: "délai",
    Verdict.PENDING_ATTESTATION: "à attester",
    Verdict.UNVERIFIABLE_REMOTE: "à distance",
    Verdict.NOT_APPLICABLE: "n/a",
    Verdict.SKIPPED: "non exécuté",
    Verdict.BLOCKED: "bloqué",
    Verdict.NOT_RUN: "",
}

VERDICT_HELP_FR: dict[Verdict, str] = {
    Verdict.PASSED: "le logiciel de l'éditeur a satisfait toutes les vérifications",
    Verdict.FAILED: "au moins une règle n'est pas respectée par le logiciel de l'éditeur",
    Verdict.ERROR: "le banc lui-même a rencontré un problème : le logiciel n'est pas mis en cause",
    Verdict.TIMED_OUT: "le logiciel n'a pas répondu dans le délai imparti",
    Verdict.PENDING_ATTESTATION: "une personne doit vérifier à l'écran et attester le résultat",
    Verdict.UNVERIFIABLE_REMOTE: (
        "hub externe : la preuve (trace, API de gestion, journal du broker) est sur un hub que le banc "
        "ne gère pas"
    ),
    Verdict.NOT_APPLICABLE: "ce cas ne concerne pas ce logiciel",
    Verdict.SKIPPED: "non exécuté car une étape précédente n'a pas réussi",
    Verdict.BLOCKED: "échoue pour une règle déjà en échec à un palier inférieur : corrigez d'abord ce palier",
    Verdict.NOT_RUN: "aucun résultat pour ce palier",
}

# The seven verdicts the matrix legend shows (the others are rare and still coloured).
LEGEND: tuple[Verdict, ...] = (
    Verdict.PASSED,
    Verdict.FAILED,
    Verdict.ERROR,
    Verdict.TIMED_OUT,
    Verdict.PENDING_ATTESTATION,
    Verdict.BLOCKED,
    Verdict.NOT_RUN,
)

RUN_STATUS_FR: dict[str, str] = {"running": "en cours", "finished": "terminée", "interrupted": "interrompue"}

PROMPT_OUTCOME_FR: dict[str | None, str] = {
    None: "en attente",
    "done": "fait",
    "timed_out": "délai dépassé",
    "cancelled": "annulée",
    "resent": "étape relancée",
    "skipped": "étape passée",
}


def verdict_label(
    verdict: Verdict | None, provisional: bool = False, blocked_by_tier: int | None = None
) -> str:
    """"réussi"; "réussi (provisoire)" when the run's evidence is provisional; "bloqué par le palier 2"
    for a blocked verdict whose root tier is known."""
    if verdict is None:
        return "en cours"
    text = blocked_label(blocked_by_tier) if verdict is Verdict.BLOCKED else VERDICT_LABELS_FR[verdict]
    return provisional_label(text, provisional)


def verdict_badge(
    verdict: Verdict | None, provisional: bool = False, blocked_by_tier: int | None = None
) -> str:
    """Short text with icon, for tables and titles: "✔ réussi" ("✔ réussi (provisoire)")."""
    if verdict is None:
        return "… en cours"
    return f"{VERDICT_ICONS[verdict]} {verdict_label(verdict, provisional, blocked_by_tier)}"


PARIS = ZoneInfo("Europe/Paris")


def tier_column(tier: int) -> str:
    """The matrix's column head: the tier's number, « R » for the optional Robustesse tier."""
    return "R" if tier == ROBUSTNESS_TIER else str(tier)


def fmt_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """Paris local time, French style: 25/11/2026 15:10."""
    if moment is None:
        return "—"
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def run_label(run: RunSummary) -> str:
    verdict = verdict_label(run.verdict, run.provisional) if run.status != "running" else "en cours"
    return f"{run.vendor} · {run.link} · {run.vhost} · {fmt_time(run.started_at)} · {verdict} ({run.run_id})"
