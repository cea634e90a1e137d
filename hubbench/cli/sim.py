"""`hubbench sim ID --profile NAME`: run a reference vendor in the foreground (Ctrl-C stops it)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

import typer

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.hub import HubSettings
from hubbench.sim import PROFILES, LogEntry, VendorGaveUp, build_vendor, get_profile
from hubbench.vhosts import DEFAULT_VHOST


def _print_profiles() -> None:
    width = max(len(name) for name in PROFILES)
    for profile in PROFILES.values():
        typer.echo(f"{profile.name:<{width}}  {profile.summary}")
        if profile.is_fault:
            typer.echo(f"{'':<{width}}  règle enfreinte : {profile.broken_rule}")


def _echo(client_id: str) -> Callable[[LogEntry], None]:
    def on_log(entry: LogEntry) -> None:
        typer.echo(f"{entry.at.astimezone():%H:%M:%S} {client_id} {entry.text}")

    return on_log


def sim(
    client_id: str = typer.Argument(None, help="Identifiant client du vendeur simulé (déjà enregistré)."),
    profile: str = typer.Option("conforme", "--profile", "-p", help="Profil de comportement."),
    vhost: str = typer.Option(DEFAULT_VHOST, "--vhost", help="Vhost du hub."),
    for_seconds: float = typer.Option(None, "--for", min=0.1, help="Durée de fonctionnement en secondes."),
    list_profiles: bool = typer.Option(False, "--list-profiles", help="Liste les profils et quitte."),
) -> None:
    """Fait tourner un vendeur de référence (conforme ou fautif) branché sur le hub local."""
    if list_profiles:
        _print_profiles()
        return
    if not client_id:
        raise UsageError("Identifiant client manquant : hubbench sim ID --profile NOM")
    chosen = get_profile(profile)
    home = BenchHome.from_env()
    settings = HubSettings.load(home)
    if vhost not in settings.vhosts:
        raise UsageError(f"Vhost inconnu : {vhost!r} (attendu l'un de : {', '.join(settings.vhosts)})")
    vendor = build_vendor(home, client_id, chosen, vhost=vhost, settings=settings, on_log=_echo(client_id))
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    typer.echo(f"Vendeur de référence {client_id}, profil « {chosen.name} », vhost {vhost} "
               f"(hub {settings.host}:{settings.amqps_port}). Ctrl-C pour arrêter.")
    try:
        vendor.run(stop, duration_s=for_seconds)
    except VendorGaveUp as exc:
        raise UsageError(f"Vendeur arrêté : {exc}", hint="le hub est-il démarré ? hubbench hub up") from exc
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    stats = vendor.stats
    typer.echo(f"Bilan : {stats.connections} connexion(s), {sum(stats.deliveries.values())} livraison(s), "
               f"{stats.rc_refs_sent} RC-REF, {stats.messages_sent} message(s) envoyés, "
               f"{stats.prompts_done} consigne(s) exécutée(s).")


def register(app: typer.Typer) -> None:
    app.command("sim")(sim)
