"""`hubbench clients add | list | show | revoke | bundle`: the hub's clients, their certificates and rights,
and the zip a vendor receives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hubbench.home import BenchHome
from hubbench.hub import ClientEntry, ClientRegistry

clients_app = typer.Typer(help="Clients du hub : certificats, files et droits.", no_args_is_help=True)


def _registry() -> ClientRegistry:
    return ClientRegistry(BenchHome.from_env().ensure())


def _describe(registry: ClientRegistry, entry: ClientEntry) -> dict[str, Any]:
    data = entry.as_dict()
    if not entry.revoked:
        data.update(registry.pki.credentials(entry.client_id).as_dict())
        data["amqps_urls"] = registry.amqps_urls(entry)
    return data


def _print_entry(data: dict[str, Any]) -> None:
    typer.echo(f"Client      : {data['client_id']}{' (révoqué)' if data['revoked'] else ''}")
    typer.echo(f"Vhosts      : {', '.join(data['vhosts'])}")
    typer.echo(f"Format      : {'XML' if data['use_xml'] else 'JSON'} · éditeur {data['editor']}")
    direct = "oui (échange RC-EDA sans conversion)" if data.get("direct_cisu") else "non"
    typer.echo(f"CISU direct : {direct}")
    if not data["revoked"]:
        typer.echo(f"Certificat  : {data['cert']}")
        typer.echo(f"Clé privée  : {data['key']}")
        typer.echo(f"PKCS#12     : {data['p12']} (sans mot de passe)")
        typer.echo(f"CA          : {data['ca']}")
        for vhost, url in data["amqps_urls"].items():
            typer.echo(f"URL         : {url}  ({vhost}, SASL EXTERNAL)")


@clients_app.command("add")
def add(
    client_id: str = typer.Argument(..., help="Identifiant, ex. fr.health.samu440"),
    vhost: Annotated[
        list[str] | None, typer.Option("--vhost", help="Vhost autorisé (répétable ; défaut : tous).")
    ] = None,
    xml: bool = typer.Option(False, "--xml", help="Le client reçoit les messages en XML."),
    editor: str = typer.Option("unknown", "--editor", help="Nom de l'éditeur."),
    direct_cisu: bool = typer.Option(
        False, "--direct-cisu",
        help="Client santé qui échange lui-même les modèles CISU (RC-EDA) : le hub ne convertit pas ses "
             "messages avec les acteurs CISU."),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Enregistre un client : certificat, utilisateur, files et droits (à chaud si le hub tourne)."""
    registry = _registry()
    entry = registry.add(client_id, vhosts=vhost or None, use_xml=xml, editor=editor, direct_cisu=direct_cisu)
    data = _describe(registry, entry)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_entry(data)


@clients_app.command("list")
def list_clients(as_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """Liste les clients enregistrés."""
    entries = [e.as_dict() for e in _registry().list()]
    if as_json:
        typer.echo(json.dumps(entries, ensure_ascii=False))
        return
    if not entries:
        typer.echo("Aucun client enregistré.")
    for e in entries:
        state = "révoqué" if e["revoked"] else ("XML" if e["use_xml"] else "JSON")
        cisu = "CISU direct" if e["direct_cisu"] else ""
        typer.echo(f"{e['client_id']:<40} {state:<8} {cisu:<12} {', '.join(e['vhosts'])}")


@clients_app.command("show")
def show(
    client_id: str = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Détail d'un client : fichiers de certificat et URL de connexion."""
    registry = _registry()
    data = _describe(registry, registry.show(client_id))
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_entry(data)


@clients_app.command("revoke")
def revoke(client_id: str = typer.Argument(...)) -> None:
    """Révoque un client : utilisateur et files supprimés, certificat retiré."""
    _registry().revoke(client_id)
    typer.echo(f"Client « {client_id} » révoqué : ses connexions TLS seront refusées.")


@clients_app.command("bundle")
def bundle(
    client_id: str = typer.Argument(...),
    output: Annotated[
        Path | None, typer.Option("--output", help="Archive à écrire (défaut : hubbench-<ID>.zip).")
    ] = None,
) -> None:
    """Archive zip pour l'éditeur : PKCS#12, certificat et clé PEM, CA, LISEZMOI (URL, vérifications)."""
    from hubbench.hub import default_bundle_output, write_bundle

    target = write_bundle(_registry(), client_id, output or default_bundle_output(client_id))
    typer.echo(f"Archive écrite : {target} (mode 0600 : elle contient la clé privée du client)")


def register(app: typer.Typer) -> None:
    app.add_typer(clients_app, name="clients")
