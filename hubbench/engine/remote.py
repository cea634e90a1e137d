"""External-hub mode: the bench's partner is a client of a hub the bench does not run.

`hubbench run --hub amqps://HOST:PORT/VHOST --partner-cert … --partner-key … --ca …` (or
`--partner-p12`): ANS's acceptance hub, or another hubbench. The bench then has only what any client of
that hub has: its partner's connection, the messages, acks and `.info` reports the partner receives,
and their timings. The hub's side (dispatcher trace, management API, broker log, the dispatcher's
identity) belongs to the hub's operator: a check that needs it is « non vérifiable à distance »
(`errors.RemoteUnverifiable`, `Verdict.UNVERIFIABLE_REMOTE`), never passed. What the vendor published is
judged on what the partner receives (`PartnerTrace`), where the hub's trace judges it locally.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from hubbench.engine.context import RunContext, RunOptions
from hubbench.engine.observers import TracedMessage, TraceObserver
from hubbench.errors import UsageError
from hubbench.events import Event

if TYPE_CHECKING:
    from hubbench.engine.scenario import Services
    from hubbench.protocol import SchemaPack
    from hubbench.transport import Delivery, Inbox

PARTNER_OUTCOME = "received_by_partner"  # a `TracedMessage` built from what the partner received
DEFAULT_AMQPS_PORT = 5671


@dataclass(frozen=True)
class PartnerIdentity:
    """The partner's TLS identity on the external hub (PEM files, as `transport.tls.Identity`)."""

    cert: Path
    key: Path
    ca: Path


@dataclass(frozen=True)
class RemoteHub:
    """Where the external hub is and who the bench's partner is on it."""

    url: str
    host: str
    port: int
    vhost: str
    identity: PartnerIdentity
    server_hostname: str

    @property
    def display(self) -> str:
        """The URL without anything secret (there is none in an amqps URL with EXTERNAL auth)."""
        return f"amqps://{self.host}:{self.port}/{self.vhost}"


@dataclass(frozen=True)
class RemoteOptions:
    """The `hubbench run` options of external-hub mode (paths as given)."""

    url: str
    cert: Path | None = None
    key: Path | None = None
    ca: Path | None = None
    p12: Path | None = None
    p12_password: str | None = None
    server_name: str | None = None


def parse_hub_url(url: str) -> tuple[str, int, str]:
    """(host, port, vhost) of `amqps://HOST[:PORT]/VHOST`; UsageError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "amqps":
        raise UsageError(f"--hub : URL amqps://HÔTE:PORT/VHOST attendue (TLS obligatoire), reçu {url!r}")
    try:
        port = parts.port or DEFAULT_AMQPS_PORT
    except ValueError:
        raise UsageError(f"--hub : port invalide dans {url!r}") from None
    vhost = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    if not parts.hostname or not vhost or "/" in parts.path[1:]:
        raise UsageError(f"--hub : hôte et vhost attendus (amqps://HÔTE:PORT/VHOST), reçu {url!r}")
    if parts.username or parts.password:
        raise UsageError("--hub : pas d'identifiant dans l'URL (authentification par certificat, EXTERNAL)")
    return parts.hostname, port, vhost


def _readable(path: Path | None, option: str) -> Path:
    if path is None:
        raise UsageError(f"{option} obligatoire avec --hub (ou --partner-p12)")
    if not path.is_file():
        raise UsageError(f"{option} : fichier introuvable : {path}")
    return path


def resolve_remote(options: RemoteOptions, vhost: str | None, workdir: Path) -> RemoteHub:
    """Check the external-hub options; a PKCS#12 is unpacked into `workdir` (0600 files)."""
    host, port, url_vhost = parse_hub_url(options.url)
    if vhost is not None and vhost != url_vhost:
        raise UsageError(f"--vhost {vhost} différent du vhost de --hub ({url_vhost})")
    ca = _readable(options.ca, "--ca")
    if options.p12 is not None:
        if options.cert is not None or options.key is not None:
            raise UsageError("--partner-p12 ou --partner-cert/--partner-key, pas les deux")
        cert, key = unpack_p12(_readable(options.p12, "--partner-p12"), options.p12_password, workdir)
    else:
        cert, key = _readable(options.cert, "--partner-cert"), _readable(options.key, "--partner-key")
    return RemoteHub(options.url, host, port, url_vhost, PartnerIdentity(cert, key, ca),
                     options.server_name or host)


def unpack_p12(p12: Path, password: str | None, workdir: Path) -> tuple[Path, Path]:
    """The certificate and key of a PKCS#12 bundle, written as PEM files (0600) in `workdir`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _ = pkcs12.load_key_and_certificates(
            p12.read_bytes(), password.encode() if password else None
        )
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--partner-p12 : fichier PKCS#12 illisible ou mot de passe erroné ({p12})") from exc
    if key is None or cert is None:
        raise UsageError(f"--partner-p12 : certificat ou clé absent du fichier {p12}")
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = hashlib.sha256(str(p12.resolve()).encode()).hexdigest()[:12]
    cert_path, key_path = workdir / f"{stem}.crt", workdir / f"{stem}.key"
    for path, data in (
        (cert_path, cert.public_bytes(serialization.Encoding.PEM)),
        (key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())),
    ):
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_bytes(data)
    return cert_path, key_path


def certificate_cn(cert: Path) -> str:
    """The common name of a PEM certificate: the partner's client id on the hub (EXTERNAL auth)."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        names = x509.load_pem_x509_certificate(cert.read_bytes()).subject.get_attributes_for_oid(
            NameOID.COMMON_NAME
        )
    except ValueError as exc:
        raise UsageError(f"--partner-cert : certificat PEM illisible ({cert})") from exc
    if not names:
        raise UsageError(f"--partner-cert : certificat sans CN ({cert})")
    return str(names[0].value)


