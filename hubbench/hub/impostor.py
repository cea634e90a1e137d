"""An impostor hub: a bench-owned TLS server a vendor must refuse (DST 1.2 §2.2.1, §2.2.2).

The real hub presents a certificate the vendor checks: issued by the agreed authority and naming the
host it connects to. A client that accepts any server is a fault the real hub cannot see and a bench
can: the impostor listens on loopback (its own port), presents either a certificate of another CA
(`OTHER_CA`, with the hub's own names) or one of the hub's CA with a wrong name (`WRONG_NAME`), and
records what each connection did. A vendor that checks the server ends the TLS handshake itself; one that
does not completes it and sends its AMQP protocol header, which the impostor reads and then hangs up
(it never speaks AMQP).
"""

from __future__ import annotations

import contextlib
import enum
import socket
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hubbench.hub.pki import Pki

HANDSHAKE_S = 5.0  # a client that says nothing for this long is given up
READ_S = 2.0  # after the handshake: how long the impostor waits for the client's first bytes
WRONG_NAMES = ("hub-imposteur.hubbench.invalid",)  # a name no client connects to (RFC 6761 .invalid)


class Forgery(enum.StrEnum):
    OTHER_CA = "autre-ca"  # the hub's names, signed by a CA the vendor was never given
    WRONG_NAME = "mauvais-nom"  # signed by the hub's CA, for a name that is not the hub's


@dataclass(frozen=True)
class Attempt:
    """One TCP connection to the impostor and how far it went."""

    peer: str
    handshake: bool  # the TLS handshake completed: the client accepted the certificate
    first_bytes: bytes = b""  # what the client sent after the handshake (b"AMQP\x00\x00\x09\x01": AMQP)
    error: str = ""  # why the handshake failed (the client's alert, as OpenSSL reports it)

    @property
    def amqp(self) -> bool:
        return self.first_bytes.startswith(b"AMQP")

    def describe(self) -> str:
        if not self.handshake:
            return f"{self.peer} : poignée de main TLS interrompue ({self.error or 'connexion fermée'})"
        after = "en-tête AMQP envoyé" if self.amqp else f"{len(self.first_bytes)} octet(s) envoyé(s)"
        return f"{self.peer} : certificat accepté, poignée de main TLS terminée, {after}"


def forged_files(pki_dir: Path, forgery: Forgery, hub_names: Sequence[str], folder: Path
                 ) -> tuple[Path, Path]:
    """(certificate, key) of the impostor, written in `folder` (its own: runs sharing a home never
    share these files); `hub_names` are the names the hub's own certificate holds."""
    if forgery is Forgery.OTHER_CA:  # a CA of its own, made here, with the hub's names
        return Pki(folder / "autre-ca").server_files_in(folder, "imposteur", hub_names)
    return Pki(pki_dir).server_files_in(folder, "imposteur", WRONG_NAMES)


class ImpostorHub:
    """A TLS server on `host` (loopback), port chosen by the system, one thread; `close()` stops it."""

    def __init__(self, cert: Path, key: Path, host: str = "127.0.0.1") -> None:
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(str(cert), str(key))
        self._context.verify_mode = ssl.CERT_NONE  # the impostor does not care who calls
        self._server = socket.create_server((host, 0))
        self._server.settimeout(0.2)
        self.address: tuple[str, int] = self._server.getsockname()[:2]
        self._attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"imposteur-{self.address[1]}", daemon=True)

    def start(self) -> ImpostorHub:
        self._thread.start()
        return self

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(HANDSHAKE_S + READ_S + 1)
        self._server.close()

    def __enter__(self) -> ImpostorHub:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            attempt = self._greet(conn, f"{peer[0]}:{peer[1]}")
            with self._lock:
                self._attempts.append(attempt)

    def _greet(self, conn: socket.socket, peer: str) -> Attempt:
        conn.settimeout(HANDSHAKE_S)
        try:
            tls = self._context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            conn.close()
            return Attempt(peer, handshake=False, error=_reason(exc))
        with tls:
            tls.settimeout(READ_S)
            first = b""
            with contextlib.suppress(OSError):
                first = tls.recv(8)
            return Attempt(peer, handshake=True, first_bytes=first)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    return type(exc).__name__ if not str(exc) else str(exc).splitlines()[0][:200]
