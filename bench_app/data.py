"""The console's only door to the results database, through `ResultsStore` (reads, attestation
answers, overrides) and `AccountStore` (log-in). Never talks to the broker.

Every read and every change is scoped here to the logged-in account (`for_account`), so that no page can
forget it: an `editeur` account reads only its own vendor's runs (and, of the hub's trace, only the
messages its client sent or received), answers no attestation and forces no verdict; its name is the
one recorded for what it does. Without an account (the single-user console on 127.0.0.1), everything is
shown and the person's name is typed, as before accounts existed."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hubbench.errors import UsageError
from hubbench.events import Verdict
from hubbench.results import (
    Account,
    AccountStore,
    AttestationView,
    Certificate,
    ItemAnswer,
    MatrixRow,
    PromptView,
    ResultsStore,
    Role,
    RunDetail,
    RunSummary,
    TraceView,
    build_certificate,
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


class AccessDenied(UsageError):
    """The logged-in account may not read or do this."""


class ConsoleData:
    def __init__(self, url: str | ResultsStore, account: Account | None = None) -> None:
        self.store = url if isinstance(url, ResultsStore) else ResultsStore(url)
        self.accounts = AccountStore(self.store.db)
        self.account = account

    def for_account(self, account: Account | None) -> ConsoleData:
        """The same database, read and changed as `account` (None: the single-user console)."""
        return ConsoleData(self.store, account)

    @property
    def url(self) -> str:
        return self.store.db.url

    # ------------------------------------------------------------------ accounts and scope
    def authenticate(self, name: str, password: str) -> Account | None:
        return self.accounts.authenticate(name, password)

    def refreshed_account(self, account: Account) -> Account | None:
        """The account as stored now (role changed, or removed: None)."""
        return self.accounts.get(account.name)

    @property
    def vendor_scope(self) -> str | None:
        """The only vendor this account may see; None for every vendor."""
        if self.account is not None and self.account.role is Role.VENDOR:
            return self.account.vendor or "\x00"  # a vendor account without vendor sees nothing
        return None

    def _visible(self, run: RunSummary | None) -> RunSummary | None:
        scope = self.vendor_scope
        return run if run is None or scope is None or run.vendor == scope else None

    def _require_run(self, run_id: str) -> RunSummary:
        run = self.run(run_id)
        if run is None:
            raise UsageError(f"Exécution inconnue : {run_id}")
        return run

    def _actor(self, who: str | None, *, allowed: bool, action: str) -> str:
        """The name recorded for a change: the account's own, never a typed one, when logged in."""
        if self.account is None:
            return who or ""
        if not allowed:
            raise AccessDenied(f"Votre compte ({self.account.label_fr}) ne peut pas {action}.")
        return self.account.name

    def step_chooser(self, who: str | None) -> str:
        """Who resends or skips an official case step: the account (any role that sees the run: the
        vendor's tester, as on the official test console), else the typed name."""
        return self._actor(who, allowed=True, action="renvoyer ou passer une étape")

    @property
    def can_answer_attestations(self) -> bool:
        return self.account is None or self.account.can_answer_attestations

    @property
    def can_override(self) -> bool:
        return self.account is None or self.account.can_override

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
        session_id: str | None = None,
    ) -> list[RunSummary]:
        scope = self.vendor_scope
        if scope is not None:
            if vendor not in (None, scope):
                return []
            vendor = scope
        return self.store.list_runs(
            vendor=vendor, link=link, vhost=vhost, status=status, since=since, until=until, limit=limit,
            session_id=session_id,
        )

    def matrix(self, flt: MatrixFilter) -> list[MatrixRow]:
        if flt.run_id is not None:
            rows = self.store.matrix(run_id=flt.run_id) if self.run(flt.run_id) else []
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
        if self.vendor_scope is not None:
            rows = [row for row in rows if row.vendor == self.vendor_scope]
        return sorted(rows, key=lambda row: (row.vendor, row.link))

    def run(self, run_id: str) -> RunSummary | None:
        return self._visible(self.store.run(run_id))

    def run_detail(self, run_id: str) -> RunDetail | None:
        return self.store.run_detail(run_id) if self.run(run_id) else None

    def trace(self, run_id: str) -> list[TraceView]:
        run = self.run(run_id)
        if run is None:
            return []
        rows = self.store.trace_for_run(run_id)
        if self.vendor_scope is None:
            return rows
        # The bench's partners may talk to other vendors in the same window: keep only this client's.
        return [row for row in rows if run.client_id in (row.sender_id, row.recipient_id)]

    def pending_attestations(self, run_id: str | None = None) -> list[AttestationView]:
        return [a for a in self.store.pending_attestations(run_id=run_id) if self.run(a.run_id)]

    def open_prompts(self) -> list[PromptView]:
        return [p for p in self.store.open_prompts() if self.run(p.run_id)]

    def vendors(self) -> list[str]:
        return sorted({run.vendor for run in self.runs()})

    def vhosts(self) -> list[str]:
        return sorted({run.vhost for run in self.runs()})

    def answer_attestation(
        self,
        attestation_id: str,
        answers: Sequence[ItemAnswer],
        *,
        comment: str,
        who: str | None = None,
    ) -> Verdict | None:
        """`who` is typed on the single-user console only; a logged-in account answers as itself."""
        name = self._actor(who, allowed=self.can_answer_attestations, action="répondre aux attestations")
        return self.store.answer_attestation(attestation_id, answers, comment=comment, who=name)

    def override(
        self, run_id: str, scenario_id: str, verdict: Verdict, *, comment: str, who: str | None = None
    ) -> Verdict:
        name = self._actor(who, allowed=self.can_override, action="forcer un verdict")
        self._require_run(run_id)
        return self.store.override(run_id, scenario_id, verdict, comment, name)

    def sweep_interrupted(self) -> list[str]:
        """Runs whose process died on this host are closed as interrupted (a store amendment)."""
        self._actor(None, allowed=self.vendor_scope is None, action="clore les exécutions des autres")
        return self.store.sweep_interrupted()

    def certificate(self, run_id: str) -> Certificate:
        detail = self.run_detail(run_id)
        if detail is None:
            raise UsageError(f"Exécution inconnue : {run_id}")
        # The evidence hash covers the run's whole trace (a digest, no content): the same certificate
        # whoever downloads it.
        return build_certificate(detail, self.store.trace_for_run(run_id))

    def junit_xml(self, run_id: str) -> bytes:
        self._require_run(run_id)
        with tempfile.TemporaryDirectory(prefix="hubbench-junit-") as folder:
            return write_junit(self.store, run_id, Path(folder) / "junit.xml").read_bytes()

    def cucumber_json(self, run_id: str) -> bytes:
        self._require_run(run_id)
        return json.dumps(cucumber_features(self.store, run_id), ensure_ascii=False, indent=2).encode("utf-8")