def remote_workdir() -> Path:
    return Path(tempfile.gettempdir()) / "hubbench-remote"


def external_options(options: RunOptions, remote: RemoteOptions) -> tuple[RunOptions, RemoteHub]:
    """The run's options on the external hub: its vhost (from the URL), the partner id (the certificate's
    CN, as the hub authenticates it); and the checked `RemoteHub`."""
    hub = resolve_remote(remote, options.vhost, remote_workdir())
    partner = certificate_cn(hub.identity.cert)
    if options.partner_id is not None and options.partner_id != partner:
        raise UsageError(f"--partner-id {options.partner_id} différent du CN du certificat du partenaire "
                         f"({partner}) : le hub authentifie le partenaire par ce CN")
    return replace(options, vhost=hub.vhost, partner_id=partner), hub


def load_remote_context(ctx: RunContext) -> None:
    """The vhost's pack from the bench's own cache (the external hub's pack is not known: its provenance
    is the engine's alone)."""
    from hubbench.protocol import Provenance, load_pack

    ctx.pack = load_pack(vhost=ctx.vhost, home=ctx.home)
    ctx.provenance = Provenance.of(ctx.pack, ctx.vhost)


def connect_remote(remote: RemoteHub) -> Callable[[RunContext, Callable[[Event], None]], Services]:
    """The services factory of an external-hub run: the partner and its view of the vendor, nothing else."""

    def factory(ctx: RunContext, emit: Callable[[Event], None]) -> Services:
        from hubbench.engine.partner import Partner
        from hubbench.engine.wiring import HubServices
        from hubbench.transport import HubClient

        services = HubServices(remote_hub=remote.display)
        try:
            client = HubClient(ctx.partner_id, remote.identity, remote.host, remote.port, remote.vhost,
                               f"{ctx.partner_id}-banc-{ctx.run_id}", server_hostname=remote.server_hostname)
            inbox = client.inbox()
            services.partner = Partner(
                ctx.partner_id, ctx.client_id, client, inbox, emit, ctx.run_id, ctx.pack
            )
            services.trace = PartnerTrace(inbox, ctx.vhost, ctx.client_id, ctx.partner_id, ctx.pack)
        except Exception:
            services.close()
            raise
        return services

    return factory


class PartnerTrace(TraceObserver):
    """What the vendor published, as the partner received it through the external hub: the body and
    envelope are the vendor's; the AMQP properties (content type, persistence, routing key) are the
    hub's, so the checks on them are « non vérifiable à distance » (`is_partner_view`); a message the
    hub refused never reaches the partner (the vendor's `.info` is not the bench's to read)."""

    def __init__(
        self, inbox: Inbox, vhost: str, vendor_id: str, partner_id: str, pack: SchemaPack | None
    ) -> None:
        self.inbox = inbox
        self.vhost = vhost
        self.vendor_id = vendor_id
        self.partner_id = partner_id
        self.pack = pack
        self._views: dict[tuple[str, int, int], TracedMessage | None] = {}

    def published_by_vendor(self, since: datetime) -> list[TracedMessage]:
        start = since - timedelta(seconds=2)  # same margin as the hub's trace
        found = []
        for delivery in self.inbox.log():
            view = self._view(delivery)
            if view is not None and view.at >= start:
                found.append(view)
        return found

    def _view(self, delivery: Delivery) -> TracedMessage | None:
        key = (delivery.queue, delivery.generation, delivery.delivery_tag)
        if key not in self._views:
            self._views[key] = self._build(delivery)
        return self._views[key]

    def _build(self, delivery: Delivery) -> TracedMessage | None:
        from hubbench.protocol import DecodeError, EnvelopeView, decode

        if delivery.kind == "info":
            return None
        with contextlib.suppress(DecodeError, ValueError):
            env = decode(delivery.body, delivery.content_type or "", self.pack)
            view = EnvelopeView(env)
            if view.sender_id != self.vendor_id:
                return None
            return TracedMessage(
                id=len(self._views) + 1, at=delivery.received_at, vhost=self.vhost, routing_key=None,
                sender_id=view.sender_id, recipient_id=view.recipient_id, kind=view.kind,
                distribution_kind=view.distribution_kind, distribution_id=view.distribution_id,
                content_type=delivery.content_type, delivery_mode=None, properties=None, body=delivery.body,
                outcome=PARTNER_OUTCOME, error_code=None, errors=[], routed_to=self.partner_id,
                forwarded_content_type=None,
            )
        return None


def is_partner_view(msg: TracedMessage) -> bool:
    """True for a message seen by the partner through an external hub, not in the hub's trace."""
    return msg.outcome == PARTNER_OUTCOME
