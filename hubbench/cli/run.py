"""`hubbench run`: the tier scenarios against a vendor's live system (thin over `hubbench.engine.runner.run`).

Exit codes: 0 no selected scenario failed, errored or timed out (pending
attestations are listed, and fail only with --strict); 1 otherwise; 2 usage or set-up error.
The header names the vhost's pack (tag, source, checksum); on provisional validation every verdict
reads « … (provisoire) » and a red line says why.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.table import Table

from hubbench import events as ev
from hubbench.declaration import NOT_DECLARED, load_declaration, summary_text
from hubbench.engine import RemoteOptions, RunOptions, RunResult, Timeouts, parse_tiers, run, tier_label
from hubbench.errors import UsageError
from hubbench.events import Verdict, aggregate
from hubbench.promptapi import STEP_CONTROLS
from hubbench.protocol import Provenance, provisional_label

_STYLE = {
    Verdict.PASSED: "green",
    Verdict.FAILED: "red",
    Verdict.ERROR: "magenta",
    Verdict.TIMED_OUT: "red",
    Verdict.PENDING_ATTESTATION: "yellow",
    Verdict.UNVERIFIABLE_REMOTE: "blue",
    Verdict.NOT_APPLICABLE: "cyan",
    Verdict.SKIPPED: "dim",
    Verdict.BLOCKED: "dark_orange",
    Verdict.NOT_RUN: "dim",
}


class Progress:
    """CLI listener: one line per scenario, prompts echoed with a live countdown (stderr)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._prompt: ev.PromptShown | None = None
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self.provisional = False

    def _run_started(self, event: ev.RunStarted) -> None:
        self.console.print(
            f"[bold]Exécution {event.run_id}[/] — {event.vendor} ({event.client_id}), "
            f"liaison {event.link}, vhost {event.vhost}, paliers "
            f"{', '.join(tier_label(t).removeprefix('Palier ') for t in event.tiers)}"
        )
        self.console.print(f"  {summary_text(event.declaration, event.link)}", highlight=False)
        provenance = Provenance.from_json(event.pack)
        if provenance is None:
            self.console.print(f"  Schémas : pack {event.pack_tag} (provenance inconnue)", highlight=False)
            return
        self.provisional = provenance.provisional
        self.console.print(f"  Schémas : {provenance.summary_fr}", highlight=False)
        if provenance.warning_fr:
            self.console.print(provenance.warning_fr, style="bold red", highlight=False)

    def __call__(self, event: ev.Event) -> None:
        if isinstance(event, ev.RunStarted):
            self._run_started(event)
        elif isinstance(event, ev.ScenarioStarted):
            self.console.print(f"  ▶ {tier_label(event.tier)} — {event.name}", style="bold")
        elif isinstance(event, ev.StepFinished) and event.verdict is not Verdict.PASSED and event.detail:
            self.console.print(
                f"      {event.verdict.label_fr} : {event.detail}",
                style=_STYLE[event.verdict],
                highlight=False,
            )
        elif isinstance(event, ev.ScenarioFinished):
            label = (ev.blocked_label(event.blocked_by_tier) if event.verdict is Verdict.BLOCKED
                     else event.verdict.label_fr)
            label = provisional_label(label, self.provisional)
            self.console.print(f"    → {label} ({event.duration_s:.1f} s)", style=_STYLE[event.verdict])
        elif isinstance(event, ev.PromptShown):
            self._show_prompt(event)
        elif isinstance(event, ev.PromptClosed):
            with self._lock:
                self._prompt = None
        elif isinstance(event, ev.AttestationRequested):
            self.console.print(f"      ✎ À attester : {event.question}", style="yellow", highlight=False)

    def _show_prompt(self, event: ev.PromptShown) -> None:
        with self._lock:
            self._prompt = event
        self.console.print(
            f"  ➜ Opérateur : {event.instruction}  (reste {self._remaining(event)} s)",
            style="bold yellow",
            highlight=False,
        )
        if event.action in STEP_CONTROLS:
            self.console.print(
                "    (renvoyer ou passer l'étape : console, page « Exécutions en direct », ou "
                f"POST /prompts/{event.prompt_id}/resend|skip de l'API des invites)",
                style="yellow",
                highlight=False,
            )
        if self._ticker is None or not self._ticker.is_alive():
            self._ticker = threading.Thread(target=self._tick, daemon=True, name="prompt-countdown")
            self._ticker.start()

    @staticmethod
    def _remaining(event: ev.PromptShown) -> int:
        return max(0, int((event.deadline - ev.utcnow()).total_seconds()))

    def _tick(self) -> None:
        for _ in range(3600):  # bounded: one reminder every 15 s while a prompt stays open
            time.sleep(15)
            with self._lock:
                prompt = self._prompt
            if prompt is None:
                return
            self.console.print(
                f"  ➜ Opérateur : {prompt.instruction}  (reste {self._remaining(prompt)} s)",
                style="yellow",
                highlight=False,
            )


