"""Figures behind the charts page (pure): pass rate per tier across vendors, ack latencies per link."""

from __future__ import annotations

from statistics import median, quantiles
from typing import Any

from bench_app.data import ConsoleData
from bench_app.labels import TIER_NAMES_FR
from bench_app.messages import ack_latencies_s
from hubbench.events import Verdict
from hubbench.results import TIERS, MatrixRow

_NOT_JUDGED = (Verdict.NOT_RUN, Verdict.NOT_APPLICABLE, Verdict.SKIPPED)


def pass_rate_by_tier(rows: list[MatrixRow]) -> list[dict[str, Any]]:
    """Per tier: among the (vendor, link) cells that were judged, the share passed."""
    table = []
    for tier in TIERS:
        judged = [row.cells[tier] for row in rows if row.cells.get(tier, Verdict.NOT_RUN) not in _NOT_JUDGED]
        passed = sum(1 for v in judged if v is Verdict.PASSED)
        table.append(
            {
                "Palier": f"{tier} — {TIER_NAMES_FR[tier]}",
                "palier": tier,
                "évalués": len(judged),
                "réussis": passed,
                "taux de réussite (%)": round(100 * passed / len(judged), 1) if judged else None,
            }
        )
    return table


def ack_latencies_ms(data: ConsoleData, vendor: str, *, max_runs: int = 30) -> list[dict[str, Any]]:
    """One row per RC-REF of the vendor in its latest finished runs: link, run, latency in ms."""
    points = []
    for run in data.runs(vendor=vendor, limit=max_runs):
        if run.status == "running":
            continue
        detail = data.run_detail(run.run_id)
        messages = [m for s in (detail.scenarios if detail else []) for m in s.messages]
        points += [
            {"Lien": run.link, "exécution": run.run_id, "latence (ms)": round(s * 1000, 1)}
            for s in ack_latencies_s(messages)
        ]
    return points


def latency_stats(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_link: dict[str, list[float]] = {}
    for point in points:
        by_link.setdefault(point["Lien"], []).append(point["latence (ms)"])
    stats = []
    for link, values in sorted(by_link.items()):
        p95 = quantiles(values, n=20, method="inclusive")[-1] if len(values) >= 2 else values[0]
        stats.append(
            {
                "Lien": link,
                "acquittements": len(values),
                "médiane (ms)": round(median(values), 1),
                "95e centile (ms)": round(p95, 1),
                "maximum (ms)": max(values),
            }
        )
    return stats
