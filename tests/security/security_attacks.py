"""Attacks on the bench's hub, each returning whether it was refused (DST 1.2 §2.2, §3.1).

Shared by `tests/security/` (one test per attack) and `bench/reliability.py` (attacks_tried/refused).
Every attack targets the bench's own node on 127.0.0.1, or this machine's own interface address to
show that nothing listens there. Nothing here sends traffic to any other host.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import socket
import ssl
import struct
from dataclasses import dataclass
from pathlib import Path

import pika
import pika.exceptions as pex
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hubbench.hub.management import ManagementClient
from hubbench.hub.pki import Pki
from hubbench.hub.settings import HubSettings
from hubbench.transport.tls import quiet_pika

SIOCGIFADDR = 0x8915


@dataclass(frozen=True)
class Outcome:
    name: str
    refused: bool
    detail: str


def _params(settings: HubSettings, vhost: str, ctx: ssl.SSLContext) -> pika.ConnectionParameters:
    return pika.ConnectionParameters(
        host=settings.host, port=settings.amqps_port, virtual_host=vhost,
        ssl_options=pika.SSLOptions(ctx, server_hostname=settings.server_hostname),
        credentials=pika.credentials.ExternalCredentials(), connection_attempts=1, socket_timeout=5,
        blocked_connection_timeout=10,
    )


def connect_with(settings: HubSettings, vhost: str, ca: Path, cert: Path | None = None,
                 key: Path | None = None) -> Outcome:
    """Open an AMQPS connection with the given client certificate; refused = the broker said no."""
    ctx = ssl.create_default_context(cafile=str(ca))
    if cert is not None and key is not None:
        ctx.load_cert_chain(str(cert), str(key))
    try:
        with quiet_pika():
            connection = pika.BlockingConnection(_params(settings, vhost, ctx))
    except pex.AMQPConnectionError as exc:
        return Outcome("connexion", True, repr(exc)[:200])
    connection.close()
    return Outcome("connexion", False, "connexion acceptée")


def issue_with_validity(pki: Pki, cn: str, directory: Path, *, not_before: dt.datetime,
                        not_after: dt.datetime) -> tuple[Path, Path]:
    """A client certificate signed by the hub's own CA, with the given validity window."""
    ca_cert = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key_path.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{cn}.crt", directory / f"{cn}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def expired_certificate(settings: HubSettings, pki: Pki, vhost: str, client_id: str, tmp: Path) -> Outcome:
    now = dt.datetime.now(dt.UTC)
    cert, key = issue_with_validity(pki, client_id, tmp / "expire", not_before=now - dt.timedelta(days=30),
                                    not_after=now - dt.timedelta(days=1))
    out = connect_with(settings, vhost, pki.ca_cert_path, cert, key)
    return Outcome("certificat expiré", out.refused, out.detail)


def future_certificate(settings: HubSettings, pki: Pki, vhost: str, client_id: str, tmp: Path) -> Outcome:
    now = dt.datetime.now(dt.UTC)
    cert, key = issue_with_validity(pki, client_id, tmp / "futur", not_before=now + dt.timedelta(days=1),
                                    not_after=now + dt.timedelta(days=30))
    out = connect_with(settings, vhost, pki.ca_cert_path, cert, key)
    return Outcome("certificat pas encore valide", out.refused, out.detail)


def channel_refused(name: str, connection: pika.BlockingConnection, action: str, *args: object) -> Outcome:
    """Run one channel method; refused = the broker closed the channel with 403 ACCESS_REFUSED."""
    channel = connection.channel()
    try:
        getattr(channel, action)(*args)
    except pex.ChannelClosedByBroker as exc:
        return Outcome(name, exc.reply_code == 403, f"{exc.reply_code} {exc.reply_text}"[:200])
    return Outcome(name, False, f"{action}{args!r} accepté")


# ------------------------------------------------------------------------------------------- sockets
def interface_addresses() -> list[str]:
    """This machine's own IPv4 addresses other than loopback (read with ioctl: no traffic)."""
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            try:
                raw = fcntl.ioctl(sock.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue
            address = socket.inet_ntoa(raw[20:24])
            if not address.startswith("127."):
                found.append(address)
    return found


def listening_addresses(port: int) -> list[str]:
    """Local addresses of LISTEN sockets on `port`, from /proc/net/tcp and tcp6 ("0.0.0.0", "::", …)."""
    found = []
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            address_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:
                continue
            raw = bytes.fromhex(address_hex)
            words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # host-order words
            found.append(socket.inet_ntop(family, words))
    return found


def reachable(address: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def loopback_only(name: str, port: int) -> Outcome:
    """Listening on 127.0.0.1 only, and refused on this machine's own non-loopback addresses."""
    listening = listening_addresses(port)
    others = [a for a in interface_addresses() if reachable(a, port)]
    ok = bool(listening) and all(a == "127.0.0.1" for a in listening) and not others
    return Outcome(name, ok, f"écoute sur {listening}, joignable via {others or 'aucune autre adresse'}")


def management_wrong_password(settings: HubSettings) -> Outcome:
    api = ManagementClient(f"http://{settings.host}:{settings.management_port}/api", "admin", "mauvais")
    try:
        response = api.session.get(f"{api.base_url}/overview", timeout=30)
    except requests.RequestException as exc:
        return Outcome("API de gestion, mauvais mot de passe", True, repr(exc)[:200])
    return Outcome("API de gestion, mauvais mot de passe", response.status_code == 401,
                   f"HTTP {response.status_code}")


def management_default_guest(settings: HubSettings) -> Outcome:
    url = f"http://{settings.host}:{settings.management_port}/api/overview"
    response = requests.get(url, auth=("guest", "guest"), timeout=30)
    return Outcome("API de gestion, compte guest", response.status_code == 401,
                   f"HTTP {response.status_code}")
