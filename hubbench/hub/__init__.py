"""hub room: the bench's private RabbitMQ node, its PKI, client registry, topology, management API and the
dispatcher (`hub.dispatcher`: pure pipeline, aiormq service, worker processes, supervisor).

Other rooms use the names below (`from hubbench.hub import HubNode`), never the modules behind them; a
name is imported on first use (the face itself loads nothing heavy). Knows nothing of scenarios or verdicts.
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.hub.bundle import default_output as default_bundle_output
    from hubbench.hub.bundle import write_bundle
    from hubbench.hub.clients import ClientEntry, ClientRegistry, registered_client
    from hubbench.hub.cluster import HubCluster, cluster_state
    from hubbench.hub.container import DockerEngine, mark_compose, start_container, write_node_files
    from hubbench.hub.impostor import Attempt, Forgery, ImpostorHub, forged_files
    from hubbench.hub.management import ManagementClient
    from hubbench.hub.node import HubNode, broker_bin
    from hubbench.hub.pki import DISPATCHER_CN, ClientCredentials, Pki
    from hubbench.hub.procs import ChildGroup, run_foreground
    from hubbench.hub.settings import HubSettings
    from hubbench.hub.supervision import describe as describe_dispatcher
    from hubbench.hub.supervision import (
        dispatcher_health,
        pack_warnings,
        start_dispatcher,
        stop_dispatcher,
        vhost_packs,
    )

__all__ = [
    "DISPATCHER_CN",
    "Attempt",
    "ChildGroup",
    "ClientCredentials",
    "ClientEntry",
    "ClientRegistry",
    "DockerEngine",
    "Forgery",
    "HubCluster",
    "HubNode",
    "HubSettings",
    "ImpostorHub",
    "ManagementClient",
    "Pki",
    "broker_bin",
    "cluster_state",
    "default_bundle_output",
    "describe_dispatcher",
    "dispatcher_health",
    "forged_files",
    "mark_compose",
    "pack_warnings",
    "registered_client",
    "run_foreground",
    "start_container",
    "start_dispatcher",
    "stop_dispatcher",
    "vhost_packs",
    "write_bundle",
    "write_node_files",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)