def summary_table(result: RunResult) -> Table:
    table = Table(title=f"Résultat par palier — {result.run_id}", title_justify="left")
    for column in (
        "Palier",
        "Scénarios",
        "Réussis",
        "Échoués",
        "Délai dépassé",
        "À attester",
        "Non vérifiables à distance",
        "Non applicables",
        "Bloqués",
        "Erreurs",
        "Verdict",
    ):
        table.add_column(column)
    for tier in sorted({s.tier for s in result.scenarios}):
        scenarios = [s for s in result.scenarios if s.tier == tier]
        verdicts = [s.verdict for s in scenarios]
        verdict = aggregate(verdicts)
        count = verdicts.count
        label = verdict.label_fr
        if verdict is Verdict.BLOCKED:
            roots = [s.blocked_by_tier for s in scenarios if s.blocked_by_tier]
            label = ev.blocked_label(min(roots, default=None))
        table.add_row(
            tier_label(tier).removeprefix("Palier "),
            str(len(verdicts)),
            str(count(Verdict.PASSED)),
            str(count(Verdict.FAILED)),
            str(count(Verdict.TIMED_OUT)),
            str(count(Verdict.PENDING_ATTESTATION)),
            str(count(Verdict.UNVERIFIABLE_REMOTE)),
            str(count(Verdict.NOT_APPLICABLE)),
            str(count(Verdict.BLOCKED)),
            str(count(Verdict.ERROR)),
            f"[{_STYLE[verdict]}]{provisional_label(label, result.provisional)}[/]",
        )
    return table


def not_applicable_lines(result: RunResult) -> list[str]:
    """One line per scenario left out by the declaration or blocked by a lower tier (with the reason)."""
    lines = []
    for s in result.scenarios:
        if s.verdict is Verdict.BLOCKED:
            lines.append(f"  ⛓ {s.verdict_label} : palier {s.tier} — {s.name}")
        elif s.verdict is Verdict.NOT_APPLICABLE and s.detail.startswith(NOT_DECLARED):
            lines.append(f"  – {s.detail} : palier {s.tier} — {s.name}")
    return lines


def official_cases_table(result: RunResult) -> Table | None:
    """One row per official test case played (scenarios tagged @cas-officiel), or None."""
    from hubbench.engine import OFFICIAL_TAG

    cases = [s for s in result.scenarios if OFFICIAL_TAG in s.tags]
    if not cases:
        return None
    table = Table(title="Cas de test officiels", title_justify="left")
    for column in ("Cas", "Verdict", "Détail"):
        table.add_column(column)
    for case in cases:
        label = provisional_label(case.verdict.label_fr, result.provisional)
        table.add_row(case.name, f"[{_STYLE[case.verdict]}]{label}[/]", case.detail[:160])
    return table


def require_client_of(vendor: str, client_id: str) -> None:
    """The client is registered, not revoked, for this very vendor: a vendor's account never runs with
    another vendor's client (its certificate, queues and messages)."""
    from hubbench.home import BenchHome
    from hubbench.hub import ClientRegistry

    entry = ClientRegistry(BenchHome.from_env()).get(client_id)
    if entry is None or entry.revoked or entry.editor != vendor.strip():
        raise UsageError(
            f"Le client {client_id} n'est pas enregistré pour l'éditeur {vendor.strip()}",
            hint=f"l'administrateur l'enregistre : hubbench clients add {client_id} "
            f"--editor '{vendor.strip()}'",
        )


