"""Send fuzz cases through the real dispatcher and score what comes back (tests and bench/reliability.py).

Valid cases must reach the recipient's `.message` queue; every malformed case must produce one RS-ERROR
on the sender's `.info` with the expected code. Reports are matched by `referencedDistributionID` when
the case has a unique one, the rest by code (a multiset), since the dispatcher works concurrently.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fuzz_cases import Case
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from hubbench.hub.dispatcher.pipeline import extract_distribution_id
from hubbench.transport.client import HubClient, Inbox


def draw_cases(strategy: st.SearchStrategy[Case], count: int, *, seed: int = 1) -> list[Case]:
    """`count` cases drawn by hypothesis (reproducible with `seed`), in drawing order."""
    drawn: list[Case] = []

    @hypothesis_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case: Case) -> None:
        drawn.append(case)

    collect()
    return drawn


def publish(client: HubClient, case: Case) -> bool:
    props: dict[str, Any] = {"delivery_mode": case.delivery_mode, "expiration": case.expiration,
                             "headers": case.headers or None}
    return client.publish(case.body, content_type=case.content_type, properties=props)


def report_of(body: bytes) -> tuple[int | None, str | None]:
    """(errorCode.statusCode, referencedDistributionID) of an RS-ERROR in JSON form."""
    try:
        env = json.loads(body)
        error = env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["error"]
        return int(error["errorCode"]["statusCode"]), error.get("referencedDistributionID")
    except (ValueError, KeyError, IndexError, TypeError):
        return None, None


@dataclass
class WireScore:
    valid_total: int = 0
    valid_delivered: int = 0
    malformed_total: int = 0
    reports_ok: int = 0
    reports_received: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def valid_pct(self) -> float:
        return 100.0 * self.valid_delivered / self.valid_total if self.valid_total else 100.0

    @property
    def reports_pct(self) -> float:
        return 100.0 * self.reports_ok / self.malformed_total if self.malformed_total else 100.0


def score(cases: Sequence[Case], delivered: set[str], reports: list[tuple[int | None, str | None]]
          ) -> WireScore:
    out = WireScore()
    by_ref: dict[str, Case] = {}
    pooled: Counter[int | str] = Counter()
    for case in cases:
        if not case.malformed:
            out.valid_total += 1
            if case.ref_id in delivered:
                out.valid_delivered += 1
            else:
                out.mismatches.append(f"non livré : {case.label} {case.ref_id}")
            continue
        out.malformed_total += 1
        if case.ref_id:
            by_ref[case.ref_id] = case
        else:
            pooled[case.on_wire] += 1
    out.reports_received = len(reports)
    unmatched: Counter[int | str] = Counter()
    for code, ref in reports:
        case = by_ref.pop(ref, None) if ref else None
        if case is None:
            unmatched[code if code is not None else "illisible"] += 1
        elif case.on_wire == code:
            out.reports_ok += 1
        else:
            out.mismatches.append(f"{case.label} : {case.on_wire} attendu, {code} reçu")
    for code, count in pooled.items():
        hit = min(count, unmatched.get(code, 0))
        out.reports_ok += hit
        if hit < count:
            out.mismatches.append(f"{count - hit} rapport(s) {code} manquant(s) (cas sans identifiant)")
    out.mismatches += [f"sans rapport : {c.label} ({c.on_wire})" for c in by_ref.values()]
    return out


def run_stream(cases: Sequence[Case], sender: HubClient, sender_inbox: Inbox, recipient_inbox: Inbox,
               *, timeout: float = 120.0, progress: Callable[[int], None] | None = None) -> WireScore:
    """Publish every case (with confirms), then collect deliveries and reports until all arrived."""
    for index, case in enumerate(cases):
        assert publish(sender, case), f"publication non confirmée : {case.label}"
        if progress is not None:
            progress(index)
    expected_valid = {c.ref_id for c in cases if not c.malformed}
    expected_reports = sum(1 for c in cases if c.malformed)
    delivered: set[str] = set()
    reports: list[tuple[int | None, str | None]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for delivery in recipient_inbox.drain():
            delivered.add(extract_distribution_id(delivery.body))
        reports += [report_of(d.body) for d in sender_inbox.drain() if d.kind == "info"]
        if expected_valid <= delivered and len(reports) >= expected_reports:
            break
        time.sleep(0.2)
    time.sleep(1.0)  # anything extra (a duplicate, a stray report) shows up in the score
    reports += [report_of(d.body) for d in sender_inbox.drain() if d.kind == "info"]
    return score(cases, delivered, reports)
