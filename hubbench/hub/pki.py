"""The hub's local PKI: an EC P-256 CA, the server certificate and one certificate per client.

Layout of `<home>/pki/`: `ca.crt`/`ca.key`, `server.crt`/`server.key` (its subjectAltName lists the names
and addresses clients connect to; re-issued by the same CA when they change), and per identity (client id,
`dispatcher`, the readiness probe) `<cn>.crt`, `<cn>.key`, `<cn>.p12`, and `console.crt`/`console.key`
for a console served on a network (`hubbench console --listen`). Private keys are mode 0600.
PKCS#12 files carry the key, the certificate and the CA and have **no password** (empty password).
Revoked identities are moved to `<home>/pki/revoked/<cn>-<timestamp>/`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "hubbench Hub CA"
DISPATCHER_CN = "dispatcher"
PROBE_CN = "hubbench.probe"
CA_DAYS = 3650
LEAF_DAYS = 825
DEFAULT_SERVER_NAMES = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class ClientCredentials:
    """Paths of one identity's files (PEM certificate and key, PKCS#12 bundle, CA certificate)."""

    client_id: str
    cert: Path
    key: Path
    p12: Path
    ca: Path

    def as_dict(self) -> dict[str, str]:
        return {"cert": str(self.cert), "key": str(self.key), "p12": str(self.p12), "ca": str(self.ca)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def write_private(path: Path, data: bytes) -> None:
    """Write a file that holds a secret: mode 0600 from its creation, and an existing file reset to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # before the secret is written: an existing file keeps its mode through O_CREAT
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _san(names: Sequence[str]) -> list[x509.GeneralName]:
    """Subject alternative names: an IP address entry for each address, a DNS entry for each host name."""
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return entries


def san_names(cert_path: Path) -> set[str]:
    """The host names and addresses a certificate file is valid for."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {*san.get_values_for_type(x509.DNSName), *map(str, san.get_values_for_type(x509.IPAddress))}


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


class Pki:
    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)

    # -- CA -------------------------------------------------------------------------------------
    @property
    def ca_cert_path(self) -> Path:
        return self.dir / "ca.crt"

    @property
    def ca_key_path(self) -> Path:
        return self.dir / "ca.key"

    def ensure_ca(self) -> None:
        if self.ca_cert_path.exists() and self.ca_key_path.exists():
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(CA_NAME))
            .issuer_name(_name(CA_NAME))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                    key_encipherment=False, data_encipherment=False, key_agreement=False,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        write_private(self.ca_key_path, _key_pem(key))
        self.ca_cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def _ca(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        self.ensure_ca()
        cert = x509.load_pem_x509_certificate(self.ca_cert_path.read_bytes())
        key = serialization.load_pem_private_key(self.ca_key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cert, key

    # -- leaves ---------------------------------------------------------------------------------
    def _sign_leaf(
        self, cn: str, *, server: bool, names: Sequence[str] = DEFAULT_SERVER_NAMES
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        ca_cert, ca_key = self._ca()
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
        )
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(_san(names)), critical=False)
        return builder.sign(ca_key, hashes.SHA256()), key

    @property
    def server_cert_path(self) -> Path:
        return self.dir / "server.crt"

    def server_names(self) -> set[str]:
        """Names of the current broker certificate's SAN (empty when there is none yet)."""
        return san_names(self.server_cert_path) if self.server_cert_path.exists() else set()

    def server_files(self, names: Sequence[str] = DEFAULT_SERVER_NAMES) -> tuple[Path, Path]:
        """(certificate, key) of the broker, whose SAN holds exactly `names` (host names or IPs);
        issued on first use and re-issued by the same CA when the names change."""
        return self.named_server_files("server", names)

    def named_server_files(self, stem: str, names: Sequence[str]) -> tuple[Path, Path]:
        """(certificate, key) `<stem>.crt`/`<stem>.key` of a server known by `names` (host names, IP
        addresses), signed by the bench's CA; re-issued when the names change."""
        cert_path, key_path = self.dir / f"{stem}.crt", self.dir / f"{stem}.key"
        wanted = list(dict.fromkeys(names))
        if (cert_path.exists() and key_path.exists() and san_names(cert_path) == set(wanted)
                and self._issued_by_ca(cert_path)):
            return cert_path, key_path
        cert, key = self._sign_leaf(wanted[0], server=True, names=wanted)
        write_private(key_path, _key_pem(key))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cert_path, key_path

    def server_files_in(self, folder: Path, stem: str, names: Sequence[str]) -> tuple[Path, Path]:
        """(certificate, key) of a server known by `names`, signed by this CA, written afresh in `folder`
        (another folder than the CA's: the impostor hub's certificates, `hub/impostor.py`)."""
        cert, key = self._sign_leaf(names[0], server=True, names=list(dict.fromkeys(names)))
        cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
        write_private(key_path, _key_pem(key))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cert_path, key_path

    def _issued_by_ca(self, cert_path: Path) -> bool:
        ca_cert, _ = self._ca()
        try:
            x509.load_pem_x509_certificate(cert_path.read_bytes()).verify_directly_issued_by(ca_cert)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True

    def credentials(self, cn: str) -> ClientCredentials:
        return ClientCredentials(
            client_id=cn,
            cert=self.dir / f"{cn}.crt",
            key=self.dir / f"{cn}.key",
            p12=self.dir / f"{cn}.p12",
            ca=self.ca_cert_path,
        )

    def has(self, cn: str) -> bool:
        creds = self.credentials(cn)
        return creds.cert.exists() and creds.key.exists() and creds.p12.exists()

    def issue_client(self, client_id: str) -> ClientCredentials:
        """Issue (or re-issue) a client certificate whose CN is `client_id`."""
        cert, key = self._sign_leaf(client_id, server=False)
        ca_cert, _ = self._ca()
        creds = self.credentials(client_id)
        write_private(creds.key, _key_pem(key))
        creds.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        bundle = pkcs12.serialize_key_and_certificates(
            client_id.encode(), key, cert, [ca_cert], serialization.NoEncryption()
        )
        write_private(creds.p12, bundle)
        return creds

    def ensure_identity(self, cn: str) -> ClientCredentials:
        return self.credentials(cn) if self.has(cn) else self.issue_client(cn)

    def revoke(self, cn: str) -> Path | None:
        """Move the identity's files to `revoked/`; returns the folder, or None if nothing was there."""
        creds = self.credentials(cn)
        present = [p for p in (creds.cert, creds.key, creds.p12) if p.exists()]
        if not present:
            return None
        target = self.dir / "revoked" / f"{cn}-{_now().strftime('%Y%m%dT%H%M%S%f')}"
        target.mkdir(parents=True)
        for path in present:
            shutil.move(str(path), target / path.name)
        return target
