"""The console's only door to the results database, through `ResultsStore` (reads, attestation
answers, overrides). Never talks to the broker."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench_app.certificate import Certificate, build_certificate
from hubbench.errors import UsageError
from hubbench.events import Verdict
from hubbench.results import (
    AttestationView,
    ItemAnswer,
    MatrixRow,
    PromptView,
    ResultsStore,
    RunDetail,
    RunSummary,
    TraceView,
    cucumber_features,
    write_junit,
)


@dataclass(frozen=True)
class MatrixFilter:
    """What the matrix shows: the latest finished run of each (vendor, link) within these bounds,
    or the one chosen run."""

    links: tuple[str, ...] = ()
    vhost: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    run_id: str | None = None


class ConsoleData:
    def __init__(self, url: str) -> None:
        self.store = ResultsStore(url)

    @property
    def url(self) -> str:
        return self.store.db.url

    def runs(
        self,
        *,
        vendor: str | None = None,
        link: str | None = None,
        vhost: str | None = None,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[RunSummary]:
        return self.store.list_runs(
            vendor=vendor, link=link, vhost=vhost, status=status, since=since, until=until, limit=limit
        )

    def matrix(self, flt: MatrixFilter) -> list[MatrixRow]:
        if flt.run_id is not None:
            rows = self.store.matrix(run_id=flt.run_id)
        elif flt.vhost is None and flt.since is None and flt.until is None:
            rows = self.store.matrix()
        else:
            rows = []
            seen: set[tuple[str, str]] = set()
            for run in self.runs(vhost=flt.vhost, since=flt.since, until=flt.until):
                # newest first: the first finished run of each (vendor, link) is the latest
                if run.status == "running" or (run.vendor, run.link) in seen:
                    continue
                seen.add((run.vendor, run.link))
                rows.extend(self.store.matrix(run_id=run.run_id))
        if flt.links:
            rows = [row for row in rows if row.link in flt.links]
        return sorted(rows, key=lambda row: (row.vendor, row.link))

    def run(self, run_id: str) -> RunSummary | None:
        return self.store.run(run_id)

    def run_detail(self, run_id: str) -> RunDetail | None:
        return self.store.run_detail(run_id)

    def trace(self, run_id: str) -> list[TraceView]:
        return self.store.trace_for_run(run_id)

    def pending_attestations(self, run_id: str | None = None) -> list[AttestationView]:
        return self.store.pending_attestations(run_id=run_id)

    def open_prompts(self) -> list[PromptView]:
        return self.store.open_prompts()

    def vendors(self) -> list[str]:
        return sorted({run.vendor for run in self.runs()})

    def vhosts(self) -> list[str]:
        return sorted({run.vhost for run in self.runs()})

    def answer_attestation(
        self, attestation_id: str, answers: Sequence[ItemAnswer], *, comment: str, who: str
    ) -> Verdict | None:
        return self.store.answer_attestation(attestation_id, answers, comment=comment, who=who)

    def override(self, run_id: str, scenario_id: str, verdict: Verdict, *, comment: str, who: str) -> Verdict:
        return self.store.override(run_id, scenario_id, verdict, comment, who)

    def sweep_interrupted(self) -> list[str]:
        """Runs whose process died on this host are closed as interrupted (a store amendment)."""
        return self.store.sweep_interrupted()

    def certificate(self, run_id: str) -> Certificate:
        detail = self.run_detail(run_id)
        if detail is None:
            raise UsageError(f"Exécution inconnue : {run_id}")
        return build_certificate(detail, self.trace(run_id))

    def junit_xml(self, run_id: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="hubbench-junit-") as folder:
            return write_junit(self.store, run_id, Path(folder) / "junit.xml").read_bytes()

    def cucumber_json(self, run_id: str) -> bytes:
        return json.dumps(cucumber_features(self.store, run_id), ensure_ascii=False, indent=2).encode("utf-8")
