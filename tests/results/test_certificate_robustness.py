"""The certificate shows the optional Robustesse tier by name, and only when the run had it."""

from __future__ import annotations

from datetime import UTC, datetime

from hubbench.events import ROBUSTNESS_TIER, Verdict
from hubbench.results.reporters.certificate import Certificate, certificate_html

WHEN = datetime(2026, 12, 5, tzinfo=UTC)


def _certificate(tiers: dict[int, Verdict]) -> Certificate:
    return Certificate(vendor="Démo R", client_id="fr.health.samu650", link="15-15", vhost="15-15_v1.5",
                       run_id="run-robustesse", pack_tag="1.3.0", pack_source="locale",
                       pack_checksum="0" * 64, bench_version="0", run_date=WHEN, issued_at=WHEN,
                       tiers=tiers, official_cases=[], evidence_sha256="1" * 64)


def test_the_robustness_line_shows_when_the_tier_ran() -> None:
    page = certificate_html(_certificate({1: Verdict.PASSED, ROBUSTNESS_TIER: Verdict.PASSED}))
    assert "Robustesse — pannes réseau et messages inhabituels" in page
    assert "1, Robustesse" in page  # the tiers passed name the optional one


def test_no_robustness_line_without_the_tier() -> None:
    page = certificate_html(_certificate({1: Verdict.PASSED, 2: Verdict.FAILED}))
    assert "Robustesse" not in page and "<td>1</td>" in page
