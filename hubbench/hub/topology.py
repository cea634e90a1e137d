"""Broker objects of the hub (as `ansforge/SAMU-Hub-Sante`
`hub/dispatcher/src/test/resources/config/definitions.json`, permissions anchored; DST 1.2 §2.2.1, §3.1):
built as `definitions.json` for `load_definitions` at node start, and applied live through the management API
for clients added while the node runs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hubbench.hub.management import ManagementClient
from hubbench.hub.pki import DISPATCHER_CN, PROBE_CN
from hubbench.hub.settings import HubSettings

ADMIN_USER = "admin"
DISPATCHER_USER = DISPATCHER_CN
PROBE_USER = PROBE_CN
HUBSANTE = "hubsante"
DISTRIBUTION = "distribution"
DLX = "distribution.dlx"
DISPATCH = "dispatch"
DISPATCH_DLQ = "dispatch.dlq"
QUEUE_SUFFIXES = ("message", "ack", "info")
RABBIT_VERSION = "3.10.8"


@dataclass(frozen=True)
class ClientGrant:
    """A client as the broker sees it: its id and the vhosts it may use."""

    client_id: str
    vhosts: tuple[str, ...]


def client_queues(client_id: str) -> list[str]:
    return [f"{client_id}.{suffix}" for suffix in QUEUE_SUFFIXES]


def client_permissions(client_id: str) -> dict[str, str]:
    escaped = re.escape(client_id)
    return {"configure": "^$", "write": f"^{HUBSANTE}$", "read": f"^{escaped}\\.(message|ack|info)$"}


def client_topic_permissions(client_id: str) -> dict[str, str]:
    return {"exchange": HUBSANTE, "write": f"^{re.escape(client_id)}$", "read": "^$"}


DISPATCHER_PERMISSIONS = {
    "configure": "^$",
    "read": f"^({DISPATCH}|{re.escape(DISPATCH_DLQ)})$",
    "write": f"^{DISTRIBUTION}$",
}
PROBE_PERMISSIONS = {"configure": "^$", "write": "^$", "read": "^$"}
ADMIN_PERMISSIONS = {"configure": ".*", "write": ".*", "read": ".*"}


def password_hash(password: str) -> str:
    """rabbit_password_hashing_sha256: base64(salt4 + sha256(salt4 + password))."""
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


# Quorum queues on a cluster (`hub up --nodes N`): RabbitMQ 3.10 gives them message TTL (queue-wide and
# per-message, expired at the head of the queue) and at-least-once dead-lettering, which needs
# `overflow = reject-publish` (RabbitMQ docs "Quorum Queues", "Dead Letter Exchanges"). So the whole
# topology can be quorum: `dispatch`, `dispatch.dlq` and every client queue, with the same TTL → DLX →
# `dispatch.dlq` → 500 path as the single node; nothing acked by the broker is lost when one node of
# three dies. A single node keeps classic queues (unchanged behaviour). The real hub's queue types are
# not published (its public definitions.json declares classic queues for its tests).
QUORUM = {"x-queue-type": "quorum"}
QUORUM_DEAD_LETTERING = {"dead-letter-strategy": "at-least-once", "overflow": "reject-publish"}


def queue_arguments(quorum: bool) -> dict[str, Any]:
    return dict(QUORUM) if quorum else {}


def _policies(settings: HubSettings, vhost: str, quorum: bool = False) -> list[dict[str, Any]]:
    definition: dict[str, Any] = {"message-ttl": settings.message_ttl_ms, "dead-letter-exchange": DLX}
    if quorum:
        definition.update(QUORUM_DEAD_LETTERING)
    return [
        {"vhost": vhost, "name": "dead-lettering", "pattern": r"^.*\.(?:ack|message)$",
         "apply-to": "queues", "definition": dict(definition), "priority": 0},
        {"vhost": vhost, "name": "dead-lettering-info", "pattern": r"^.*\.info$",
         "apply-to": "queues", "definition": dict(definition), "priority": 0},
    ]


def _exchange(vhost: str, name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "vhost": vhost, "type": kind, "durable": True, "auto_delete": False,
            "internal": False, "arguments": {}}


def _queue(vhost: str, name: str, quorum: bool = False) -> dict[str, Any]:
    return {"name": name, "vhost": vhost, "durable": True, "auto_delete": False,
            "arguments": queue_arguments(quorum)}


def _binding(vhost: str, source: str, queue: str, key: str) -> dict[str, Any]:
    return {"source": source, "vhost": vhost, "destination": queue, "destination_type": "queue",
            "routing_key": key, "arguments": {}}


def build_definitions(
    settings: HubSettings, admin_password: str, clients: Iterable[ClientGrant], *, quorum: bool = False
) -> dict[str, Any]:
    """The whole hub as one definitions document (notes appendix C shape, plus topic permissions);
    `quorum`: every queue a quorum queue (a cluster, see QUORUM above)."""
    grants = list(clients)
    users: list[dict[str, Any]] = [
        {"name": ADMIN_USER, "password_hash": password_hash(admin_password),
         "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ["administrator"]},
        {"name": DISPATCHER_USER, "password_hash": "", "tags": []},
        {"name": PROBE_USER, "password_hash": "", "tags": []},
    ]
    perms: list[dict[str, Any]] = []
    topic_perms: list[dict[str, Any]] = []
    exchanges: list[dict[str, Any]] = []
    queues: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    for vhost in settings.vhosts:
        perms.append({"user": ADMIN_USER, "vhost": vhost, **ADMIN_PERMISSIONS})
        perms.append({"user": DISPATCHER_USER, "vhost": vhost, **DISPATCHER_PERMISSIONS})
        exchanges += [_exchange(vhost, HUBSANTE, "topic"), _exchange(vhost, DISTRIBUTION, "direct"),
                      _exchange(vhost, DLX, "fanout")]
        queues += [_queue(vhost, DISPATCH, quorum), _queue(vhost, DISPATCH_DLQ, quorum)]
        bindings += [_binding(vhost, HUBSANTE, DISPATCH, "#"), _binding(vhost, DLX, DISPATCH_DLQ, "")]
        policies += _policies(settings, vhost, quorum)
    perms.append({"user": PROBE_USER, "vhost": settings.vhosts[0], **PROBE_PERMISSIONS})
    for grant in grants:
        users.append({"name": grant.client_id, "password_hash": "", "tags": []})
        for vhost in grant.vhosts:
            perms.append({"user": grant.client_id, "vhost": vhost, **client_permissions(grant.client_id)})
            topic_perms.append({"user": grant.client_id, "vhost": vhost,
                                **client_topic_permissions(grant.client_id)})
            for queue in client_queues(grant.client_id):
                queues.append(_queue(vhost, queue, quorum))
                bindings.append(_binding(vhost, DISTRIBUTION, queue, queue))
    return {
        "rabbit_version": RABBIT_VERSION,
        "rabbitmq_version": RABBIT_VERSION,
        "vhosts": [{"name": v} for v in settings.vhosts],
        "users": users,
        "permissions": perms,
        "topic_permissions": topic_perms,
        "parameters": [],
        "global_parameters": [],
        "policies": policies,
        "exchanges": exchanges,
        "queues": queues,
        "bindings": bindings,
    }


def apply_client(api: ManagementClient, grant: ClientGrant, *, quorum: bool = False) -> None:
    """Create the client's user, permissions and queues on the running node (idempotent)."""
    api.put(f"/users/{api.q(grant.client_id)}", {"password_hash": "", "tags": ""})
    for vhost in grant.vhosts:
        api.put(f"/permissions/{api.q(vhost)}/{api.q(grant.client_id)}", client_permissions(grant.client_id))
        api.put(f"/topic-permissions/{api.q(vhost)}/{api.q(grant.client_id)}",
                client_topic_permissions(grant.client_id))
        for queue in client_queues(grant.client_id):
            api.put(f"/queues/{api.q(vhost)}/{api.q(queue)}", {"durable": True, "auto_delete": False,
                                                              "arguments": queue_arguments(quorum)})
            api.post(f"/bindings/{api.q(vhost)}/e/{DISTRIBUTION}/q/{api.q(queue)}",
                     {"routing_key": queue, "arguments": {}})


def remove_client(api: ManagementClient, client_id: str, vhosts: Sequence[str]) -> None:
    """Delete the client's user, close its connections and delete its queues (idempotent)."""
    api.delete(f"/users/{api.q(client_id)}", missing_ok=True)
    for conn in api.connections():
        if conn.get("user") == client_id:
            api.close_connection(conn["name"], "Client révoqué par le banc")
    for vhost in vhosts:
        for queue in client_queues(client_id):
            api.delete(f"/queues/{api.q(vhost)}/{api.q(queue)}", missing_ok=True)
