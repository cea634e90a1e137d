"""TLS + SASL EXTERNAL connection parameters for pika: the certificate CN is the user
(RabbitMQ docs "TLS Support" and `rabbitmq_auth_mechanism_ssl`, `ssl_cert_login_from = common_name`)."""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pika
from pika.credentials import ExternalCredentials


class Identity(Protocol):
    """What a TLS client needs: PEM certificate and key, and the CA that signed the server (read-only, so
    a frozen dataclass such as `hub.pki.ClientCredentials` is one)."""

    @property
    def cert(self) -> Path: ...

    @property
    def key(self) -> Path: ...

    @property
    def ca(self) -> Path: ...


def ssl_context(identity: Identity, *, verify_ca: bool = True, verify_name: bool = True) -> ssl.SSLContext:
    """The client's TLS context; `verify_ca` / `verify_name` False are a reference vendor's faults only
    (a client that accepts any server, or any name: the impostor hub of tier 1 catches them)."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(identity.ca))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = verify_name and verify_ca
    if not verify_ca:
        ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(str(identity.cert), str(identity.key))
    return ctx


def connection_parameters(
    identity: Identity,
    *,
    host: str,
    port: int,
    vhost: str,
    server_hostname: str = "localhost",
    connection_name: str | None = None,
    heartbeat: int = 30,
    socket_timeout: float = 5.0,
    verify_ca: bool = True,
    verify_name: bool = True,
) -> pika.ConnectionParameters:
    properties = {"connection_name": connection_name} if connection_name else None
    return pika.ConnectionParameters(
        host=host,
        port=port,
        virtual_host=vhost,
        ssl_options=pika.SSLOptions(ssl_context(identity, verify_ca=verify_ca, verify_name=verify_name),
                                    server_hostname=server_hostname),
        credentials=ExternalCredentials(),
        client_properties=properties,
        heartbeat=heartbeat,
        connection_attempts=1,
        socket_timeout=socket_timeout,
        blocked_connection_timeout=30,
    )


@contextlib.contextmanager
def quiet_pika() -> Iterator[None]:
    """Silence pika's connection-failure logging while probing (failures are expected then)."""
    logger = logging.getLogger("pika")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)
