"""transport room: pika connections with certificates (TLS + SASL EXTERNAL), `HubClient` (publish with
confirms) and its `Inbox` (background consumer that never loses an early message). Never validates or
judges a message.

Other rooms use the names below (`from hubbench.transport import HubClient`), never the modules behind
them; a name is imported on first use (the face itself does not load pika). A client of the bench's own
hub, built from its client registry, is `hubbench.hub.registered_client`.
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.transport.client import (
        AckMode,
        Delivery,
        HubClient,
        Inbox,
        PublishRefused,
        StaleDelivery,
        TransportError,
    )
    from hubbench.transport.tls import Identity, connection_parameters, quiet_pika, ssl_context

__all__ = [
    "AckMode",
    "Delivery",
    "HubClient",
    "Identity",
    "Inbox",
    "PublishRefused",
    "StaleDelivery",
    "TransportError",
    "connection_parameters",
    "quiet_pika",
    "ssl_context",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)
