"""`hubbench console --listen ADDR`: the console served on a network for a session, log-in and HTTPS
required. Without `--listen` the console stays single-user on 127.0.0.1, as before."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.hub import Pki
from hubbench.results import AccountStore, Database

CERT_STEM = "console"


@dataclass(frozen=True)
class Listening:
    address: str
    cert: Path
    key: Path

    def url(self, port: int) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"https://{host}:{port}"

    def streamlit_options(self) -> list[str]:
        return ["--server.sslCertFile", str(self.cert), "--server.sslKeyFile", str(self.key)]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise UsageError(f"Adresse IP d'écoute attendue (ex. 192.168.1.20), reçu {text!r}") from None


def plan_listening(
    listen: str | None,
    *,
    names: list[str],
    cert: Path | None,
    key: Path | None,
    database: Database,
    home: BenchHome,
) -> Listening | None:
    """None for the single-user console; else the address and the certificate to serve HTTPS with,
    after checking that accounts exist (a console on a network never runs without log-in)."""
    if listen is None:
        if names or cert or key:
            raise UsageError("--name, --cert et --key ne s'emploient qu'avec --listen ADRESSE")
        return None
    address = _address(listen)
    if AccountStore(database).count() == 0:
        raise UsageError(
            "Aucun compte de console : impossible d'écouter sur le réseau sans connexion",
            hint="créez d'abord un compte : hubbench console users add NOM --role admin",
        )
    if (cert is None) != (key is None):
        raise UsageError("--cert et --key vont ensemble : donnez les deux, ou aucun (certificat du banc)")
    if cert is not None and key is not None:
        for path in (cert, key):
            if not path.is_file():
                raise UsageError(f"Fichier introuvable : {path}")
        return Listening(str(address), cert.resolve(), key.resolve())
    chosen = [n.strip() for n in names if n.strip()] or ([] if address.is_unspecified else [str(address)])
    if not chosen:
        raise UsageError(
            f"Écoute sur {address} (toutes les interfaces) : nommez l'hôte du certificat",
            hint="--name console.session.local ou --name 192.168.1.20 (répétable)",
        )
    cert_path, key_path = Pki(home.pki_dir).named_server_files(CERT_STEM, chosen)
    return Listening(str(address), cert_path, key_path)
