"""The impostor hub of tier 1 (`hub.ImpostorHub`): what a checking client and a careless one leave on it."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest

from hubbench.engine.clock import Clock, poll_until
from hubbench.hub import Attempt, Forgery, ImpostorHub, Pki, forged_files
from hubbench.transport.tls import ssl_context

HUB_NAMES = ("localhost", "127.0.0.1")
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    Pki(folder).issue_client("fr.health.samu580")
    return folder


def _call(pki: Path, forgery: Forgery, folder: Path, *, verify_ca: bool, verify_name: bool) -> Attempt:
    """One client connection to a fresh impostor; what the impostor recorded of it."""
    with ImpostorHub(*forged_files(pki, forgery, HUB_NAMES, folder)) as impostor:
        context = ssl_context(Pki(pki).credentials("fr.health.samu580"), verify_ca=verify_ca,
                              verify_name=verify_name)
        try:
            with context.wrap_socket(socket.create_connection(impostor.address, timeout=5),
                                     server_hostname="localhost") as tls:
                tls.sendall(AMQP_HEADER)
                tls.recv(1)
        except (ssl.SSLError, OSError):
            pass
        seen = poll_until(lambda: impostor.attempts() or None, clock=Clock(), timeout=5, interval=0.05)
    assert seen is not None and len(seen) == 1
    return seen[0]


@pytest.mark.parametrize("forgery", list(Forgery))
def test_a_checking_client_ends_the_handshake(pki: Path, tmp_path: Path, forgery: Forgery) -> None:
    attempt = _call(pki, forgery, tmp_path, verify_ca=True, verify_name=True)
    assert not attempt.handshake and not attempt.amqp and attempt.error
    assert "interrompue" in attempt.describe()


@pytest.mark.parametrize(("forgery", "verify_ca", "verify_name"), [
    (Forgery.OTHER_CA, False, True),  # accepts any server
    (Forgery.WRONG_NAME, False, True),
    (Forgery.WRONG_NAME, True, False),  # checks the CA, not the name
])
def test_a_careless_client_completes_it_and_speaks_amqp(pki: Path, tmp_path: Path, forgery: Forgery,
                                                       verify_ca: bool, verify_name: bool) -> None:
    attempt = _call(pki, forgery, tmp_path, verify_ca=verify_ca, verify_name=verify_name)
    assert attempt.handshake and attempt.amqp
    assert "certificat accepté" in attempt.describe()


def test_checking_the_ca_alone_refuses_another_ca(pki: Path, tmp_path: Path) -> None:
    assert not _call(pki, Forgery.OTHER_CA, tmp_path, verify_ca=True, verify_name=False).handshake


def test_the_forged_certificates_never_touch_the_hubs_own_files(pki: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in pki.iterdir())
    for forgery in Forgery:
        cert, key = forged_files(pki, forgery, HUB_NAMES, tmp_path / forgery.value)
        assert cert.parent == key.parent == tmp_path / forgery.value
    assert sorted(p.name for p in pki.iterdir()) == before
