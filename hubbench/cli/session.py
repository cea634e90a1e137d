"""`hubbench session run FILE.yaml`: an acceptance session — many vendors' campaigns in one process.

One live line per campaign (vendor × link: tier in progress, scenarios done, verdict so far), then the
vendor × link × tier matrix. Exit code as `hubbench run`: 0 nothing failed, 1 otherwise, 2 when a
campaign could not start (its row says why). The file's format: `schemas/session.schema.json`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from hubbench import events as ev
from hubbench.campaigns import (
    Campaign,
    CampaignOutcome,
    SessionPlan,
    SessionResult,
    load_session,
    run_session,
)
from hubbench.engine import tier_label
from hubbench.home import BenchHome
from hubbench.protocol import provisional_label

session_app = typer.Typer(help="Sessions de recette : plusieurs éditeurs en un seul processus.",
                          no_args_is_help=True)


class LiveLines:
    """One line per campaign, redrawn by rich while the session runs (printed as they end otherwise)."""

    def __init__(self, console: Console, campaigns: tuple[Campaign, ...]) -> None:
        self.console = console
        self._lock = threading.Lock()
        self._state: dict[tuple[str, str], tuple[str, int, str]] = {
            self._key(c): ("en attente", 0, "") for c in campaigns}
        self._worst: dict[tuple[str, str], list[ev.Verdict]] = {self._key(c): [] for c in campaigns}
        self._names = {self._key(c): f"{c.vendor.name} × {c.link}" for c in campaigns}

    @staticmethod
    def _key(campaign: Campaign) -> tuple[str, str]:
        return campaign.vendor.client_id, campaign.link

    def campaign_event(self, campaign: Campaign, event: ev.Event) -> None:
        key = self._key(campaign)
        with self._lock:
            tier, done, worst = self._state[key]
            if isinstance(event, ev.ScenarioStarted):
                tier = tier_label(event.tier)
            elif isinstance(event, ev.ScenarioFinished):
                done += 1
                self._worst[key].append(event.verdict)
                worst = ev.aggregate(self._worst[key]).label_fr
            self._state[key] = (tier, done, worst)

    def campaign_done(self, outcome: CampaignOutcome) -> None:
        key = self._key(outcome.campaign)
        verdict = (outcome.error or (outcome.result.verdict.label_fr if outcome.result else "non exécuté"))
        with self._lock:
            _tier, done, _worst = self._state[key]
            self._state[key] = (f"terminé en {outcome.duration_s:.0f} s", done, verdict)
        if not self.console.is_terminal:
            self.console.print(self._line(key), highlight=False, soft_wrap=True)  # one line in logs

    def _line(self, key: tuple[str, str]) -> Text:
        tier, done, verdict = self._state[key]
        return Text(f"{self._names[key]} — {tier} — {done} scénario(s) — {verdict or '…'}")

    def __rich__(self) -> Group:
        with self._lock:
            return Group(*(self._line(key) for key in self._state))


def matrix_table(result: SessionResult) -> Table:
    tiers = result.tiers
    table = Table(title=f"Session {result.session_id} — matrice éditeur × liaison × palier",
                  title_justify="left")
    for header in ("Éditeur", "Client", "Liaison", "Exécution", *(tier_label(t) for t in tiers)):
        table.add_column(header)
    for outcome in result.outcomes:
        c = outcome.campaign
        provisional = bool(outcome.result and outcome.result.provisional)
        cells = outcome.tier_cells(tiers)
        row = [provisional_label(cells[t], provisional) if t in c.tiers else "—" for t in tiers]
        if outcome.error:
            row = [f"erreur : {outcome.error}"] + ["—"] * (len(tiers) - 1)
        table.add_row(c.vendor.name, c.vendor.client_id, c.link, outcome.run_id or "—", *row)
    return table


def run_live(plan: SessionPlan, console: Console, say: Callable[[str], None], *,
             home: BenchHome | None = None, session_id: str | None = None) -> SessionResult:
    """The session's campaigns with one live line each (printed as they end when not on a terminal)."""
    lines = LiveLines(console, plan.campaigns)
    if console.is_terminal:
        with Live(lines, console=console, refresh_per_second=2):
            return run_session(plan, lines, home=home, session_id=session_id, say=say)
    return run_session(plan, lines, home=home, session_id=session_id, say=say)


def run_command(
    file: Annotated[
        Path, typer.Argument(help="Fichier de session (YAML/JSON ; schemas/session.schema.json).")
    ],
    fast: Annotated[
        bool, typer.Option("--fast", help="Délais courts (systèmes automatisés), quel que soit le fichier.")
    ] = False,
    processes: Annotated[
        int | None, typer.Option("--processus", min=0, max=32,
                                 help="Processus qui se partagent les campagnes (0 : automatique), "
                                      "quel que soit le fichier.")
    ] = None,
) -> None:
    """Lance les campagnes de tous les éditeurs d'une session (un processus par cœur au-delà de
    quelques dizaines de campagnes)."""
    from dataclasses import replace

    plan = load_session(file)
    if fast and not plan.fast:
        plan = replace(plan, fast=True)
    if processes is not None:
        plan = replace(plan, processes=processes)
    console = Console(stderr=True)
    console.print(f"[bold]Session {plan.name}[/] — {len(plan.vendors)} éditeur(s), "
                  f"{len(plan.campaigns)} campagne(s)", highlight=False)

    def say(line: str) -> None:
        console.print(f"  {line}", highlight=False)

    result = run_live(plan, console, say)
    out = Console()
    (out if out.is_terminal else Console(width=220)).print(matrix_table(result))
    console.print(f"Session {result.session_id} : {len(result.outcomes)} campagne(s) en "
                  f"{result.duration_s:.0f} s ; hubbench results list --session {result.session_id}",
                  highlight=False)
    raise typer.Exit(result.exit_code)


session_app.command("run")(run_command)


def register(app: typer.Typer) -> None:
    app.add_typer(session_app, name="session")