def run_command(
    vendor: Annotated[str, typer.Option("--vendor", help="Nom de l'éditeur / du produit testé.")],
    client_id: Annotated[str, typer.Option("--client-id", help="Identifiant client du système testé.")],
    link: Annotated[str, typer.Option("--link", help="Liaison : 15-15, 15-SMUR, 15-NexSIS ou 15-GPS.")],
    vhost: Annotated[
        str | None, typer.Option("--vhost", help="Vhost (défaut : celui de la liaison).")
    ] = None,
    tiers: Annotated[
        str, typer.Option("--tiers", help="Paliers, ex. 1-3, 1-7 ou 4,5 ; R : Robustesse (optionnel).")
    ] = "1-3",
    robustesse: Annotated[
        bool, typer.Option("--robustesse", help="Ajoute le palier optionnel Robustesse (comme --tiers …,R).")
    ] = False,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="Réponses aux attestations (YAML/JSON).")
    ] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Rapport JUnit XML.")] = None,
    cucumber_json: Annotated[
        Path | None, typer.Option("--cucumber-json", help="Rapport Cucumber JSON.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Rapport JSON hubbench.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Les attestations en attente font échouer.")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Délai des invites opérateur (s).")
    ] = None,
    partner_id: Annotated[
        str | None, typer.Option("--partner-id", help="Identifiant du partenaire du banc.")
    ] = None,
    fast: Annotated[bool, typer.Option("--fast", help="Délais courts (systèmes automatisés).")] = False,
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Filtre sur le nom (répétable).")
    ] = None,
    declaration: Annotated[
        Path | None,
        typer.Option("--declaration", help="Déclaration de capacités (YAML/JSON ; voir "
                                           "schemas/declaration.schema.json)."),
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="Rôle sur la liaison (répétable) : lrm, tablette, emetteur-position, "
                                    "demandeur-position."),
    ] = None,
    format_: Annotated[
        list[str] | None, typer.Option("--format", help="Format déclaré (répétable) : json, xml.")
    ] = None,
    confirms: Annotated[
        bool, typer.Option("--confirms", help="Déclare les confirmations de publication (optionnel).")
    ] = False,
    direct_cisu: Annotated[
        bool, typer.Option("--direct-cisu", help="15-NexSIS : déclare l'échange direct au format CISU.")
    ] = False,
    registered_client: Annotated[
        bool,
        typer.Option(
            "--registered-client",
            help="Exige un client enregistré pour cet éditeur (clients add ID --editor NOM) ; la console "
            "l'impose aux comptes éditeur.",
        ),
    ] = False,
    prompts_jsonl: Annotated[
        str | None, typer.Option("--prompts-jsonl", help="Invites en JSON lines : fichier, ou - (stdout).")
    ] = None,
    prompt_api_port: Annotated[
        int, typer.Option("--prompt-api-port", help="Port de l'API des invites (0 : port libre).")
    ] = 0,
    no_prompt_api: Annotated[
        bool, typer.Option("--no-prompt-api", help="Sans API HTTP des invites.")
    ] = False,
    attestation_wait: Annotated[
        float, typer.Option("--attestation-wait", help="Attente d'une réponse d'attestation via l'API (s).")
    ] = 0.0,
    hub: Annotated[
        str | None,
        typer.Option("--hub", help="Hub externe (que le banc ne gère pas) : amqps://HÔTE:PORT/VHOST."),
    ] = None,
    partner_cert: Annotated[
        Path | None, typer.Option("--partner-cert", help="Hub externe : certificat PEM du partenaire.")
    ] = None,
    partner_key: Annotated[
        Path | None, typer.Option("--partner-key", help="Hub externe : clé privée PEM du partenaire.")
    ] = None,
    partner_p12: Annotated[
        Path | None, typer.Option("--partner-p12", help="Hub externe : certificat et clé en PKCS#12.")
    ] = None,
    partner_p12_password: Annotated[
        str | None,
        typer.Option("--partner-p12-password", envvar="HUBBENCH_P12_PASSWORD",
                     help="Mot de passe du PKCS#12 (ou HUBBENCH_P12_PASSWORD)."),
    ] = None,
    ca: Annotated[
        Path | None, typer.Option("--ca", help="Hub externe : AC qui a signé le certificat du hub.")
    ] = None,
    hub_server_name: Annotated[
        str | None,
        typer.Option("--hub-server-name", help="Hub externe : nom dans son certificat (défaut : l'hôte)."),
    ] = None,
) -> None:
    """Lance les scénarios des paliers contre le système d'un éditeur raccordé au hub du banc."""
    if timeout is not None and timeout <= 0:
        raise UsageError(f"--timeout : durée positive attendue, reçu {timeout:g}")
    if registered_client:
        require_client_of(vendor, client_id)
    if not 0 <= prompt_api_port <= 65535:
        raise UsageError(f"--prompt-api-port : port de 0 à 65535 attendu, reçu {prompt_api_port}")
    if attestation_wait < 0:
        raise UsageError(f"--attestation-wait : durée positive ou nulle attendue, reçu {attestation_wait:g}")
    remote_only = (partner_cert, partner_key, partner_p12, ca, hub_server_name)
    if hub is None and any(value is not None for value in remote_only):
        raise UsageError("--partner-cert, --partner-key, --partner-p12, --ca et --hub-server-name "
                         "vont avec --hub (hub externe)")
    remote = None if hub is None else RemoteOptions(
        hub, partner_cert, partner_key, ca, partner_p12, partner_p12_password, hub_server_name
    )
    console = Console(stderr=True)
    with _jsonl_stream(prompts_jsonl) as stream:
        options = RunOptions(
            vendor=vendor,
            client_id=client_id,
            link=link,
            vhost=vhost,
            tiers=parse_tiers(f"{tiers},R" if robustesse else tiers),
            answers=answers,
            partner_id=partner_id,
            timeout=timeout,
            timeouts=Timeouts.fast() if fast else Timeouts(),
            strict=strict,
            names=tuple(scenario or ()),
            listeners=[Progress(console)],
            prompt_api_port=None if no_prompt_api else prompt_api_port,
            prompts_jsonl=stream,
            attestation_wait=attestation_wait,
            announce=lambda line: console.print(line, highlight=False, soft_wrap=True),
            declaration=load_declaration(declaration) if declaration else None,
            roles=tuple(role or ()),
            formats=tuple(format_ or ()),
            confirms=confirms,
            direct_cisu=direct_cisu,
            remote=remote,
        )
        result = run(options)
    console.print(summary_table(result))
    cases = official_cases_table(result)
    if cases is not None:
        console.print(cases)
    for line in not_applicable_lines(result):
        console.print(line, highlight=False)
    for pending in result.pending:
        console.print(f"  ✎ à attester : {pending.name}", style="yellow")
    for unverifiable in result.unverifiable:
        console.print(f"  ⊘ non vérifiable à distance : {unverifiable.name} — {unverifiable.detail}",
                      style=_STYLE[Verdict.UNVERIFIABLE_REMOTE], highlight=False)
    if result.provisional:
        console.print("Verdicts PROVISOIRES : validation de repli hubsante-model (pack officiel "
                      "indisponible) ; aucun certificat ne peut en être tiré.", style="bold red")
    if result.interrupted:
        console.print("Exécution interrompue : les étapes terminées sont conservées.", style="bold red")
    _write_reports(result.run_id, junit, cucumber_json, json_path, console)
    raise typer.Exit(result.exit_code)


@contextlib.contextmanager
def _jsonl_stream(target: str | None) -> Iterator[IO[str] | None]:
    """The prompts' JSON-lines stream: None, stdout ("-"), or a file (UTF-8, line-buffered)."""
    if target is None:
        yield None
        return
    if target == "-":
        yield sys.stdout
        return
    try:
        out = open(target, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 — closed below
    except OSError as exc:
        raise UsageError(f"--prompts-jsonl : impossible d'écrire {target} ({exc.strerror})") from exc
    with out:
        yield out


def _write_reports(
    run_id: str, junit: Path | None, cucumber: Path | None, json_path: Path | None, console: Console
) -> None:
    if not (junit or cucumber or json_path):
        return
    from hubbench.home import BenchHome
    from hubbench.results import export_run

    targets = {"junit": junit, "cucumber": cucumber, "json": json_path}
    for path in export_run(BenchHome.from_env().db_url, run_id, targets):
        console.print(f"Rapport écrit : {path}")


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
